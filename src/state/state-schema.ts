import { z } from 'zod';
import { ERROR_CLASSES } from '../exec/error-class.js';

/**
 * The unified state: one JSON document holding the seed project's sections (session, workflow,
 * specifications, agents, resources, errors) plus every run and attempt. Only `runs` and
 * `session` carry facts taken from events; every other section is derived from them by the reducer.
 */
export const STATE_VERSION = 1;

const time = z.iso.datetime();
const errorClass = z.enum(ERROR_CLASSES);

export const TASK_STATUSES = ['pending', 'running', 'succeeded', 'failed', 'interrupted', 'not_run'] as const;
export const RUN_STATUSES = [
  'running',
  'succeeded',
  'failed',
  'budget_exceeded',
  'interrupted',
  'cancelled',
] as const;
export const ATTEMPT_OUTCOMES = ['succeeded', 'failed', 'interrupted'] as const;

const taskStatus = z.enum(TASK_STATUSES);

const usage = z.object({
  input_tokens: z.number().nonnegative().optional(),
  output_tokens: z.number().nonnegative().optional(),
  cache_creation_input_tokens: z.number().nonnegative().optional(),
  cache_read_input_tokens: z.number().nonnegative().optional(),
});

/** Fields set by attempt_started are null until it arrives, those of attempt_finished likewise. */
const attemptRecord = z.object({
  n: z.number().int().positive(),
  started_at: time.nullable(),
  finished_at: time.nullable(),
  outcome: z.enum(ATTEMPT_OUTCOMES).nullable(),
  error_class: errorClass.nullable(),
  message: z.string().nullable(),
  session_id: z.string().nullable(),
  turns: z.number().int().nonnegative().nullable(),
  cost_usd: z.number().nonnegative().nullable(),
  duration_ms: z.number().nonnegative().nullable(),
  model: z.string().nullable(),
  agent: z.string(),
  /** The attempt's timeout (a retry after a timeout doubles it). */
  timeout_seconds: z.number().positive().nullable(),
  usage: usage.nullable(),
  permission_denials: z.array(z.string()),
  commit: z.string().nullable(),
});

/** The latest dispatch of a task to GitHub Actions and what became of its job. */
const taskDispatch = z.object({
  n: z.number().int().positive(),
  at: time,
  job_id: z.number().int().nonnegative().nullable(),
  job_url: z.string().nullable(),
  job_conclusion: z.string().nullable(),
  /** When its job ended or the dispatch failed: the task is no longer in flight. */
  ended_at: time.nullable(),
  failed: z.boolean(),
});

const runTask = z.object({
  title: z.string(),
  deps: z.array(z.string()),
  agent: z.string().nullable(),
  status: taskStatus,
  /** What task_finished said; null until the orchestrator settles the task. */
  result: z
    .object({
      at: time,
      status: z.enum(['succeeded', 'failed', 'interrupted', 'not_run']),
      error_class: errorClass.nullable(),
      message: z.string().nullable(),
      commit: z.string().nullable(),
    })
    .nullable(),
  attempts: z.array(attemptRecord),
  /**
   * GitHub mode: the task's latest dispatch; how many dispatches included it since a person last
   * retried it (what job retries count); when it was last requeued.
   */
  dispatch: taskDispatch.nullable().default(null),
  dispatch_count: z.number().int().nonnegative().default(0),
  requeued_at: time.nullable().default(null),
});

const runRecord = z.object({
  id: z.string(),
  spec: z.string(),
  spec_dir: z.string(),
  format: z.string(),
  mode: z.enum(['local', 'github']),
  status: z.enum(RUN_STATUSES),
  started_at: time,
  finished_at: time.nullable(),
  message: z.string().nullable(),
  requested_by: z.string().nullable(),
  work_branch: z.string(),
  max_concurrent: z.number().int().positive(),
  budget_usd: z.number().positive().nullable(),
  cost_usd: z.number().nonnegative(),
  peak_concurrent: z.number().int().nonnegative(),
  /** Maxima of this run's resource_sample events. */
  samples: z.object({
    count: z.number().int().nonnegative(),
    peak_running: z.number().int().nonnegative(),
    peak_cpu_percent: z.number().nonnegative(),
    peak_memory_percent: z.number().nonnegative(),
  }),
  tasks: z.record(z.string(), runTask),
  /** GitHub mode: what later webhooks need (settings, the check run), and every dispatch. */
  github: z
    .object({
      head_sha: z.string(),
      base_branch: z.string(),
      issue_number: z.number().int().positive().nullable(),
      workflow_file: z.string(),
      runner_labels: z.array(z.string()),
      max_matrix: z.number().int().positive(),
      state_branch: z.string(),
      job_retries: z.number().int().nonnegative(),
      draft: z.boolean(),
      check_run_id: z.number().int().positive().nullable(),
    })
    .nullable()
    .default(null),
  dispatches: z
    .array(
      z.object({
        n: z.number().int().positive(),
        at: time,
        tasks: z.array(z.string()),
        failed_at: time.nullable(),
        message: z.string().nullable(),
      }),
    )
    .default([]),
  /** A retry reopened the run at this time: run_finished events before it no longer count. */
  reopened_at: time.nullable().default(null),
  /** Ids of every event applied to this run, sorted so the order of arrival does not show. */
  event_ids: z.array(z.string()),
});

