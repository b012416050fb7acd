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

export const stateEvent = z.discriminatedUnion('type', [
  runStartedEvent,
  attemptStartedEvent,
  attemptFinishedEvent,
  taskFinishedEvent,
  resourceSampleEvent,
  runFinishedEvent,
]);

export type StateEvent = z.infer<typeof stateEvent>;
export type RunStartedEvent = z.infer<typeof runStartedEvent>;
export type AttemptStartedEvent = z.infer<typeof attemptStartedEvent>;
export type AttemptFinishedEvent = z.infer<typeof attemptFinishedEvent>;
export type TaskFinishedEvent = z.infer<typeof taskFinishedEvent>;
export type RunFinishedEvent = z.infer<typeof runFinishedEvent>;
