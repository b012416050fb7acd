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
  /**
   * A GitHub App: `POST /app/installations/{id}/access_tokens` then checks the request's JWT
   * (RS256, signed with the app's private key, `iss` = the app id) and issues installation tokens
   * that every other endpoint accepts (next to `token`). Setting it makes authentication required.
   */
  app?: EmulatorApp;
}

export interface EmulatorApp {
  id: number;
  /** The app's public key (PEM), to verify the JWTs signed with its private key. */
  publicKeyPem: string;
  /** The one installation (on the emulated repository). Default 1. */
  installationId?: number;
  /** The app's slug (its bot is `<slug>[bot]`). Default `quantumwala`. */
  slug?: string;
}

/** Why a dispatch is refused, as GitHub answers it (e.g. 422 `Unexpected inputs provided: ["x"]`). */
export interface DispatchRejection {
  status: 404 | 422;
  message: string;
}

/**
 * Hooks that let a harness play GitHub Actions behind the emulator (see test/support/workflow-runner.ts).
 * Without them, dispatches are only recorded and a cancel marks a run and its jobs cancelled at once.
 */
export interface WorkflowHooks {
  /** Checks a dispatch before it is accepted; a rejection is the answer, and the dispatch isn't recorded. */
  checkDispatch?: (dispatch: WorkflowDispatch) => Promise<DispatchRejection | undefined>;
  /** After a dispatch was accepted and recorded (after the `onDispatch` option). */
  onDispatch?: (dispatch: WorkflowDispatch) => void;
  /**
   * `POST …/actions/runs/{id}/cancel` of a run that is not completed: return true when the hook
   * cancels it (the emulator then only answers 202, as GitHub does; the run completes later).
   */
  onCancel?: (run: WorkflowRunRecord) => boolean;
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
  /** When the job was queued (default: `started_at`). */
  created_at?: string;
  /** The runner that picked the job up (null while queued). */
  runner_name?: string | null;
  runner_id?: number | null;
}

/** What the emulator records: the objects its routes create and serve. */
export interface EmulatorState {
  checkRuns: CheckRunRecord[];
  issueComments: IssueCommentRecord[];
  reactions: ReactionRecord[];
  dispatches: WorkflowDispatch[];
  pulls: PullRecord[];
  workflowRuns: WorkflowRunRecord[];
  jobs: JobRecord[];
}

export interface GitHubEmulator extends EmulatorState {
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
  /** Adds a workflow run (defaults filled in) that the Actions endpoints will serve. */
  addWorkflowRun(run?: Partial<WorkflowRunRecord>): WorkflowRunRecord;
  /** Adds a job to a workflow run. */
  addJob(runId: number, job?: Partial<JobRecord>): JobRecord;
  /** Sets (or with undefined, removes) the hooks a GitHub Actions stand-in uses. */
  setWorkflowHooks(hooks: WorkflowHooks | undefined): void;
  /**
   * Mints an installation token the emulator accepts from now on (as GitHub mints a job's
   * GITHUB_TOKEN), whether or not authentication is required. Expires after an hour.
   */
  issueToken(): string;
  /** The JSON the REST endpoints answer for these records (before schema filling), e.g. for webhooks. */
  restJson: {
    workflowRun(run: WorkflowRunRecord): Record<string, unknown>;
    job(job: JobRecord): Record<string, unknown>;
    repository(): Record<string, unknown>;
    user(login: string): Record<string, unknown>;
  };
  /**
   * Checks a webhook payload against GitHub's schema of that delivery
   * (`components/schemas/webhook-<event>-<action>` of the OpenAPI description): undefined when it
   * matches, else what is wrong; also undefined when GitHub documents no such schema.
   */
  checkWebhook(event: string, payload: unknown): string | undefined;
  close(): Promise<void>;
}
