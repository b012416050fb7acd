import { errorMessage } from '../errors.js';
import type { ErrorClass } from '../exec/error-class.js';
import type { GraphTask, TaskGraph } from '../graph/task-graph.js';
import { createScheduler, type RunTaskState } from '../schedule/select-ready.js';
import type { StateEvent } from '../state/events.js';

/** What one attempt at a task produced. Cost and turns are known for failures too (tokens were spent). */
export interface AttemptOutcome {
  ok: boolean;
  errorClass?: ErrorClass;
  message?: string;
  /** A retry hint from the API (429 retry-after), in ms. */
  retryAfterMs?: number;
  sessionId?: string;
  turns?: number;
  costUsd?: number;
  durationMs: number;
  usage?: Record<string, number>;
  permissionDenials?: string[];
  commit?: string;
  model?: string;
  agent?: string;
}

export interface AttemptPlan {
  attempt: number;
  timeoutSeconds: number;
  model?: string;
  agent?: string;
}

export type RetryDecision =
  | { retry: false; reason: string }
  | { retry: true; delayMs: number; timeoutSeconds: number; model?: string; agent?: string };

/** The adapters the loop drives: the local engine and the GitHub Action supply their own. */
export interface RunPorts {
  /** Waits for resources (CPU, memory, concurrency); rejects with a classified error when they never come. */
  admit(task: GraphTask, signal: AbortSignal): Promise<{ release(): void }>;
  attempt(task: GraphTask, plan: AttemptPlan, signal: AbortSignal): Promise<AttemptOutcome>;
  decideRetry(task: GraphTask, outcome: AttemptOutcome, plan: AttemptPlan): RetryDecision;
  firstPlan(task: GraphTask): AttemptPlan;
  record(events: StateEvent[]): Promise<void>;
  sleep(ms: number, signal: AbortSignal): Promise<void>;
  now(): Date;
  newId(): string;
}

export interface RunLoopOptions {
  runId: string;
  graph: TaskGraph;
  /** The units this run may start (a subset of the scheduled ones with --only). */
  selected: ReadonlySet<string>;
  maxConcurrent: number;
  budgetUsd?: number;
  signal: AbortSignal;
  estimates?: ReadonlyMap<string, number>;
  /** Write run_finished at the end (default). A GitHub job runs one task of a run and leaves it open. */
  finishRun?: boolean;
}

export type RunStatus = 'succeeded' | 'failed' | 'budget_exceeded' | 'interrupted';

export interface TaskSummary {
  id: string;
  status: 'succeeded' | 'failed' | 'interrupted' | 'not_run';
  attempts: number;
  costUsd: number;
  durationMs: number;
  errorClass?: ErrorClass;
  message?: string;
  commit?: string;
}

export interface RunResult {
  status: RunStatus;
  message: string;
  tasks: TaskSummary[];
  costUsd: number;
  peakConcurrent: number;
}

/**
 * Runs a graph's selected work units: as many at once as `maxConcurrent` allows, longest remaining
 * path first, each through admission, attempts and the retry policy, recording every step as a state
 * event. Stops starting work when the run budget is spent or the signal fires.
 */
