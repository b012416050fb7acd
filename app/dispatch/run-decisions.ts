import { pathLengthsToEnd } from '../../src/graph/analysis.js';
import type { StateEvent } from '../../src/state/events.js';
import { isoMs } from '../../src/state/iso-time.js';
import { compareIds } from '../../src/util/compare-ids.js';
import type { RunRecord, RunTask, TaskStatus } from '../../src/state/state-schema.js';

/** Where decisions get their clock and event ids (so tests can fix both). */
export interface DecisionContext {
  now: Date;
  newId: () => string;
}

/** What the app wrote events for is final for the task: no retry, no dispatch will change it. */
const SETTLED: readonly TaskStatus[] = ['succeeded', 'failed', 'not_run', 'interrupted'];

/** Dispatched and its job has not ended: the task holds one of the run's slots. */
export function inFlight(task: RunTask): boolean {
  return task.dispatch !== null && task.dispatch.ended_at === null;
}

function event<T extends StateEvent['type']>(
  run: RunRecord,
  ctx: DecisionContext,
  type: T,
  fields: Omit<Extract<StateEvent, { type: T }>, 'id' | 'at' | 'runId' | 'type'>,
): StateEvent {
  const head = { id: ctx.newId(), at: ctx.now.toISOString(), runId: run.id, type };
  return { ...head, ...fields } as unknown as StateEvent;
}

/**
 * The next step of a dispatched run, decided from its state alone (the app is stateless; each
 * webhook asks again): settle tasks whose job ended without a result (retry them by dispatching
 * again, up to the run's job retries), give up on tasks whose dependencies failed, dispatch the
 * ready tasks that fit in the free slots (longest remaining path first, at most `max_matrix` per
 * dispatch), and finish the run when nothing is left. Applying the returned events and asking
 * again returns nothing: a decision is made once, whoever asks.
 */
export function planStep(run: RunRecord, ctx: DecisionContext): StateEvent[] {
  if (run.status !== 'running' || !run.github) return [];
  const events: StateEvent[] = [];
  const status = new Map<string, TaskStatus>();
  for (const [id, t] of Object.entries(run.tasks)) status.set(id, t.status);
  const requeue: string[] = [];

  // 1. A job that ended while its task has no result: the runner was lost, or the job was cancelled.
  for (const [id, task] of Object.entries(run.tasks)) {
    const d = task.dispatch;
    // An interrupted result is a job that was stopped (cancelled, timed out): handled like a lost one.
    if (!d || d.ended_at === null || (task.result !== null && task.result.status !== 'interrupted')) continue;
    if (isoMs(d.at) < isoMs(task.requeued_at ?? d.at)) continue; // requeued since: waits for its dispatch
    for (const a of task.attempts) {
      if (a.outcome !== null) continue;
      events.push(
        event(run, ctx, 'attempt_finished', {
          taskId: id,
          attempt: a.n,
          outcome: 'interrupted',
          errorClass: 'interrupted',
          message: endedWithoutResult(d.failed, d.job_conclusion),
          durationMs: Math.max(0, ctx.now.getTime() - isoMs(a.started_at ?? d.at)),
        }),
      );
    }
    if (task.dispatch_count <= run.github.job_retries) {
      requeue.push(id);
      status.set(id, 'pending');
    } else {
      events.push(
        event(run, ctx, 'task_finished', {
          taskId: id,
          status: 'failed',
          errorClass: 'interrupted',
          message: `${endedWithoutResult(d.failed, d.job_conclusion)}, ${task.dispatch_count} time(s)`,
        }),
      );
      status.set(id, 'failed');
    }
  }
  if (requeue.length > 0) events.push(event(run, ctx, 'tasks_requeued', { tasks: requeue }));

  // 2. Tasks that can no longer run: a dependency failed, or is not part of this run.
  const waiting = (id: string) => {
    const t = run.tasks[id] as RunTask;
    return status.get(id) === 'pending' && (!inFlight(t) || requeue.includes(id));
  };
  for (let changed = true; changed;) {
    changed = false;
    for (const [id, task] of Object.entries(run.tasks)) {
      if (!waiting(id)) continue;
      const blocker = task.deps.find((d) => {
        const s = status.get(d);
        return s === undefined || (SETTLED.includes(s) && s !== 'succeeded');
      });
      if (blocker === undefined) continue;
      const why = status.has(blocker) ? `${blocker} did not succeed` : `${blocker} is not part of this run`;
      events.push(
        event(run, ctx, 'task_finished', {
          taskId: id,
          status: 'not_run',
          message: `a task it depends on did not succeed (${why})`,
        }),
      );
      status.set(id, 'not_run');
      changed = true;
    }
  }

  // 3. Dispatch what is ready into the free slots.
  const flying = Object.entries(run.tasks).filter(([id, t]) => inFlight(t) && !requeue.includes(id)).length;
  const free = run.max_concurrent - flying;
  const ready = Object.entries(run.tasks)
    .filter(([id, t]) => waiting(id) && t.deps.every((d) => status.get(d) === 'succeeded'))
    .map(([id]) => id);
  if (free > 0 && ready.length > 0) {
    const priority = pathLengthsToEnd(
      Object.entries(run.tasks)
        .filter(([id]) => !SETTLED.includes(status.get(id) as TaskStatus))
        .map(([id, t]) => ({ id, deps: t.deps })),
    );
    const picked = ready
      .sort((a, b) => (priority.get(b) ?? 0) - (priority.get(a) ?? 0) || compareIds(a, b))
      .slice(0, free);
    let n = run.dispatches.reduce((max, d) => Math.max(max, d.n), 0);
    for (let i = 0; i < picked.length; i += run.github.max_matrix) {
      const tasks = picked.slice(i, i + run.github.max_matrix);
      events.push(event(run, ctx, 'tasks_dispatched', { dispatch: (n += 1), tasks }));
      for (const id of tasks) status.set(id, 'running');
    }
  }

  // 4. Nothing in flight, nothing dispatched, nothing waiting: the run is over.
  const open = [...status.entries()].some(([id, s]) => {
    const t = run.tasks[id] as RunTask;
    return s === 'running' || s === 'pending' || (inFlight(t) && !requeue.includes(id));
  });
  if (!open) {
    const counts = { succeeded: 0, other: 0 };
    for (const s of status.values()) counts[s === 'succeeded' ? 'succeeded' : 'other'] += 1;
    const total = status.size;
    events.push(
      event(run, ctx, 'run_finished', {
        status: counts.other === 0 ? 'succeeded' : 'failed',
        message:
          counts.other === 0
            ? `${total} task(s) succeeded`
            : `${counts.succeeded} of ${total} task(s) succeeded`,
      }),
    );
  }
  return events;
}

