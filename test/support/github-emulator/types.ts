/** Public types of the loopback GitHub REST API emulator. */
import type { FaultQueue } from './fault-queue.js';

export type Permission = 'admin' | 'maintain' | 'write' | 'triage' | 'read' | 'none';

export interface EmulatorUser {
  permission: Permission;
  type?: 'User' | 'Bot';
}

export interface GitHubEmulatorOptions {
  owner: string;
  repo: string;
  /** Branch of the initial commit and the repository's `default_branch`. Default `main`. */
  defaultBranch?: string;
  /** Files of the initial commit (path → utf-8 content). Ignored when `bareRepoDir` is given. */
  files?: Record<string, string>;
  /** Serve an existing bare repository instead of creating one in a temporary directory. */
  bareRepoDir?: string;
  /** Collaborators; the owner is an admin unless listed. */
  users?: Record<string, EmulatorUser>;
  /** When set, every request must carry `authorization: token X` or `Bearer X`. */
  token?: string;
  /** Login the emulator attributes writes (comments, reactions, check runs, PRs) to. */
  actor?: string;
  /** Called after a workflow_dispatch was accepted (e.g. to add a workflow run). */
  onDispatch?: (dispatch: WorkflowDispatch) => void;
}

export interface RecordedRequest {
  method: string;
  /** Path with query string, as received. */
  path: string;
  /** `METHOD /template`, e.g. `PATCH /repos/{owner}/{repo}/git/refs/{ref}`; `METHOD <unknown>` when unrouted. */
  route: string;
  status: number;
  ms: number;
}

export interface RejectedRequest {
  route: string;
  path: string;
  message: string;
  body: unknown;
}

export interface WorkflowDispatch {
  workflowId: string;
  ref: string;
  inputs: Record<string, unknown>;
  at: string;
}

export interface CheckRunRecord {
  id: number;
  name: string;
  head_sha: string;
  status: string;
  conclusion: string | null;
  external_id: string | null;
  details_url: string | null;
  started_at: string | null;
  completed_at: string | null;
  output: { title: string | null; summary: string | null; text: string | null; annotations_count: number };
  actions: unknown[];
  app_login: string;
}

export interface IssueCommentRecord {
  id: number;
  issue_number: number;
  body: string;
  user: string;
  created_at: string;
  updated_at: string;
}

export interface ReactionRecord {
  id: number;
  subject: { kind: 'issue'; number: number } | { kind: 'issue-comment'; id: number };
  content: string;
  user: string;
  created_at: string;
}

export interface PullRecord {
  id: number;
  number: number;
  title: string;
  body: string | null;
  state: 'open' | 'closed';
  draft: boolean;
  head: string;
  base: string;
  user: string;
  created_at: string;
  updated_at: string;
  closed_at: string | null;
}

export interface WorkflowRunRecord {
  id: number;
  name: string;
  workflow_id: number;
  path: string;
  head_branch: string;
  head_sha: string;
  event: string;
  status: 'queued' | 'in_progress' | 'completed' | 'waiting' | 'requested' | 'pending';
  conclusion: string | null;
  run_number: number;
  run_attempt: number;
  actor: string;
  display_title: string;
  created_at: string;
  updated_at: string;
}

export interface JobRecord {
  id: number;
  run_id: number;
  name: string;
  status: 'queued' | 'in_progress' | 'completed' | 'waiting' | 'requested' | 'pending';
  conclusion: string | null;
  started_at: string;
  completed_at: string | null;
  steps: { name: string; status: string; conclusion: string | null; number: number }[];
  labels: string[];
}

export interface GitHubEmulator {
  /** API base URL (octokit `baseUrl`, `GITHUB_API_URL`), no trailing slash. */
  url: string;
  bareRepoDir: string;
  owner: string;
  repo: string;
  defaultBranch: string;
  requests: RecordedRequest[];
  callsByRoute(): Map<string, number>;
  faults: FaultQueue;
  /** Responses the emulator produced that don't match GitHub's OpenAPI description (emulator bugs). */
  violations: string[];
  /** Requests GitHub would have rejected as invalid (answered 422). */
  rejected: RejectedRequest[];
  assertNoViolations(): void;
  assertNoRejections(): void;
  checkRuns: CheckRunRecord[];
  issueComments: IssueCommentRecord[];
  reactions: ReactionRecord[];
  dispatches: WorkflowDispatch[];
  pulls: PullRecord[];
  workflowRuns: WorkflowRunRecord[];
  jobs: JobRecord[];
  /** Adds a workflow run (defaults filled in) that the Actions endpoints will serve. */
  addWorkflowRun(run?: Partial<WorkflowRunRecord>): WorkflowRunRecord;
  /** Adds a job to a workflow run. */
  addJob(runId: number, job?: Partial<JobRecord>): JobRecord;
  close(): Promise<void>;
}