export async function runLoop(options: RunLoopOptions, ports: RunPorts): Promise<RunResult> {
  const { graph, selected, runId, signal } = options;
  const scheduler = createScheduler(graph, options.estimates);
  const states = new Map<string, RunTaskState>();
  // Units outside the selection are treated as finished elsewhere: never started by this run.
  for (const u of graph.units) if (u.scheduled && !selected.has(u.id)) states.set(u.id, 'skipped');
  const summaries = new Map<string, TaskSummary>();
  const running = new Map<string, Promise<void>>();
  let costUsd = 0;
  let budgetStop = false;
  let peakConcurrent = 0;
  let active = 0;

  const event = <T extends StateEvent['type']>(type: T, fields: object): StateEvent =>
    ({ id: ports.newId(), at: ports.now().toISOString(), runId, type, ...fields }) as StateEvent;

  const budgetReached = (): boolean => options.budgetUsd !== undefined && costUsd >= options.budgetUsd;

  async function runTask(task: GraphTask): Promise<void> {
    const summary: TaskSummary = { id: task.id, status: 'failed', attempts: 0, costUsd: 0, durationMs: 0 };
    summaries.set(task.id, summary);
    let plan = ports.firstPlan(task);
    // An attempt's end is written together with what follows it (the task's end), in one state commit.
    let unrecorded: StateEvent[] = [];
    for (;;) {
      let lease: { release(): void };
      try {
        lease = await ports.admit(task, signal);
      } catch (err) {
        const interrupted = signal.aborted;
        summary.status = interrupted ? 'interrupted' : 'failed';
        summary.errorClass = interrupted ? 'interrupted' : 'resource_exhaustion';
        summary.message = errorMessage(err);
        break;
      }
      let outcome: AttemptOutcome;
      active++;
      peakConcurrent = Math.max(peakConcurrent, active);
      try {
        summary.attempts = plan.attempt;
        await ports.record([
          event('attempt_started', {
            taskId: task.id,
            attempt: plan.attempt,
            timeoutSeconds: plan.timeoutSeconds,
            ...(plan.model ? { model: plan.model } : {}),
            ...(plan.agent ? { agent: plan.agent } : {}),
          }),
        ]);
        outcome = await ports.attempt(task, plan, signal).catch((err: unknown): AttemptOutcome => ({
          ok: false,
          errorClass: 'agent_failure',
          message: `internal error: ${errorMessage(err)}`,
          durationMs: 0,
        }));
      } finally {
        active--;
        lease.release();
      }
      if (signal.aborted && !outcome.ok) outcome = { ...outcome, errorClass: 'interrupted' };
      costUsd += outcome.costUsd ?? 0;
      summary.costUsd += outcome.costUsd ?? 0;
      summary.durationMs += outcome.durationMs;
      unrecorded.push(
        event('attempt_finished', {
          taskId: task.id,
          attempt: plan.attempt,
          outcome: outcome.ok ? 'succeeded' : outcome.errorClass === 'interrupted' ? 'interrupted' : 'failed',
          durationMs: outcome.durationMs,
          ...pick(outcome, [
            'errorClass',
            'message',
            'sessionId',
            'turns',
            'costUsd',
            'usage',
            'permissionDenials',
            'commit',
          ]),
        }),
      );
      if (outcome.ok) {
        summary.status = 'succeeded';
        if (outcome.commit) summary.commit = outcome.commit;
        delete summary.errorClass;
        delete summary.message;
        break;
      }
      summary.errorClass = outcome.errorClass ?? 'agent_failure';
      if (outcome.message !== undefined) summary.message = outcome.message;
      if (outcome.errorClass === 'interrupted' || signal.aborted) {
        summary.status = 'interrupted';
        break;
      }
      if (budgetReached()) break;
      const decision = ports.decideRetry(task, outcome, plan);
      if (!decision.retry) break;
      await ports.record(unrecorded);
      unrecorded = [];
      try {
        await ports.sleep(decision.delayMs, signal);
      } catch {
        summary.status = 'interrupted';
        break;
      }
      plan = {
        attempt: plan.attempt + 1,
        timeoutSeconds: decision.timeoutSeconds,
        ...(decision.model ? { model: decision.model } : plan.model ? { model: plan.model } : {}),
        ...(decision.agent ? { agent: decision.agent } : plan.agent ? { agent: plan.agent } : {}),
      };
    }
    states.set(task.id, summary.status === 'succeeded' ? 'succeeded' : 'failed');
    await ports.record([
      ...unrecorded,
      event('task_finished', {
        taskId: task.id,
        status: summary.status,
        ...pick(summary, ['errorClass', 'message', 'commit']),
      }),
    ]);
    if (budgetReached()) budgetStop = true;
  }

  for (;;) {
    if (!signal.aborted && !budgetStop) {
      const free = options.maxConcurrent - running.size;
      for (const id of scheduler.selectReady(states, free)) {
        const task = graph.byId.get(id) as GraphTask;
        states.set(id, 'running');
        running.set(
          id,
          runTask(task).finally(() => running.delete(id)),
        );
      }
    }
    if (running.size === 0) break;
    await Promise.race(running.values());
  }

  // Whatever never started: its dependencies failed, the budget ran out, or the run was interrupted.
  const closing: StateEvent[] = [];
  for (const u of graph.units) {
    if (!u.scheduled || !selected.has(u.id) || summaries.has(u.id)) continue;
    const reason = signal.aborted
      ? 'the run was interrupted'
      : budgetStop
        ? 'the run budget was spent'
        : 'a task it depends on did not succeed';
    summaries.set(u.id, {
      id: u.id,
      status: 'not_run',
      attempts: 0,
      costUsd: 0,
      durationMs: 0,
      message: reason,
    });
    closing.push(event('task_finished', { taskId: u.id, status: 'not_run', message: reason }));
  }

  const tasks = graph.units.filter((u) => summaries.has(u.id)).map((u) => summaries.get(u.id) as TaskSummary);
  const failed = tasks.filter((t) => t.status !== 'succeeded');
  const status: RunStatus = signal.aborted
    ? 'interrupted'
    : budgetStop
      ? 'budget_exceeded'
      : failed.length > 0
        ? 'failed'
        : 'succeeded';
  const spent = `$${costUsd.toFixed(4)}`;
  const message =
    status === 'budget_exceeded'
      ? `run budget $${options.budgetUsd} reached: spent ${spent}; not run: ${
          failed
            .filter((t) => t.status === 'not_run')
            .map((t) => t.id)
            .join(', ') || 'none'
        }`
      : status === 'succeeded'
        ? `${tasks.length} task(s) succeeded, ${spent}`
        : `${tasks.length - failed.length} of ${tasks.length} task(s) succeeded, ${spent}`;
  const finish = options.finishRun === false ? [] : [event('run_finished', { status, message })];
  if (closing.length + finish.length > 0) await ports.record([...closing, ...finish]);
  return { status, message, tasks, costUsd, peakConcurrent };
}

function pick<T extends object, K extends keyof T>(obj: T, keys: K[]): Partial<Pick<T, K>> {
  const out: Partial<Pick<T, K>> = {};
  for (const k of keys) if (obj[k] !== undefined) out[k] = obj[k];
  return out;
}
