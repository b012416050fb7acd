import { z } from 'zod';
import { ERROR_CLASSES } from '../exec/error-class.js';

/**
 * Everything that changes the unified state is one of these events. Each carries a unique `id`, so
 * applying an event twice changes nothing (a retried write, a redelivered webhook). `at` is an ISO
 * timestamp taken by whoever emitted the event; the reducer never reads the clock.
 */
const base = {
  id: z.string().min(1),
  at: z.iso.datetime(),
  runId: z.string().min(1),
};

const usage = z
  .object({
    input_tokens: z.number().nonnegative().default(0),
    output_tokens: z.number().nonnegative().default(0),
    cache_creation_input_tokens: z.number().nonnegative().default(0),
    cache_read_input_tokens: z.number().nonnegative().default(0),
  })
  .partial();

/** What a run dispatched to GitHub Actions needs to be carried on by later webhooks (stateless app). */
export const githubRunSettings = z.object({
  /** The commit the spec was read from: the check run's head_sha and the work branch's start. */
  headSha: z.string().min(1),
  /** The branch the pull request goes to. */
  baseBranch: z.string().min(1),
  /** The issue or pull request the run was asked for on (none for a push). */
  issueNumber: z.number().int().positive().optional(),
  workflowFile: z.string().min(1),
  runnerLabels: z.array(z.string().min(1)).min(1),
  maxMatrix: z.number().int().min(1).max(256),
  stateBranch: z.string().min(1),
  /** How often a task whose job ended without a result (runner lost, cancelled) is dispatched again. */
  jobRetries: z.number().int().nonnegative(),
  draft: z.boolean(),
});

export const runStartedEvent = z.object({
  ...base,
  type: z.literal('run_started'),
  spec: z.string(),
  specDir: z.string(),
  format: z.string(),
  workBranch: z.string(),
  /** Who asked for the run: a GitHub login, or the local user name. */
  requestedBy: z.string().optional(),
  mode: z.enum(['local', 'github']),
  maxConcurrent: z.number().int().positive(),
  budgetUsd: z.number().positive().optional(),
  /** Set by the GitHub App for the runs it dispatches. */
  github: githubRunSettings.optional(),
  tasks: z.array(
    z.object({ id: z.string(), title: z.string(), deps: z.array(z.string()), agent: z.string().optional() }),
  ),
});

export const attemptStartedEvent = z.object({
  ...base,
  type: z.literal('attempt_started'),
  taskId: z.string(),
  attempt: z.number().int().positive(),
  agent: z.string().optional(),
  model: z.string().optional(),
  timeoutSeconds: z.number().positive(),
});

export const attemptFinishedEvent = z.object({
  ...base,
  type: z.literal('attempt_finished'),
  taskId: z.string(),
  attempt: z.number().int().positive(),
  outcome: z.enum(['succeeded', 'failed', 'interrupted']),
  errorClass: z.enum(ERROR_CLASSES).optional(),
  message: z.string().optional(),
  sessionId: z.string().optional(),
  turns: z.number().int().nonnegative().optional(),
  costUsd: z.number().nonnegative().optional(),
  durationMs: z.number().nonnegative(),
  usage: usage.optional(),
  permissionDenials: z.array(z.string()).optional(),
  /** The commit that landed the task's change on the work branch. */
  commit: z.string().optional(),
});

export const taskFinishedEvent = z.object({
  ...base,
  type: z.literal('task_finished'),
  taskId: z.string(),
  status: z.enum(['succeeded', 'failed', 'interrupted', 'not_run']),
  errorClass: z.enum(ERROR_CLASSES).optional(),
  message: z.string().optional(),
  commit: z.string().optional(),
});

export const resourceSampleEvent = z.object({
  ...base,
  type: z.literal('resource_sample'),
  running: z.number().int().nonnegative(),
  cpuPercent: z.number().nonnegative(),
  memoryPercent: z.number().nonnegative(),
});

export const runFinishedEvent = z.object({
  ...base,
  type: z.literal('run_finished'),
  status: z.enum(['succeeded', 'failed', 'budget_exceeded', 'interrupted', 'cancelled']),
  message: z.string().optional(),
});

/** The app decided to run these tasks in one workflow dispatch (written before it dispatches). */
export const tasksDispatchedEvent = z.object({
  ...base,
  type: z.literal('tasks_dispatched'),
  /** 1, 2, … within the run: the dispatch's number, in its workflow run's title and job names. */
  dispatch: z.number().int().positive(),
  tasks: z.array(z.string()).min(1).max(256),
});

/** The workflow dispatch was refused, or never produced a workflow run. */
export const dispatchFailedEvent = z.object({
  ...base,
  type: z.literal('dispatch_failed'),
  dispatch: z.number().int().positive(),
  message: z.string(),
});

/** A matrix job of a dispatch ended (GitHub's workflow_job.completed, or found by reconciling). */
export const jobFinishedEvent = z.object({
  ...base,
  type: z.literal('job_finished'),
  taskId: z.string(),
  dispatch: z.number().int().positive(),
  jobId: z.number().int().nonnegative(),
  jobUrl: z.string().optional(),
  conclusion: z.string(),
});

/** The check run that shows the run in the Checks tab. */
export const checkRunCreatedEvent = z.object({
  ...base,
  type: z.literal('check_run_created'),
  checkRunId: z.number().int().positive(),
});

/** Run these tasks again (retry): their earlier results no longer count, and a finished run reopens. */
export const tasksRequeuedEvent = z.object({
  ...base,
  type: z.literal('tasks_requeued'),
  tasks: z.array(z.string()).min(1),
  requestedBy: z.string().optional(),
});

export const stateEvent = z.discriminatedUnion('type', [
  runStartedEvent,
  attemptStartedEvent,
  attemptFinishedEvent,
  taskFinishedEvent,
  resourceSampleEvent,
  runFinishedEvent,
  tasksDispatchedEvent,
  dispatchFailedEvent,
  jobFinishedEvent,
  checkRunCreatedEvent,
  tasksRequeuedEvent,
]);

export type StateEvent = z.infer<typeof stateEvent>;
export type RunStartedEvent = z.infer<typeof runStartedEvent>;
export type AttemptStartedEvent = z.infer<typeof attemptStartedEvent>;
export type AttemptFinishedEvent = z.infer<typeof attemptFinishedEvent>;
export type TaskFinishedEvent = z.infer<typeof taskFinishedEvent>;
export type RunFinishedEvent = z.infer<typeof runFinishedEvent>;
export type GitHubRunSettings = z.infer<typeof githubRunSettings>;
export type TasksDispatchedEvent = z.infer<typeof tasksDispatchedEvent>;
export type DispatchFailedEvent = z.infer<typeof dispatchFailedEvent>;
export type JobFinishedEvent = z.infer<typeof jobFinishedEvent>;
export type CheckRunCreatedEvent = z.infer<typeof checkRunCreatedEvent>;
export type TasksRequeuedEvent = z.infer<typeof tasksRequeuedEvent>;
