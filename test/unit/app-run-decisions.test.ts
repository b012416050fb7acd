import { describe, expect, it } from 'vitest';
import { planCancel, planRetry, planStep, selectRetry, inFlight } from '../../app/dispatch/run-decisions.js';
import type { GitHubRunSettings, StateEvent } from '../../src/state/events.js';
import { applyEvents } from '../../src/state/reduce.js';
import { emptyState, type RunRecord, type UnifiedState } from '../../src/state/state-schema.js';
import { at, runStarted, type TaskDef } from '../support/state-events.js';

const GITHUB: GitHubRunSettings = {
  headSha: 'a'.repeat(40),
  baseBranch: 'main',
  issueNumber: 7,
  workflowFile: '.github/workflows/quantumwala.yml',
  runnerLabels: ['ubuntu-latest'],
  maxMatrix: 256,
  stateBranch: 'quantumwala/state',
  jobRetries: 1,
  draft: false,
};

/** A run the app started, and a clock/id source for decisions taken `t` seconds in. */
function start(
  tasks: TaskDef[],
  maxConcurrent: number,
  github: Partial<GitHubRunSettings> = {},
): UnifiedState {
  return applyEvents(emptyState('s', at(0)), [
    runStarted('r1', tasks, { mode: 'github', maxConcurrent, github: { ...GITHUB, ...github } }),
  ]);
}

let ids = 0;
const ctx = (t: number) => ({ now: new Date(at(t)), newId: () => `e${(ids += 1)}` });
const run = (s: UnifiedState): RunRecord => s.runs.r1 as RunRecord;
/** The tasks holding one of the run's slots. */
const flying = (r: RunRecord): string[] =>
  Object.entries(r.tasks)
    .filter(([, t]) => inFlight(t))
    .map(([id]) => id);

/** Decides at time t and applies the decision, as one compare-and-swap would. */
function step(s: UnifiedState, t: number): { state: UnifiedState; events: StateEvent[] } {
  const events = planStep(run(s), ctx(t));
  return { state: applyEvents(s, events), events };
}

const dispatched = (events: StateEvent[]) =>
  events.flatMap((e) => (e.type === 'tasks_dispatched' ? [{ n: e.dispatch, tasks: e.tasks }] : []));

/** What the action writes for a task that ran in a job: its attempt and its result. */
function jobRan(taskId: string, t: number, ok = true): StateEvent[] {
  return [
    {
      type: 'attempt_started',
      id: `${taskId}-s${t}`,
      at: at(t),
      runId: 'r1',
      taskId,
      attempt: 1,
      timeoutSeconds: 60,
    },
    {
      type: 'attempt_finished',
      id: `${taskId}-f${t}`,
      at: at(t + 1),
      runId: 'r1',
      taskId,
      attempt: 1,
      outcome: ok ? 'succeeded' : 'failed',
      durationMs: 1000,
      ...(ok ? {} : { errorClass: 'agent_failure' as const }),
    },
    {
      type: 'task_finished',
      id: `${taskId}-t${t}`,
      at: at(t + 1),
      runId: 'r1',
      taskId,
      status: ok ? 'succeeded' : 'failed',
      ...(ok ? {} : { errorClass: 'agent_failure' as const }),
    },
  ];
}

function jobEnded(s: UnifiedState, taskId: string, t: number, conclusion = 'success'): UnifiedState {
  const n = run(s).tasks[taskId]?.dispatch?.n ?? 0;
  return applyEvents(s, [
    {
      type: 'job_finished',
      id: `${taskId}-j${t}`,
      at: at(t),
      runId: 'r1',
      taskId,
      dispatch: n,
      jobId: t,
      conclusion,
    },
  ]);
}

const five = ['1', '2', '3', '4', '5'].map((id) => ({ id }));

