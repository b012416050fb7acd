/** The records the fake GitHub keeps, and the shapes its routes work with. */

export type Json = Record<string, unknown>;

export interface Reply {
  status: number;
  /** JSON unless `headers` give another content type (the raw contents media type: a string). */
  body?: unknown;
  headers?: Record<string, string>;
}

export interface RouteRequest {
  /** The call's position in the call log. */
  seq: number;
  params: Record<string, string>;
  query: URLSearchParams;
  body: Json;
  headers: Record<string, string>;
}

export interface RouteDef {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** The path as GitHub's OpenAPI description names it. */
  template: string;
  handler: (req: RouteRequest) => Reply;
}

/** One request the app made, in the order they arrived. */
export interface ApiCall {
  seq: number;
  method: string;
  /** `METHOD template`, e.g. `PUT /repos/{owner}/{repo}/contents/{path}`. */
  route: string;
  /** The decoded request path, e.g. `/repos/o/r/contents/.github/quantumwala.yml`. */
  path: string;
  params: Record<string, string>;
  query: Record<string, string>;
  body: unknown;
  status: number;
  /** The types of the state events this call stored on the state branch (its ref moved). */
  stateEvents: string[];
}

export interface FakeJob {
  id: number;
  runId: number;
  name: string;
  status: 'queued' | 'in_progress' | 'completed';
  conclusion: string | null;
  htmlUrl: string;
}

export interface FakeWorkflowRun {
  id: number;
  /** The workflow's file name (`quantumwala.yml`). */
  workflow: string;
  displayTitle: string;
  event: string;
  status: 'queued' | 'in_progress' | 'completed';
  conclusion: string | null;
  headBranch: string;
  headSha: string;
  createdAt: string;
  inputs: Record<string, string>;
  jobs: FakeJob[];
}

export interface FakeCheckRun {
  id: number;
  /** The body of the POST that created it. */
  created: Json;
  /** The bodies of the PATCHes, in order. */
  updates: Json[];
}

export interface FakePull {
  number: number;
  state: 'open' | 'closed';
  title: string;
  body: string | null;
  draft: boolean;
  headRef: string;
  headSha: string;
  /** The repository the head branch is in (`owner/repo`; a fork's differs). */
  headRepo: string;
  baseRef: string;
}

export interface FakeComment {
  seq: number;
  id: number;
  issue: number;
  body: string;
}

export interface FakeReaction {
  seq: number;
  commentId: number;
  content: string;
}

export interface FakeDispatch {
  seq: number;
  workflow: string;
  ref: string;
  inputs: Record<string, string>;
  /** The workflow run the fake started for it. */
  runId: number;
}
