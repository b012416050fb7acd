import { describe, expect, it } from 'vitest';
import type { StateEvent } from '../../src/state/events.js';
import { applyEvent, applyEvents } from '../../src/state/reduce.js';
import { StateInconsistencyError } from '../../src/state/state-inconsistency-error.js';
import { emptyState, parseState } from '../../src/state/state-schema.js';
import {
  at,
  attemptFinished,
  attemptStarted,
  interleave,
  resourceSample,
  runFinished,
  runStarted,
  seededRandom,
  shuffle,
  taskFinished,
} from '../support/state-events.js';

const empty = () => emptyState('session-1', at(0));

/** r1 on spec-a: task 1 fails once then succeeds, 2 succeeds, 3 fails; the run fails. */
const run1: StateEvent[] = [
  runStarted('r1', [{ id: '1', agent: 'coder' }, { id: '2' }, { id: '3', deps: ['1'], agent: 'reviewer' }], {
    budgetUsd: 5,
  }),
  attemptStarted('r1', '1', 1, 10),
  attemptStarted('r1', '2', 1, 12, { model: 'sonnet' }),
  resourceSample('r1', 15, 2, 40, 30),
  attemptFinished('r1', '1', 1, 20, {
    outcome: 'failed',
    errorClass: 'timeout',
    message: 'took too long',
    costUsd: 0.1,
    durationMs: 10_000,
  }),
  attemptStarted('r1', '1', 2, 21),
  attemptFinished('r1', '2', 1, 30, { costUsd: 0.25, durationMs: 18_000, commit: 'c2' }),
  attemptFinished('r1', '1', 2, 40, { costUsd: 0.2, durationMs: 19_000, commit: 'c1' }),
  taskFinished('r1', '1', 41, 'succeeded', { commit: 'c1' }),
  taskFinished('r1', '2', 41, 'succeeded', { commit: 'c2' }),
  attemptStarted('r1', '3', 1, 42),
  resourceSample('r1', 45, 1, 85.5, 60),
  attemptFinished('r1', '3', 1, 50, {
    outcome: 'failed',
    errorClass: 'agent_failure',
    costUsd: 0.05,
    durationMs: 8000,
  }),
  taskFinished('r1', '3', 51, 'failed', { errorClass: 'agent_failure' }),
  runFinished('r1', 60, 'failed'),
];

/** r2 on spec-b, overlapping r1 in time. */
const run2: StateEvent[] = [
  runStarted('r2', [{ id: 'x' }, { id: 'y', agent: 'coder' }], {
    at: at(5),
    spec: 'spec-b',
    specDir: 'specs/spec-b',
  }),
  attemptStarted('r2', 'x', 1, 11),
  attemptStarted('r2', 'y', 1, 13),
  attemptFinished('r2', 'x', 1, 25, { outcome: 'failed', errorClass: 'rate_limited', costUsd: 0.01 }),
  attemptStarted('r2', 'x', 2, 26),
  attemptFinished('r2', 'y', 1, 35, { costUsd: 0.3, durationMs: 22_000 }),
  attemptFinished('r2', 'x', 2, 38, { costUsd: 0.02 }),
  runFinished('r2', 39, 'succeeded'),
];

const reduce = (events: readonly StateEvent[]) => applyEvents(empty(), events);
const oneByOne = (events: readonly StateEvent[]) => events.reduce(applyEvent, empty());

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null) {
    for (const child of Object.values(value)) deepFreeze(child);
    Object.freeze(value);
  }
  return value;
}