function endedWithoutResult(dispatchFailed: boolean, conclusion: string | null): string {
  return dispatchFailed
    ? 'the workflow dispatch failed'
    : `its job ended (${conclusion ?? 'unknown'}) before the task finished`;
}

/** Cancelling a run: it is finished as cancelled; the caller then cancels its workflow runs. */
export function planCancel(run: RunRecord, by: string, ctx: DecisionContext): StateEvent[] {
  if (run.status !== 'running') return [];
  return [event(run, ctx, 'run_finished', { status: 'cancelled', message: `cancelled by @${by}` })];
}

export type RetrySelection = { ok: true; tasks: string[] } | { ok: false; error: string };

/** Which tasks a retry runs again: the named ones, or every failed, interrupted and not-run task. */
export function selectRetry(run: RunRecord, ids: readonly string[]): RetrySelection {
  const retryable = (s: TaskStatus) => s === 'failed' || s === 'interrupted' || s === 'not_run';
  if (ids.length > 0) {
    const unknown = ids.filter((id) => !run.tasks[id]);
    if (unknown.length > 0) return { ok: false, error: `run ${run.id} has no task ${unknown.join(', ')}` };
    const busy = ids.filter((id) => !retryable((run.tasks[id] as RunTask).status));
    if (busy.length > 0)
      return {
        ok: false,
        error: `not failed, so not retried: ${busy.map((id) => `${id} (${(run.tasks[id] as RunTask).status})`).join(', ')}`,
      };
    return { ok: true, tasks: [...ids] };
  }
  const tasks = Object.entries(run.tasks)
    .filter(([, t]) => retryable(t.status))
    .map(([id]) => id);
  return tasks.length > 0 ? { ok: true, tasks } : { ok: false, error: `run ${run.id} has no failed task` };
}

/** Requeues the tasks (reopening the run); the caller applies these and plans the next step. */
export function planRetry(
  run: RunRecord,
  tasks: readonly string[],
  by: string,
  ctx: DecisionContext,
): StateEvent[] {
  return [event(run, ctx, 'tasks_requeued', { tasks: [...tasks], requestedBy: by })];
}
