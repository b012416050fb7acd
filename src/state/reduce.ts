import { deriveRunFields, deriveState } from './derive-state.js';
import type {
  AttemptFinishedEvent,
  AttemptStartedEvent,
  DispatchFailedEvent,
  JobFinishedEvent,
  RunFinishedEvent,
  RunStartedEvent,
  StateEvent,
  TaskFinishedEvent,
  TasksDispatchedEvent,
  TasksRequeuedEvent,
} from './events.js';
import { isoMs, laterIso } from './iso-time.js';
import { StateInconsistencyError } from './state-inconsistency-error.js';
import type { AttemptRecord, RunRecord, RunTask, UnifiedState } from './state-schema.js';

/*
 * The reducer is pure: no clock, no I/O, and it never mutates its input. It is idempotent (an event
 * already applied changes nothing) and order-tolerant: events only record facts into `runs` (where
 * two events of one kind for the same thing are settled by their timestamps, not by arrival), and
 * every other section is recomputed from those facts.
 */

export function applyEvent(state: UnifiedState, event: StateEvent): UnifiedState {
  return applyEvents(state, [event]);
}

export function applyEvents(state: UnifiedState, events: readonly StateEvent[]): UnifiedState {
  const runs: Record<string, RunRecord> = { ...state.runs };
  const owned = new Set<string>(); // runs copied (or created) in this call, free to change
  const idSets = new Map<string, Set<string>>();
  const idsOf = (run: RunRecord): Set<string> => {
    let ids = idSets.get(run.id);
    if (!ids) idSets.set(run.id, (ids = new Set(run.event_ids)));
    return ids;
  };
  let updatedAt = state.session.updated_at;

  // Within one batch, runs start first, so a batch need not be in order either.
  const ordered = [
    ...events.filter((e) => e.type === 'run_started'),
    ...events.filter((e) => e.type !== 'run_started'),
  ];
  for (const event of ordered) {
    if (event.type === 'run_started') {
      if (runs[event.runId]) continue;
      runs[event.runId] = newRun(event);
      owned.add(event.runId);
    } else {
      let run = runs[event.runId];
      if (!run) {
        throw new StateInconsistencyError(
          `${event.type} ${event.id} is for run ${event.runId}, which has not started (no run_started event)`,
          event,
        );
      }
      const ids = idsOf(run);
      if (ids.has(event.id)) continue;
      if (!owned.has(run.id)) {
        run = runs[run.id] = structuredClone(run);
        owned.add(run.id);
      }
      applyToRun(run, event);
      ids.add(event.id);
      run.event_ids.push(event.id);
    }
    updatedAt = laterIso(updatedAt, event.at);
  }

  if (owned.size === 0) return state;
  for (const runId of owned) {
    const run = runs[runId] as RunRecord;
    run.event_ids.sort();
    deriveRunFields(run);
  }
  return deriveState({ ...state.session, updated_at: updatedAt }, runs);
}

function newRun(e: RunStartedEvent): RunRecord {
  const tasks: Record<string, RunTask> = {};
  for (const t of e.tasks) {
    tasks[t.id] = {
      title: t.title,
      deps: [...t.deps],
      agent: t.agent ?? null,
      status: 'pending',
      result: null,
      attempts: [],
      dispatch: null,
      dispatch_count: 0,
      requeued_at: null,
    };
  }
  const g = e.github;
  return {
    id: e.runId,
    spec: e.spec,
    spec_dir: e.specDir,
    format: e.format,
    mode: e.mode,
    status: 'running',
    started_at: e.at,
    finished_at: null,
    message: null,
    requested_by: e.requestedBy ?? null,
    work_branch: e.workBranch,
    max_concurrent: e.maxConcurrent,
    budget_usd: e.budgetUsd ?? null,
    cost_usd: 0,
    peak_concurrent: 0,
    samples: { count: 0, peak_running: 0, peak_cpu_percent: 0, peak_memory_percent: 0 },
    tasks,
    github: g
      ? {
          head_sha: g.headSha,
          base_branch: g.baseBranch,
          issue_number: g.issueNumber ?? null,
          workflow_file: g.workflowFile,
          runner_labels: [...g.runnerLabels],
          max_matrix: g.maxMatrix,
          state_branch: g.stateBranch,
          job_retries: g.jobRetries,
          draft: g.draft,
          check_run_id: null,
        }
      : null,
    dispatches: [],
    reopened_at: null,
    event_ids: [e.id],
  };
}

function applyToRun(run: RunRecord, event: Exclude<StateEvent, RunStartedEvent>): void {
  switch (event.type) {
    case 'attempt_started':
      return attemptStarted(run, event);
    case 'attempt_finished':
      return attemptFinished(run, event);
    case 'task_finished':
      return taskFinished(run, event);
    case 'resource_sample': {
      const s = run.samples;
      s.count += 1;
      s.peak_running = Math.max(s.peak_running, event.running);
      s.peak_cpu_percent = Math.max(s.peak_cpu_percent, event.cpuPercent);
      s.peak_memory_percent = Math.max(s.peak_memory_percent, event.memoryPercent);
      return;
    }
    case 'run_finished':
      return runFinished(run, event);
    case 'tasks_dispatched':
      return tasksDispatched(run, event);
    case 'dispatch_failed':
      return dispatchFailed(run, event);
    case 'job_finished':
      return jobFinished(run, event);
    case 'check_run_created':
      if (run.github) run.github.check_run_id = event.checkRunId;
      return;
    case 'tasks_requeued':
      return tasksRequeued(run, event);
  }
}

function taskOf(run: RunRecord, event: { type: string; id: string; taskId: string } & StateEvent): RunTask {
  const task = run.tasks[event.taskId];
  if (!task) {
    throw new StateInconsistencyError(
      `${event.type} ${event.id} names task ${event.taskId}, which run ${run.id} does not have`,
      event,
    );
  }
  return task;
}