describe('applyEvents: one run', () => {
  const state = oneByOne(run1);

  it('records the run, its tasks and every attempt', () => {
    const run = state.runs.r1!;
    expect(run).toMatchObject({
      status: 'failed',
      finished_at: at(60),
      budget_usd: 5,
      cost_usd: 0.6,
      peak_concurrent: 2,
    });
    expect(Object.fromEntries(Object.entries(run.tasks).map(([id, t]) => [id, t.status]))).toEqual({
      '1': 'succeeded',
      '2': 'succeeded',
      '3': 'failed',
    });
    expect(run.tasks['1']!.attempts.map((a) => [a.n, a.outcome, a.error_class, a.agent])).toEqual([
      [1, 'failed', 'timeout', 'coder'],
      [2, 'succeeded', null, 'coder'],
    ]);
    expect(run.tasks['2']!.attempts[0]).toMatchObject({
      model: 'sonnet',
      agent: 'default',
      started_at: at(12),
    });
    expect(run.event_ids).toHaveLength(run1.length);
    expect(run.event_ids).toEqual([...run.event_ids].sort());
  });

  it('computes specification tasks and progress', () => {
    const spec = state.specifications['spec-a']!;
    expect(spec).toMatchObject({
      name: 'spec-a',
      dir: 'specs/spec-a',
      format: 'kiro',
      work_branch: 'quantumwala/r1',
    });
    expect(spec.tasks['1']).toEqual({
      title: 'Task 1',
      status: 'succeeded',
      attempts: 2,
      last_error_class: 'timeout',
      cost_usd: 0.3,
      duration_ms: 29_000,
      commit: 'c1',
      updated_at: at(41),
    });
    expect(spec.progress).toEqual({ total: 3, succeeded: 2, failed: 1, running: 0, pending: 0, percent: 67 });
  });

  it('computes agent performance, errors, resources, workflow and session', () => {
    expect(state.agents.coder).toEqual({
      performance: {
        executions: 2,
        successes: 1,
        failures: 1,
        success_rate: 0.5,
        avg_duration_ms: 14_500,
        total_cost_usd: 0.3,
      },
      active_tasks: [],
      total_executions: 2,
    });
    expect(state.agents.default!.performance).toMatchObject({
      executions: 1,
      successes: 1,
      total_cost_usd: 0.25,
    });
    expect(state.agents.reviewer!.performance).toMatchObject({ executions: 1, failures: 1, success_rate: 0 });
    expect(state.errors).toEqual([
      {
        at: at(20),
        run_id: 'r1',
        spec: 'spec-a',
        task_id: '1',
        attempt: 1,
        class: 'timeout',
        message: 'took too long',
      },
      {
        at: at(50),
        run_id: 'r1',
        spec: 'spec-a',
        task_id: '3',
        attempt: 1,
        class: 'agent_failure',
        message: null,
      },
    ]);
    expect(state.resources).toEqual({
      peak_concurrent_tasks: 2,
      total_tasks_executed: 4,
      peak_cpu_percent: 85.5,
      peak_memory_percent: 60,
    });
    expect(state.workflow).toEqual({ current_spec: 'spec-a', active_runs: [], completed_runs: ['r1'] });
    expect(state.session).toEqual({
      id: 'session-1',
      started_at: at(0),
      updated_at: at(60),
      last_run_id: 'r1',
    });
  });

  it('shows running attempts while the run is going', () => {
    const mid = reduce(run1.slice(0, 4));
    expect(mid.specifications['spec-a']!.progress).toMatchObject({ running: 2, pending: 1, succeeded: 0 });
    expect(mid.agents.coder!.active_tasks).toEqual(['spec-a/1']);
    expect(mid.agents.default!.active_tasks).toEqual(['spec-a/2']);
    expect(mid.workflow).toEqual({ current_spec: 'spec-a', active_runs: ['r1'], completed_runs: [] });
    expect(mid.resources.peak_concurrent_tasks).toBe(2);
  });

  it('produces a state the schema accepts', () => {
    expect(parseState(JSON.parse(JSON.stringify(state)))).toEqual(state);
  });

  it('one batch equals one event at a time, and a batch may start its run anywhere', () => {
    expect(reduce(run1)).toEqual(state);
    expect(reduce([...run1.slice(1), run1[0]!])).toEqual(state);
  });
});

describe('applyEvents: purity and idempotency', () => {
  it('never mutates its input', () => {
    const half = deepFreeze(reduce(run1.slice(0, 7)));
    const copy = structuredClone(half);
    expect(() => applyEvents(half, run1.slice(7))).not.toThrow();
    expect(half).toEqual(copy);
  });

  it('applying every event twice gives the same state as once', () => {
    const once = reduce([...run1, ...run2]);
    expect(reduce([...run1, ...run2].flatMap((e) => [e, e]))).toEqual(once);
    expect(applyEvents(once, [...run1, ...run2])).toBe(once);
    for (const e of run1) expect(applyEvent(once, e)).toBe(once);
  });

  it('a second run_started for an existing run changes nothing, even with another id', () => {
    const state = reduce(run1);
    expect(applyEvent(state, { ...run1[0]!, id: 'other', spec: 'zzz' } as StateEvent)).toBe(state);
  });
});

