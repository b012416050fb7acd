import { describe, expect, it } from 'vitest';
import { runLoop, type AttemptOutcome, type RunPorts } from '../../src/engine/run-loop.js';
import { buildGraph } from '../../src/graph/build-graph.js';
import type { GraphTask } from '../../src/graph/task-graph.js';
import { parseTasks } from '../../src/spec/parse-tasks.js';
import type { StateEvent } from '../../src/state/events.js';

// 1 → (2, 3, 4) → 5 → 6; 7 alone.
const TASKS = [
  '- [ ] 1. a',
  '- [ ] 2. b',
  '  - _Depends: 1_',
  '- [ ] 3. c',
  '  - _Depends: 1_',
  '- [ ] 4. d',
  '  - _Depends: 1_',
  '- [ ] 5. e',
  '  - _Depends: 2, 3, 4_',
  '- [ ] 6. f',
  '  - _Depends: 5_',
  '- [ ] 7. g',
  '  - _Depends: none_',
];
const graph = buildGraph(parseTasks(TASKS.join('\n'), 'tasks.md'), {
  implicit: 'sequential',
  includeOptional: false,
});
const all = new Set(graph.units.map((u) => u.id));

function fakePorts(script: (task: GraphTask, attempt: number) => AttemptOutcome | 'wait') {
  const events: StateEvent[] = [];
  let active = 0;
  let peak = 0;
  let n = 0;
  const ports: RunPorts = {
    admit: async () => ({ release() {} }),
    attempt: async (task, plan, signal) => {
      active++;
      peak = Math.max(peak, active);
      try {
        await new Promise((r) => setTimeout(r, 5));
        const out = script(task, plan.attempt);
        if (out === 'wait') {
          await new Promise<void>((resolve) =>
            signal.addEventListener('abort', () => resolve(), { once: true }),
          );
          return { ok: false, errorClass: 'interrupted', durationMs: 1 };
        }
        return out;
      } finally {
        active--;
      }
    },
    decideRetry: (_t, outcome, plan) =>
      outcome.errorClass === 'timeout' && plan.attempt < 3
        ? { retry: true, delayMs: 1, timeoutSeconds: plan.timeoutSeconds * 2 }
        : { retry: false, reason: 'no' },
    firstPlan: () => ({ attempt: 1, timeoutSeconds: 10 }),
    record: async (e) => {
      events.push(...e);
    },
    sleep: (ms) => new Promise((r) => setTimeout(r, ms)),
    now: () => new Date('2026-01-01T00:00:00Z'),
    newId: () => `e${++n}`,
  };
  return { ports, events, peak: () => peak };
}

const ok = (cost = 0.1): AttemptOutcome => ({ ok: true, durationMs: 10, costUsd: cost });

describe('runLoop', () => {
  it('runs every task, never more than the limit at once, dependencies first', async () => {
    const order: string[] = [];
    const f = fakePorts((t) => {
      order.push(t.id);
      return ok();
    });
    const r = await runLoop(
      { runId: 'r', graph, selected: all, maxConcurrent: 2, signal: new AbortController().signal },
      f.ports,
    );
    expect(r.status).toBe('succeeded');
    expect(f.peak()).toBe(2);
    expect(order.indexOf('1')).toBeLessThan(order.indexOf('2'));
    expect(order.indexOf('5')).toBeGreaterThan(order.indexOf('4'));
    expect(r.costUsd).toBeCloseTo(0.7);
    expect(f.events.filter((e) => e.type === 'task_finished')).toHaveLength(7);
    expect(f.events.at(-1)).toMatchObject({ type: 'run_finished', status: 'succeeded' });
  });

  it('retries by the policy, records every attempt, and does not run what depends on a failure', async () => {
    const f = fakePorts((t, attempt) => {
      if (t.id === '3') return { ok: false, errorClass: 'timeout', durationMs: 1 };
      if (t.id === '2' && attempt === 1) return { ok: false, errorClass: 'timeout', durationMs: 1 };
      return ok();
    });
    const r = await runLoop(
      { runId: 'r', graph, selected: all, maxConcurrent: 3, signal: new AbortController().signal },
      f.ports,
    );
    expect(r.status).toBe('failed');
    const byId = Object.fromEntries(r.tasks.map((t) => [t.id, t]));
    expect(byId['2']).toMatchObject({ status: 'succeeded', attempts: 2 });
    expect(byId['3']).toMatchObject({ status: 'failed', attempts: 3, errorClass: 'timeout' });
    expect(byId['5']).toMatchObject({ status: 'not_run', message: 'a task it depends on did not succeed' });
    expect(byId['6']?.status).toBe('not_run');
    expect(byId['7']?.status).toBe('succeeded');
    const started = f.events.filter((e) => e.type === 'attempt_started' && e.taskId === '3');
    expect(started.map((e) => (e.type === 'attempt_started' ? e.timeoutSeconds : 0))).toEqual([10, 20, 40]);
  });

  it('stops starting tasks once the run budget is spent', async () => {
    const f = fakePorts(() => ok(1));
    const r = await runLoop(
      {
        runId: 'r',
        graph,
        selected: all,
        maxConcurrent: 1,
        budgetUsd: 2,
        signal: new AbortController().signal,
      },
      f.ports,
    );
    expect(r.status).toBe('budget_exceeded');
    expect(r.tasks.filter((t) => t.status === 'succeeded')).toHaveLength(2);
    expect(r.message).toMatch(/^run budget \$2 reached: spent \$2\.0000; not run: /);
    expect(f.events.filter((e) => e.type === 'attempt_started')).toHaveLength(2);
  });

  it('an interrupt ends running attempts as interrupted and starts nothing more', async () => {
    const controller = new AbortController();
    const f = fakePorts((t) => {
      if (t.id === '1') setTimeout(() => controller.abort(), 20);
      return t.id === '1' ? ok() : 'wait';
    });
    const r = await runLoop(
      { runId: 'r', graph, selected: all, maxConcurrent: 4, signal: controller.signal },
      f.ports,
    );
    expect(r.status).toBe('interrupted');
    const statuses = Object.fromEntries(r.tasks.map((t) => [t.id, t.status]));
    expect(statuses['1']).toBe('succeeded');
    expect(Object.values(statuses)).toContain('interrupted');
    expect(statuses['6']).toBe('not_run');
  });

  it('an adapter that throws fails its task, not the run', async () => {
    const f = fakePorts((t) => {
      if (t.id === '7') throw new Error('boom');
      return ok();
    });
    const r = await runLoop(
      { runId: 'r', graph, selected: all, maxConcurrent: 2, signal: new AbortController().signal },
      f.ports,
    );
    expect(r.tasks.find((t) => t.id === '7')).toMatchObject({
      status: 'failed',
      message: 'internal error: boom',
    });
    expect(r.tasks.filter((t) => t.status === 'succeeded')).toHaveLength(6);
  });
});