const specTask = z.object({
  title: z.string(),
  status: taskStatus,
  attempts: z.number().int().nonnegative(),
  last_error_class: errorClass.nullable(),
  cost_usd: z.number().nonnegative(),
  duration_ms: z.number().nonnegative(),
  commit: z.string().nullable(),
  updated_at: time,
});

const specification = z.object({
  name: z.string(),
  dir: z.string(),
  format: z.string(),
  work_branch: z.string(),
  tasks: z.record(z.string(), specTask),
  progress: z.object({
    total: z.number().int().nonnegative(),
    succeeded: z.number().int().nonnegative(),
    failed: z.number().int().nonnegative(),
    running: z.number().int().nonnegative(),
    pending: z.number().int().nonnegative(),
    percent: z.number().min(0).max(100),
  }),
});

const agent = z.object({
  performance: z.object({
    executions: z.number().int().nonnegative(),
    successes: z.number().int().nonnegative(),
    failures: z.number().int().nonnegative(),
    success_rate: z.number().min(0).max(1),
    avg_duration_ms: z.number().nonnegative(),
    total_cost_usd: z.number().nonnegative(),
  }),
  active_tasks: z.array(z.string()),
  total_executions: z.number().int().nonnegative(),
});

const errorEntry = z.object({
  at: time,
  run_id: z.string(),
  spec: z.string(),
  task_id: z.string(),
  attempt: z.number().int().positive(),
  class: errorClass.nullable(),
  message: z.string().nullable(),
});

export const unifiedStateSchema = z.object({
  version: z.literal(STATE_VERSION),
  session: z.object({
    id: z.string().min(1),
    started_at: time,
    updated_at: time,
    last_run_id: z.string().nullable(),
  }),
  workflow: z.object({
    current_spec: z.string().nullable(),
    active_runs: z.array(z.string()),
    completed_runs: z.array(z.string()),
  }),
  specifications: z.record(z.string(), specification),
  agents: z.record(z.string(), agent),
  resources: z.object({
    peak_concurrent_tasks: z.number().int().nonnegative(),
    total_tasks_executed: z.number().int().nonnegative(),
    peak_cpu_percent: z.number().nonnegative(),
    peak_memory_percent: z.number().nonnegative(),
  }),
  errors: z.array(errorEntry),
  runs: z.record(z.string(), runRecord),
});

export type UnifiedState = z.infer<typeof unifiedStateSchema>;
export type RunRecord = z.infer<typeof runRecord>;
export type RunTask = z.infer<typeof runTask>;
export type AttemptRecord = z.infer<typeof attemptRecord>;
export type TaskStatus = z.infer<typeof taskStatus>;
export type TaskDispatch = z.infer<typeof taskDispatch>;
export type RunDispatch = RunRecord['dispatches'][number];
export type RunGitHub = NonNullable<RunRecord['github']>;
export type SpecificationState = z.infer<typeof specification>;
export type AgentState = z.infer<typeof agent>;
export type ErrorEntry = z.infer<typeof errorEntry>;

/** How many failed attempts `errors` keeps (the newest). */
export const MAX_ERRORS = 200;

export function emptyState(sessionId: string, at: string): UnifiedState {
  return {
    version: STATE_VERSION,
    session: { id: sessionId, started_at: at, updated_at: at, last_run_id: null },
    workflow: { current_spec: null, active_runs: [], completed_runs: [] },
    specifications: {},
    agents: {},
    resources: {
      peak_concurrent_tasks: 0,
      total_tasks_executed: 0,
      peak_cpu_percent: 0,
      peak_memory_percent: 0,
    },
    errors: [],
    runs: {},
  };
}

export class StateParseError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'StateParseError';
  }
}

/** Validates a parsed state.json; throws a StateParseError naming every problem. */
export function parseState(json: unknown): UnifiedState {
  if (typeof json === 'object' && json !== null && 'version' in json && json.version !== STATE_VERSION) {
    throw new StateParseError(
      `unsupported state version ${JSON.stringify(json.version)} (this build reads version ${STATE_VERSION})`,
    );
  }
  const result = unifiedStateSchema.safeParse(json);
  if (!result.success) {
    throw new StateParseError(`invalid state:\n${z.prettifyError(result.error)}`);
  }
  return result.data;
}