describe('applyEvents: order tolerance', () => {
  it('any interleaving of two runs gives the same final state', () => {
    const baseline = JSON.stringify(reduce([...run1, ...run2]));
    for (let seed = 1; seed <= 30; seed++) {
      const order = interleave(run1, run2, seededRandom(seed));
      expect(JSON.stringify(oneByOne(order))).toBe(baseline);
    }
    expect(JSON.stringify(reduce([...run2, ...run1]))).toBe(baseline);
  });

  it('any order of one run after its run_started gives the same final state', () => {
    const baseline = JSON.stringify(reduce(run1));
    for (let seed = 1; seed <= 30; seed++) {
      const order = [run1[0]!, ...shuffle(run1.slice(1), seededRandom(seed))];
      expect(JSON.stringify(oneByOne(order))).toBe(baseline);
    }
  });

  it('attempt_finished before attempt_started still gives the right attempt record', () => {
    const start = attemptStarted('r1', '1', 1, 10, { model: 'opus', agent: 'special' });
    const finish = attemptFinished('r1', '1', 1, 20, { costUsd: 0.5, turns: 7, usage: { input_tokens: 10 } });
    const rs = runStarted('r1', [{ id: '1', agent: 'coder' }]);
    const early = reduce([rs, finish]);
    expect(early.runs.r1!.tasks['1']!.attempts[0]).toMatchObject({
      started_at: null,
      finished_at: at(20),
      agent: 'coder',
    });
    expect(early.resources.total_tasks_executed).toBe(1);
    const late = applyEvent(early, start);
    expect(late).toEqual(reduce([rs, start, finish]));
    expect(late.runs.r1!.tasks['1']!.attempts[0]).toMatchObject({
      started_at: at(10),
      finished_at: at(20),
      model: 'opus',
      agent: 'special',
      turns: 7,
      cost_usd: 0.5,
      usage: { input_tokens: 10 },
    });
  });

  it('counts concurrency from attempts started and not finished, in any arrival order', () => {
    const rs = runStarted('r1', [{ id: 'a' }, { id: 'b' }, { id: 'c' }]);
    // a runs 10–20, b 15–30, c 25–40: at most two at once.
    const events = [
      attemptStarted('r1', 'a', 1, 10),
      attemptFinished('r1', 'a', 1, 20),
      attemptStarted('r1', 'b', 1, 15),
      attemptFinished('r1', 'b', 1, 30),
      attemptStarted('r1', 'c', 1, 25),
    ];
    const state = reduce([rs, ...events]);
    expect(state.runs.r1!.peak_concurrent).toBe(2);
    expect(state.specifications['spec-a']!.progress).toMatchObject({ running: 1, succeeded: 2 });
    expect(reduce([rs, events[1]!, events[4]!, events[3]!, events[0]!, events[2]!])).toEqual(state);
  });

  it('peaks count attempts of concurrent runs together', () => {
    expect(reduce([...run1, ...run2]).resources.peak_concurrent_tasks).toBe(4);
  });
});

describe('applyEvents: run endings and history', () => {
  it('a run that ends with an attempt open leaves that task interrupted and unstarted ones not_run', () => {
    const state = reduce([
      runStarted('r1', [{ id: 'a' }, { id: 'b' }]),
      attemptStarted('r1', 'a', 1, 10),
      runFinished('r1', 20, 'interrupted'),
    ]);
    expect(state.runs.r1!.tasks.a!.status).toBe('interrupted');
    expect(state.runs.r1!.tasks.b!.status).toBe('not_run');
    expect(state.agents.default!.active_tasks).toEqual([]);
    expect(state.specifications['spec-a']!.progress).toMatchObject({ failed: 1, pending: 1, running: 0 });
  });

  it('a later run that has not reached a task does not hide what an earlier run did', () => {
    const later = runStarted('r3', [{ id: '1', agent: 'coder' }, { id: '2' }, { id: '3' }], {
      id: 'r3s',
      at: at(100),
    });
    const state = reduce([...run1, later, attemptStarted('r3', '3', 1, 110)]);
    const tasks = state.specifications['spec-a']!.tasks;
    expect([tasks['1']!.status, tasks['3']!.status, tasks['3']!.attempts]).toEqual([
      'succeeded',
      'running',
      2,
    ]);
    expect(state.workflow).toEqual({ current_spec: 'spec-a', active_runs: ['r3'], completed_runs: ['r1'] });
    expect(state.session.last_run_id).toBe('r3');
  });

  it('keeps the newest 200 errors', () => {
    const events: StateEvent[] = [runStarted('r1', [{ id: 't' }])];
    for (let n = 1; n <= 250; n++) {
      events.push(attemptFinished('r1', 't', n, n, { outcome: 'failed', errorClass: 'overloaded' }));
    }
    const errors = reduce(events).errors;
    expect(errors).toHaveLength(200);
    expect([errors[0]!.attempt, errors.at(-1)!.attempt]).toEqual([51, 250]);
  });
});

describe('applyEvents: inconsistent events', () => {
  it('throws a StateInconsistencyError for an event of a run that never started', () => {
    const event = attemptStarted('ghost', '1', 1, 10);
    expect(() => applyEvent(empty(), event)).toThrow(StateInconsistencyError);
    expect(() => applyEvent(reduce(run1), event)).toThrow(/run ghost, which has not started/);
  });

  it('throws for a task the run does not have', () => {
    expect(() => applyEvent(reduce(run1), attemptFinished('r1', '9', 1, 10))).toThrow(
      /task 9, which run r1 does not have/,
    );
  });
});
