import { isoMs, laterIso } from './iso-time.js';
import { attemptInterval, peakOverlap, type Interval } from './peak-concurrency.js';
import {
  MAX_ERRORS,
  type AgentState,
  type ErrorEntry,
  type RunRecord,
  type RunTask,
  type SpecificationState,
  type TaskStatus,
  type UnifiedState,
} from './state-schema.js';

/*
 * Everything here is recomputed from `runs` in one canonical order (runs by start time then id,
 * tasks as declared, attempts by number), so the result does not depend on the order events arrived
 * in — not even through floating-point sums.
 */

export function roundUsd(usd: number): number {
  return Math.round(usd * 1e6) / 1e6;
}

export function compareRuns(a: RunRecord, b: RunRecord): number {
  return isoMs(a.started_at) - isoMs(b.started_at) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}

function taskStatus(task: RunTask, run: RunRecord): TaskStatus {
  if (task.result !== null) return task.result.status;
  const running = run.status === 'running';
  if (task.attempts.some((a) => a.outcome === null)) return running ? 'running' : 'interrupted';
  const last = task.attempts.at(-1);
  // A task requeued after its last attempt is waiting for its next one.
  const finishedAt = last?.finished_at ?? null;
  const requeued =
    task.requeued_at !== null && (finishedAt === null || isoMs(finishedAt) <= isoMs(task.requeued_at));
  if (last?.outcome && !requeued) return last.outcome;
  return running ? 'pending' : 'not_run';
}

function runIntervals(run: RunRecord): Interval[] {
  const intervals: Interval[] = [];
  for (const task of Object.values(run.tasks)) {
    for (const attempt of task.attempts) {
      const interval = attemptInterval(attempt, run.finished_at);
      if (interval) intervals.push(interval);
    }
  }
  return intervals;
}

/** Refreshes a run's derived fields in place; only call it on a run the caller owns. */
export function deriveRunFields(run: RunRecord): void {
  let cost = 0;
  for (const task of Object.values(run.tasks)) {
    task.status = taskStatus(task, run);
    for (const attempt of task.attempts) cost += attempt.cost_usd ?? 0;
  }
  run.cost_usd = roundUsd(cost);
  run.peak_concurrent = Math.max(peakOverlap(runIntervals(run)), run.samples.peak_running);
}

const IDLE: readonly TaskStatus[] = ['pending', 'not_run'];

function deriveSpecifications(runs: readonly RunRecord[]): Record<string, SpecificationState> {
  const specs: Record<string, SpecificationState> = {};
  for (const run of runs) {
    const spec = (specs[run.spec] ??= {
      name: run.spec,
      dir: run.spec_dir,
      format: run.format,
      work_branch: run.work_branch,
      tasks: {},
      progress: { total: 0, succeeded: 0, failed: 0, running: 0, pending: 0, percent: 0 },
    });
    Object.assign(spec, { dir: run.spec_dir, format: run.format, work_branch: run.work_branch });
    for (const [id, task] of Object.entries(run.tasks)) {
      const existing = spec.tasks[id];
      const entry = (spec.tasks[id] ??= {
        title: task.title,
        status: task.status,
        attempts: 0,
        last_error_class: null,
        cost_usd: 0,
        duration_ms: 0,
        commit: null,
        updated_at: run.started_at,
      });
      entry.title = task.title;
      // A later run that has not reached a task (or skipped it) does not hide what an earlier run did.
      if (!existing || !IDLE.includes(task.status)) entry.status = task.status;
      entry.updated_at = laterIso(entry.updated_at, run.started_at);
      for (const a of task.attempts) {
        entry.attempts += 1;
        entry.cost_usd += a.cost_usd ?? 0;
        entry.duration_ms += a.duration_ms ?? 0;
        entry.last_error_class = a.error_class ?? entry.last_error_class;
        entry.commit = a.commit ?? entry.commit;
        for (const at of [a.started_at, a.finished_at])
          if (at) entry.updated_at = laterIso(entry.updated_at, at);
      }
      if (task.result) {
        entry.last_error_class = task.result.error_class ?? entry.last_error_class;
        entry.commit = task.result.commit ?? entry.commit;
        entry.updated_at = laterIso(entry.updated_at, task.result.at);
      }
    }
  }
  for (const spec of Object.values(specs)) {
    const tasks = Object.values(spec.tasks);
    const count = (...statuses: TaskStatus[]) => tasks.filter((t) => statuses.includes(t.status)).length;
    for (const t of tasks) t.cost_usd = roundUsd(t.cost_usd);
    const succeeded = count('succeeded');
    spec.progress = {
      total: tasks.length,
      succeeded,
      // failed + running + pending + succeeded = total: interrupted counts as failed, not_run as pending.
      failed: count('failed', 'interrupted'),
      running: count('running'),
      pending: count('pending', 'not_run'),
      percent: tasks.length === 0 ? 0 : Math.round((succeeded / tasks.length) * 100),
    };
  }
  return specs;
}

