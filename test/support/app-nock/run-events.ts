/**
 * State events for runs the app started, for seeding the fake's state.json: what the app itself
 * would have written (run_started with its GitHub settings, dispatches, job ends, the check run)
 * and what the matrix job's action writes for a task (its attempt and result).
 */
import type { RunStartedEvent, StateEvent } from '../../../src/state/events.js';

export interface AppRunOptions {
  at: string;
  headSha: string;
  spec?: string;
  issueNumber?: number;
  requestedBy?: string;
  maxConcurrent?: number;
  maxMatrix?: number;
  jobRetries?: number;
  runnerLabels?: string[];
}

export interface TaskSpec {
  id: string;
  title?: string;
  deps?: string[];
}

export function appRunStarted(runId: string, tasks: readonly TaskSpec[], o: AppRunOptions): RunStartedEvent {
  const spec = o.spec ?? 'five';
  return {
    type: 'run_started',
    id: `run_started:${runId}`,
    at: o.at,
    runId,
    spec,
    specDir: `.kiro/specs/${spec}`,
    format: 'kiro',
    workBranch: `quantumwala/${spec}`,
    requestedBy: o.requestedBy ?? 'alice',
    mode: 'github',
    maxConcurrent: o.maxConcurrent ?? 4,
    github: {
      headSha: o.headSha,
      baseBranch: 'main',
      ...(o.issueNumber !== undefined ? { issueNumber: o.issueNumber } : {}),
      workflowFile: '.github/workflows/quantumwala.yml',
      runnerLabels: o.runnerLabels ?? ['ubuntu-latest'],
      maxMatrix: o.maxMatrix ?? 256,
      stateBranch: 'quantumwala/state',
      jobRetries: o.jobRetries ?? 3,
      draft: false,
    },
    tasks: tasks.map((t) => ({ id: t.id, title: t.title ?? `Task ${t.id}`, deps: t.deps ?? [] })),
  };
}

export function tasksDispatched(runId: string, n: number, tasks: string[], at: string): StateEvent {
  return { type: 'tasks_dispatched', id: `seed:dispatch:${runId}#${n}`, at, runId, dispatch: n, tasks };
}

export function jobFinished(
  runId: string,
  taskId: string,
  n: number,
  jobId: number,
  conclusion: string,
  at: string,
): StateEvent {
  return {
    type: 'job_finished',
    id: `seed:job:${runId}:${taskId}#${n}`,
    at,
    runId,
    taskId,
    dispatch: n,
    jobId,
    conclusion,
  };
}

export function checkRunCreated(runId: string, checkRunId: number, at: string): StateEvent {
  return { type: 'check_run_created', id: `seed:check:${runId}:${checkRunId}`, at, runId, checkRunId };
}

export function runFinished(
  runId: string,
  status: 'succeeded' | 'failed' | 'cancelled',
  at: string,
): StateEvent {
  return {
    type: 'run_finished',
    id: `seed:finished:${runId}:${at}`,
    at,
    runId,
    status,
    message: `run ${status}`,
  };
}

/** What the matrix job's action writes when its task starts. */
export function attemptStarted(runId: string, taskId: string, attempt: number, at: string): StateEvent {
  return {
    type: 'attempt_started',
    id: `action:start:${runId}:${taskId}#${attempt}`,
    at,
    runId,
    taskId,
    attempt,
    timeoutSeconds: 1800,
  };
}

/**
 * What the matrix job's action writes when its task ends: the attempt's end and the task's result
 * (`message` and `errorClass` for a failure).
 */
export function taskEnded(
  runId: string,
  taskId: string,
  status: 'succeeded' | 'failed',
  at: string,
  extra: { attempt?: number; message?: string; costUsd?: number } = {},
): StateEvent[] {
  const attempt = extra.attempt ?? 1;
  const failed = status === 'failed';
  return [
    attemptStarted(runId, taskId, attempt, at),
    {
      type: 'attempt_finished',
      id: `action:finish:${runId}:${taskId}#${attempt}`,
      at,
      runId,
      taskId,
      attempt,
      outcome: status,
      ...(failed
        ? { errorClass: 'agent_failure' as const, message: extra.message ?? 'the task failed' }
        : {}),
      costUsd: extra.costUsd ?? 0.01,
      durationMs: 60_000,
    },
    {
      type: 'task_finished',
      id: `action:task:${runId}:${taskId}#${attempt}`,
      at,
      runId,
      taskId,
      status,
      ...(failed
        ? { errorClass: 'agent_failure' as const, message: extra.message ?? 'the task failed' }
        : {}),
    },
  ];
}