/** The attempt record for `n`, created empty (attempts stay sorted by number) if no event made it yet. */
function attemptOf(task: RunTask, n: number): AttemptRecord {
  const found = task.attempts.find((a) => a.n === n);
  if (found) return found;
  const attempt: AttemptRecord = {
    n,
    started_at: null,
    finished_at: null,
    outcome: null,
    error_class: null,
    message: null,
    session_id: null,
    turns: null,
    cost_usd: null,
    duration_ms: null,
    model: null,
    agent: task.agent ?? 'default',
    timeout_seconds: null,
    usage: null,
    permission_denials: [],
    commit: null,
  };
  task.attempts.push(attempt);
  task.attempts.sort((a, b) => a.n - b.n);
  return attempt;
}

function attemptStarted(run: RunRecord, e: AttemptStartedEvent): void {
  const task = taskOf(run, e);
  const a = attemptOf(task, e.attempt);
  // Of two starts of one attempt (a re-sent event with a new id), the earlier is the start.
  if (a.started_at !== null && isoMs(a.started_at) <= isoMs(e.at)) return;
  a.started_at = e.at;
  a.timeout_seconds = e.timeoutSeconds;
  a.model = e.model ?? null;
  a.agent = e.agent ?? task.agent ?? 'default';
}

function attemptFinished(run: RunRecord, e: AttemptFinishedEvent): void {
  const a = attemptOf(taskOf(run, e), e.attempt);
  if (a.finished_at !== null && isoMs(a.finished_at) >= isoMs(e.at)) return;
  Object.assign(a, {
    finished_at: e.at,
    outcome: e.outcome,
    error_class: e.errorClass ?? null,
    message: e.message ?? null,
    session_id: e.sessionId ?? null,
    turns: e.turns ?? null,
    cost_usd: e.costUsd ?? null,
    duration_ms: e.durationMs,
    usage: e.usage ? { ...e.usage } : null,
    permission_denials: [...(e.permissionDenials ?? [])],
    commit: e.commit ?? null,
  } satisfies Partial<AttemptRecord>);
}

function taskFinished(run: RunRecord, e: TaskFinishedEvent): void {
  const task = taskOf(run, e);
  // A result from before the task was requeued belongs to the earlier try.
  if (task.requeued_at !== null && isoMs(e.at) < isoMs(task.requeued_at)) return;
  if (task.result !== null && isoMs(task.result.at) >= isoMs(e.at)) return;
  task.result = {
    at: e.at,
    status: e.status,
    error_class: e.errorClass ?? null,
    message: e.message ?? null,
    commit: e.commit ?? null,
  };
}

function runFinished(run: RunRecord, e: RunFinishedEvent): void {
  if (run.reopened_at !== null && isoMs(e.at) < isoMs(run.reopened_at)) return;
  if (run.finished_at !== null && isoMs(run.finished_at) >= isoMs(e.at)) return;
  run.status = e.status;
  run.finished_at = e.at;
  run.message = e.message ?? null;
}

function tasksDispatched(run: RunRecord, e: TasksDispatchedEvent): void {
  if (!run.dispatches.some((d) => d.n === e.dispatch)) {
    run.dispatches.push({ n: e.dispatch, at: e.at, tasks: [...e.tasks], failed_at: null, message: null });
    run.dispatches.sort((a, b) => a.n - b.n);
  }
  for (const id of e.tasks) {
    const task = taskOf(run, { ...e, taskId: id });
    task.dispatch_count += 1;
    // The newest dispatch is the one that counts; an older one arriving late only adds to the count.
    if (task.dispatch !== null && task.dispatch.n > e.dispatch) continue;
    task.dispatch = {
      n: e.dispatch,
      at: e.at,
      job_id: null,
      job_url: null,
      job_conclusion: null,
      ended_at: null,
      failed: false,
    };
  }
}

function dispatchFailed(run: RunRecord, e: DispatchFailedEvent): void {
  const d = run.dispatches.find((x) => x.n === e.dispatch);
  if (d && d.failed_at === null) Object.assign(d, { failed_at: e.at, message: e.message });
  for (const task of Object.values(run.tasks)) {
    if (task.dispatch?.n !== e.dispatch || task.dispatch.ended_at !== null) continue;
    Object.assign(task.dispatch, { ended_at: e.at, failed: true });
  }
}

function jobFinished(run: RunRecord, e: JobFinishedEvent): void {
  const dispatch = taskOf(run, e).dispatch;
  if (dispatch?.n !== e.dispatch || dispatch.ended_at !== null) return;
  Object.assign(dispatch, {
    job_id: e.jobId,
    job_url: e.jobUrl ?? null,
    job_conclusion: e.conclusion,
    ended_at: e.at,
  });
}

function tasksRequeued(run: RunRecord, e: TasksRequeuedEvent): void {
  for (const id of e.tasks) {
    const task = taskOf(run, { ...e, taskId: id });
    if (task.requeued_at !== null && isoMs(task.requeued_at) >= isoMs(e.at)) continue;
    task.requeued_at = e.at;
    if (task.result !== null && isoMs(task.result.at) < isoMs(e.at)) task.result = null;
    // A retry asked for by a person gives the task its job retries again.
    if (e.requestedBy !== undefined) task.dispatch_count = 0;
  }
  if (run.reopened_at === null || isoMs(run.reopened_at) < isoMs(e.at)) run.reopened_at = e.at;
  if (run.finished_at !== null && isoMs(run.finished_at) < isoMs(e.at)) {
    run.status = 'running';
    run.finished_at = null;
    run.message = null;
  }
}
