/** Public types of the workflow runner (the test harness that plays GitHub Actions). */
import type { GitHubEmulator } from '../github-emulator.js';
import type { WebhookDelivery } from './send-webhook.js';
import type { JsonObject } from './template-eval.js';

/** What a job's environment function gets: a fresh home directory of its own, like a new runner. */
export interface JobEnvContext {
  runId: number;
  jobId: number;
  name: string;
  matrix: JsonObject;
  home: string;
}

export interface WorkflowRunnerOptions {
  emulator: GitHubEmulator;
  /** The emulator's bare repository (default `emulator.bareRepoDir`). */
  bareRepoDir?: string;
  /** Where deliveries go; without it no webhooks are sent. */
  webhook?: { url: string; secret: string; installationId: number; appId?: number };
  /** The runner machine's environment for job steps (PATH, HOME, claude's variables…). */
  env: NodeJS.ProcessEnv | ((job: JobEnvContext) => NodeJS.ProcessEnv);
  /** The `secrets` context (default: ANTHROPIC_API_KEY / CLAUDE_CODE_OAUTH_TOKEN of a static `env`). */
  secrets?: Record<string, string>;
  /** The `vars` context. */
  vars?: Record<string, string>;
  /** `github.token` (GITHUB_TOKEN) of the jobs; default: one the emulator issues per job. */
  token?: string;
  /** Who dispatched (the run's actor, the webhooks' sender, GITHUB_ACTOR). Default `octocat`. */
  actor?: string;
  /** Jobs running at once across all runs (the machine's capacity). Default unlimited. */
  maxJobs?: number;
  /** The `owner/name` of the repository's own action (run as `node dist/index.js`); `./` works too. */
  actionRepository?: string;
  /** Upper bound of a job's run time whatever its `timeout-minutes` (then it is cancelled). Default 10 min. */
  jobTimeoutMs?: number;
  /** Cancelling a step: SIGINT, SIGTERM after `sigtermAfterMs`, the whole tree killed `killAfterMs` later. */
  cancelTimings?: { sigtermAfterMs: number; killAfterMs: number };
  faults?: RunnerFaults;
}

export interface RunnerFaults {
  /**
   * The runner of this task's job dies (SIGKILL to the job's whole process tree, claude included)
   * once the task's `claude` process is running; the job ends in `failure`. `times` (default 1):
   * how many of the task's jobs are lost, in the order they reach that point.
   */
  killTask?: { taskId: string; times?: number };
}

export interface JobOutcome {
  runId: number;
  jobId: number;
  name: string;
  matrix: JsonObject;
  conclusion: 'success' | 'failure' | 'cancelled';
  /** Exit code of the action step (null when a signal ended it or it never ran). */
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  /** Why the job did not end on its own. */
  ended?: 'lost-runner' | 'cancelled' | 'timeout';
  outputs: Record<string, string>;
  stdoutTail: string;
  stderrTail: string;
  startedAt: number;
  durationMs: number;
}

export interface RunnerStats {
  /** The most jobs running at once, across all workflow runs. */
  maxInFlight: number;
  inFlight: number;
  jobsStarted: number;
  jobsCompleted: number;
  jobs: JobOutcome[];
}

export interface WorkflowRunner {
  stats: RunnerStats;
  /** Everything that went wrong: refused dispatches, templates that failed, non-2xx deliveries, off-spec payloads… */
  errors: string[];
  /** Things GitHub only warns about (e.g. unexpected step inputs). */
  warnings: string[];
  deliveries: WebhookDelivery[];
  /** Resolves when no dispatch is being prepared, no run is unfinished and no delivery is pending. */
  idle(timeoutMs?: number): Promise<void>;
  /** Sends a signed delivery to the webhook URL (e.g. a redelivery, an issue_comment); recorded like the runner's own. */
  deliver(event: string, payload: Record<string, unknown>, deliveryId?: string): Promise<WebhookDelivery>;
  /** Cancels what is running, removes the hooks and waits (bounded) for the job processes to end. */
  stop(): Promise<void>;
}