describe('planStep: what the app dispatches', () => {
  it('dispatches no more tasks than the free slots, longest remaining path first', () => {
    const s = start([{ id: '1' }, { id: '2' }, { id: '3', deps: ['2'] }, { id: '4' }], 2);
    const { events } = step(s, 1);
    expect(dispatched(events)).toEqual([{ n: 1, tasks: ['2', '1'] }]);
  });

  it('a decision applied is not made again (a redelivered webhook decides nothing)', () => {
    const s = start(five, 2);
    const first = step(s, 1);
    expect(dispatched(first.events)).toHaveLength(1);
    expect(planStep(run(first.state), ctx(2))).toEqual([]);
    expect(flying(run(first.state))).toEqual(['1', '2']);
  });

  it('splits a dispatch at max_matrix and never exceeds the concurrency limit across dispatches', () => {
    const s = start(five, 4, { maxMatrix: 3 });
    const { state, events } = step(s, 1);
    expect(dispatched(events)).toEqual([
      { n: 1, tasks: ['1', '2', '3'] },
      { n: 2, tasks: ['4'] },
    ]);
    expect(flying(run(state))).toHaveLength(4);
  });

  it('a slot frees only when the job ends, not when the task reports', () => {
    let s = step(start(five, 2), 1).state;
    s = applyEvents(s, jobRan('1', 2));
    expect(planStep(run(s), ctx(4))).toEqual([]);
    s = jobEnded(s, '1', 5);
    const next = step(s, 6);
    expect(dispatched(next.events)).toEqual([{ n: 2, tasks: ['3'] }]);
  });

  it('a job that ended without a result is dispatched again, then fails with its dependents not run', () => {
    let s = step(start([{ id: '1' }, { id: '2', deps: ['1'] }], 3), 1).state;
    s = applyEvents(s, [
      {
        type: 'attempt_started',
        id: 'x1',
        at: at(2),
        runId: 'r1',
        taskId: '1',
        attempt: 1,
        timeoutSeconds: 60,
      },
    ]);
    s = jobEnded(s, '1', 3, 'failure');
    const retry = step(s, 4);
    expect(retry.events.map((e) => e.type)).toEqual([
      'attempt_finished',
      'tasks_requeued',
      'tasks_dispatched',
    ]);
    expect(run(retry.state).tasks['1']?.attempts[0]?.outcome).toBe('interrupted');
    expect(run(retry.state).tasks['1']?.dispatch_count).toBe(2);
    // The second job is lost too: job_retries (1) is spent.
    s = jobEnded(retry.state, '1', 5, 'cancelled');
    const end = step(s, 6);
    expect(end.events.map((e) => e.type)).toEqual(['task_finished', 'task_finished', 'run_finished']);
    const r = run(end.state);
    expect(r.tasks['1']?.status).toBe('failed');
    expect(r.tasks['1']?.result?.error_class).toBe('interrupted');
    expect(r.tasks['2']?.status).toBe('not_run');
    expect(r.status).toBe('failed');
  });

  it('a refused dispatch frees its tasks for the next step', () => {
    let s = step(start([{ id: '1' }], 1), 1).state;
    s = applyEvents(s, [
      {
        type: 'dispatch_failed',
        id: 'df',
        at: at(2),
        runId: 'r1',
        dispatch: 1,
        message: '404 workflow not found',
      },
    ]);
    expect(dispatched(step(s, 3).events)).toEqual([{ n: 2, tasks: ['1'] }]);
  });

  it('finishes the run when every task succeeded and every job ended', () => {
    let s = step(start([{ id: '1' }, { id: '2' }], 2), 1).state;
    s = applyEvents(s, [...jobRan('1', 2), ...jobRan('2', 2)]);
    s = jobEnded(jobEnded(s, '1', 4), '2', 4);
    const end = step(s, 5);
    expect(end.events.map((e) => e.type)).toEqual(['run_finished']);
    expect(run(end.state).status).toBe('succeeded');
    expect(planStep(run(end.state), ctx(6))).toEqual([]);
  });

  it('a dependency outside the run blocks its dependent', () => {
    const s = start([{ id: '2', deps: ['1'] }], 1);
    const { state, events } = step(s, 1);
    expect(events.map((e) => e.type)).toEqual(['task_finished', 'run_finished']);
    expect(run(state).tasks['2']?.result?.message).toMatch(/1 is not part of this run/);
  });

  it('a cancelled run decides nothing more', () => {
    const s = step(start(five, 2), 1).state;
    const cancelled = applyEvents(s, planCancel(run(s), 'octocat', ctx(2)));
    expect(run(cancelled).status).toBe('cancelled');
    expect(planStep(run(cancelled), ctx(3))).toEqual([]);
    expect(planCancel(run(cancelled), 'octocat', ctx(3))).toEqual([]);
  });
});

describe('retry', () => {
  function failedRun(): UnifiedState {
    let s = step(start([{ id: '1' }, { id: '2', deps: ['1'] }, { id: '3' }], 2), 1).state;
    s = applyEvents(s, [...jobRan('1', 2, false), ...jobRan('3', 2)]);
    s = jobEnded(jobEnded(s, '1', 4, 'failure'), '3', 4);
    return step(s, 5).state;
  }

  it('selects the failed and not-run tasks, reopens the run and dispatches what is ready', () => {
    const s = failedRun();
    expect(run(s).status).toBe('failed');
    const selection = selectRetry(run(s), []);
    expect(selection).toEqual({ ok: true, tasks: ['1', '2'] });
    if (!selection.ok) return;
    const reopened = applyEvents(s, planRetry(run(s), selection.tasks, 'octocat', ctx(10)));
    expect(run(reopened).status).toBe('running');
    expect(run(reopened).tasks['1']?.status).toBe('pending');
    const next = step(reopened, 11);
    expect(dispatched(next.events)).toEqual([{ n: 2, tasks: ['1'] }]);
  });

  it('refuses unknown and succeeded tasks by name', () => {
    const s = failedRun();
    expect(selectRetry(run(s), ['9'])).toEqual({ ok: false, error: 'run r1 has no task 9' });
    expect(selectRetry(run(s), ['3'])).toMatchObject({
      ok: false,
      error: expect.stringMatching(/3 \(succeeded\)/),
    });
  });

  it('a late result from before the requeue does not count', () => {
    const s = failedRun();
    const reopened = applyEvents(s, planRetry(run(s), ['1', '2'], 'octocat', ctx(10)));
    const late = applyEvents(reopened, [
      { type: 'task_finished', id: 'late', at: at(9), runId: 'r1', taskId: '1', status: 'failed' },
      { type: 'run_finished', id: 'late-run', at: at(9), runId: 'r1', status: 'failed' },
    ]);
    expect(run(late).tasks['1']?.status).toBe('pending');
    expect(run(late).status).toBe('running');
  });
});