function deriveAgents(runs: readonly RunRecord[]): Record<string, AgentState> {
  const agents: Record<string, AgentState> = {};
  const durations: Record<string, number> = {};
  for (const run of runs) {
    for (const [taskId, task] of Object.entries(run.tasks)) {
      for (const a of task.attempts) {
        const agent = (agents[a.agent] ??= {
          performance: {
            executions: 0,
            successes: 0,
            failures: 0,
            success_rate: 0,
            avg_duration_ms: 0,
            total_cost_usd: 0,
          },
          active_tasks: [],
          total_executions: 0,
        });
        agent.total_executions += 1;
        if (a.outcome === null) {
          const key = `${run.spec}/${taskId}`;
          if (run.status === 'running' && !agent.active_tasks.includes(key)) agent.active_tasks.push(key);
          continue;
        }
        const perf = agent.performance;
        perf.executions += 1;
        if (a.outcome === 'succeeded') perf.successes += 1;
        else perf.failures += 1;
        perf.total_cost_usd += a.cost_usd ?? 0;
        durations[a.agent] = (durations[a.agent] ?? 0) + (a.duration_ms ?? 0);
      }
    }
  }
  for (const [name, agent] of Object.entries(agents)) {
    const perf = agent.performance;
    perf.total_cost_usd = roundUsd(perf.total_cost_usd);
    if (perf.executions > 0) {
      perf.success_rate = Math.round((perf.successes / perf.executions) * 1e4) / 1e4;
      perf.avg_duration_ms = Math.round((durations[name] ?? 0) / perf.executions);
    }
    agent.active_tasks.sort();
  }
  return agents;
}

function deriveErrors(runs: readonly RunRecord[]): ErrorEntry[] {
  const errors: ErrorEntry[] = [];
  for (const run of runs) {
    for (const [taskId, task] of Object.entries(run.tasks)) {
      for (const a of task.attempts) {
        if (a.outcome !== 'failed' || a.finished_at === null) continue;
        errors.push({
          at: a.finished_at,
          run_id: run.id,
          spec: run.spec,
          task_id: taskId,
          attempt: a.n,
          class: a.error_class,
          message: a.message,
        });
      }
    }
  }
  const key = (e: ErrorEntry) => `${e.run_id}\u0000${e.task_id}\u0000${String(e.attempt).padStart(9, '0')}`;
  errors.sort((x, y) => isoMs(x.at) - isoMs(y.at) || (key(x) < key(y) ? -1 : key(x) > key(y) ? 1 : 0));
  return errors.slice(-MAX_ERRORS);
}

function deriveResources(runs: readonly RunRecord[]): UnifiedState['resources'] {
  const intervals = runs.flatMap(runIntervals);
  let executed = 0;
  for (const run of runs) {
    for (const task of Object.values(run.tasks)) executed += task.attempts.filter((a) => a.outcome).length;
  }
  return {
    peak_concurrent_tasks: Math.max(peakOverlap(intervals), ...runs.map((r) => r.samples.peak_running)),
    total_tasks_executed: executed,
    peak_cpu_percent: Math.max(0, ...runs.map((r) => r.samples.peak_cpu_percent)),
    peak_memory_percent: Math.max(0, ...runs.map((r) => r.samples.peak_memory_percent)),
  };
}

/** The whole state from its facts: the session and the runs (whose own derived fields are current). */
export function deriveState(
  session: UnifiedState['session'],
  runsById: Record<string, RunRecord>,
): UnifiedState {
  const runs = Object.values(runsById).sort(compareRuns);
  const active = runs.filter((r) => r.status === 'running');
  const last = runs.at(-1);
  return {
    version: 1,
    session: { ...session, last_run_id: last?.id ?? null },
    workflow: {
      current_spec: (active.at(-1) ?? last)?.spec ?? null,
      active_runs: active.map((r) => r.id),
      completed_runs: runs.filter((r) => r.status !== 'running').map((r) => r.id),
    },
    specifications: deriveSpecifications(runs),
    agents: deriveAgents(runs),
    resources: deriveResources(runs),
    errors: deriveErrors(runs),
    runs: Object.fromEntries(runs.map((r) => [r.id, r])),
  };
}
