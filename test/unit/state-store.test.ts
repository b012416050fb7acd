import { describe, expect, it } from 'vitest';
import type { StateEvent } from '../../src/state/events.js';
import { applyEvents } from '../../src/state/reduce.js';
import { StateInconsistencyError } from '../../src/state/state-inconsistency-error.js';
import { emptyState, type UnifiedState } from '../../src/state/state-schema.js';
import {
  appendWithRetry,
  groupedAppend,
  StateConflictError,
  type CasBackend,
} from '../../src/state/state-store.js';
import { at, attemptStarted, runStarted } from '../support/state-events.js';

/** A store in memory; `conflicts` makes that many next writes lose their race. */
function memoryBackend() {
  const b = {
    state: emptyState('s', at(0)),
    version: 0,
    conflicts: 0,
    writes: [] as string[][],
    beforeWrite: (): void => undefined,
  };
  const backend: CasBackend = {
    describe: 'memory',
    readTip: () =>
      Promise.resolve({ state: b.state, version: b.version ? String(b.version) : null, repaired: false }),
    write: async (state: UnifiedState, events: readonly StateEvent[], expected: string | null) => {
      await Promise.resolve();
      b.beforeWrite();
      if (b.conflicts > 0 || expected !== (b.version ? String(b.version) : null)) {
        b.conflicts = Math.max(0, b.conflicts - 1);
        return { ok: false, reason: 'moved' };
      }
      b.state = state;
      b.version += 1;
      b.writes.push(events.map((e) => e.id));
      return { ok: true, version: String(b.version) };
    },
  };
  return { b, backend };
}

const start = runStarted('r1', [{ id: '1' }, { id: '2' }, { id: '3' }]);
const fast = { baseDelayMs: 1 };

describe('appendWithRetry', () => {
  it('retries lost races and reports each retry', async () => {
    const { b, backend } = memoryBackend();
    b.conflicts = 2;
    const retries: number[] = [];
    const state = await appendWithRetry(backend, [start], {
      ...fast,
      onRetry: ({ attempt }) => retries.push(attempt),
    });
    expect(retries).toEqual([1, 2]);
    expect(state).toEqual(applyEvents(emptyState('s', at(0)), [start]));
    expect(b.writes).toEqual([[start.id]]);
  });

  it('gives up with a StateConflictError after maxAttempts', async () => {
    const { b, backend } = memoryBackend();
    b.conflicts = 100;
    await expect(appendWithRetry(backend, [start], { ...fast, maxAttempts: 4 })).rejects.toThrow(
      StateConflictError,
    );
    await expect(appendWithRetry(backend, [start], { ...fast, maxAttempts: 4 })).rejects.toThrow(
      /gave up appending 1 event\(s\) to memory after 4 attempts; .* \(last: moved\)/,
    );
  });

  it('does not write when every event is already stored', async () => {
    const { b, backend } = memoryBackend();
    await appendWithRetry(backend, [start]);
    await appendWithRetry(backend, [start]);
    expect(b.writes).toHaveLength(1);
  });
});

describe('groupedAppend', () => {
  it('appends made together become one write', async () => {
    const { b, backend } = memoryBackend();
    const append = groupedAppend(backend, fast);
    const events = [start, attemptStarted('r1', '1', 1, 1), attemptStarted('r1', '2', 1, 2)];
    const states = await Promise.all(events.map((e) => append([e])));
    expect(b.writes).toEqual([events.map((e) => e.id)]);
    expect(new Set(states).size).toBe(1);
  });

  it('appends made while a write is retrying join it', async () => {
    const { b, backend } = memoryBackend();
    const append = groupedAppend(backend, fast);
    await append([start]);
    b.conflicts = 1;
    let late: Promise<UnifiedState> | undefined;
    b.beforeWrite = () => {
      late ??= append([attemptStarted('r1', '2', 1, 2)]);
    };
    await append([attemptStarted('r1', '1', 1, 1)]);
    await late;
    expect(b.writes.slice(1)).toEqual([['r1:start:1#1', 'r1:start:2#1']]);
  });

  it('a bad append fails alone; the others in its batch are written', async () => {
    const { b, backend } = memoryBackend();
    const append = groupedAppend(backend, fast);
    await append([start]);
    const results = await Promise.allSettled([
      append([attemptStarted('r1', '1', 1, 1)]),
      append([attemptStarted('ghost', '1', 1, 1)]),
      append([{ ...attemptStarted('r1', '2', 1, 2), at: 'not a time' }]),
      append([attemptStarted('r1', '3', 1, 3)]),
    ]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'rejected', 'fulfilled']);
    expect((results[1] as PromiseRejectedResult).reason).toBeInstanceOf(StateInconsistencyError);
    expect(
      Object.keys(b.state.runs.r1!.tasks).map((id) => b.state.runs.r1!.tasks[id]!.attempts.length),
    ).toEqual([1, 0, 1]);
  });
});
