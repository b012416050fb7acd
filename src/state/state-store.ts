import { stateEvent, type StateEvent } from './events.js';
import { applyEvents } from './reduce.js';
import type { UnifiedState } from './state-schema.js';

/**
 * Where the unified state lives: a git branch (createGitStateStore), later a GitHub branch through
 * the API. `version` names the stored revision (a commit id), null when nothing is stored yet.
 */
export interface StateStore {
  read(): Promise<{ state: UnifiedState; version: string | null }>;
  /** Applies the events to the newest stored state and stores the result; returns it. */
  append(events: StateEvent[]): Promise<UnifiedState>;
  /**
   * A decision recorded by compare-and-swap: `decide` sees the newest stored state and returns the
   * events to add; when the write loses a race it is asked again on the new tip. Returns the stored
   * state and the events this call wrote (none when `decide` found nothing left to do), so whoever
   * acts on a decision acts only on one it wrote itself.
   */
  update(decide: (state: UnifiedState) => readonly StateEvent[]): Promise<StateUpdate>;
}

export interface StateUpdate {
  state: UnifiedState;
  /** The events this update stored; empty when there was nothing to decide. */
  written: StateEvent[];
}

export interface RetryOptions {
  /** How many times to try the compare-and-swap before giving up (default 50). */
  maxAttempts?: number;
  /** The backoff before retry k is a random wait in [0, min(maxDelayMs, baseDelayMs·2^k)). */
  baseDelayMs?: number;
  maxDelayMs?: number;
  /** Called before each retry after a lost race; lets callers count them. */
  onRetry?: (info: { attempt: number; delayMs: number; reason: string }) => void;
}

export class StateConflictError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'StateConflictError';
  }
}

/** What a store backend does; appendWithRetry supplies the loop around it. */
export interface CasBackend {
  /** The newest state; `repaired` when it was rebuilt because the stored copy was unusable. */
  readTip(): Promise<{ state: UnifiedState; version: string | null; repaired: boolean }>;
  /** Stores `state` only if the tip is still `expected`; `ok: false` when someone else moved it. */
  write(
    state: UnifiedState,
    events: readonly StateEvent[],
    expected: string | null,
  ): Promise<{ ok: true; version: string } | { ok: false; reason: string }>;
  describe: string;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * read tip → apply → write if the tip has not moved → on a lost race, back off and start over.
 * `events` may be a function: it is asked again before each try, so a batch can grow while it waits.
 */
export async function appendWithRetry(
  backend: CasBackend,
  events: readonly StateEvent[] | (() => readonly StateEvent[]),
  options: RetryOptions = {},
): Promise<UnifiedState> {
  const batch = typeof events === 'function' ? events : () => events;
  return (await updateWithRetry(backend, () => batch(), options)).state;
}

/** read tip → decide → apply → write if the tip has not moved → on a lost race, back off and decide again. */
export async function updateWithRetry(
  backend: CasBackend,
  decide: (state: UnifiedState) => readonly StateEvent[],
  options: RetryOptions = {},
): Promise<StateUpdate> {
  const { maxAttempts = 50, baseDelayMs = 10, maxDelayMs = 1000, onRetry } = options;
  let lastReason = '';
  let count = 0;
  for (let attempt = 1; attempt <= maxAttempts; attempt++) {
    const tip = await backend.readTip();
    const checked = decide(tip.state).map((e) => stateEvent.parse(e));
    count = checked.length;
    const next = applyEvents(tip.state, checked);
    // Everything already applied (a retried append): nothing to write unless the copy needs repair.
    if (next === tip.state && !tip.repaired) return { state: next, written: [] };
    const result = await backend.write(next, checked, tip.version);
    if (result.ok) return { state: next, written: checked };
    lastReason = result.reason;
    if (attempt === maxAttempts) break;
    const delayMs = Math.floor(Math.random() * Math.min(maxDelayMs, baseDelayMs * 2 ** attempt));
    onRetry?.({ attempt, delayMs, reason: result.reason });
    await sleep(delayMs);
  }
  throw new StateConflictError(
    `gave up appending ${count} event(s) to ${backend.describe} after ${maxAttempts} attempts; ` +
      `it kept changing underneath (last: ${lastReason})`,
  );
}

/**
 * The append of a store: appends from one process go one at a time, and those made while one is
 * being written join it (before its next try) or go together in the next one, so a process never
 * races itself and busy writers make fewer, bigger commits. Each append's events are checked first,
 * so a malformed event fails only its own append; if a combined batch fails otherwise (an event the
 * state rejects), each append in it is tried alone.
 */
export function groupedAppend(
  backend: CasBackend,
  options: RetryOptions = {},
): (events: StateEvent[]) => Promise<UnifiedState> {
  type Pending = { events: StateEvent[]; resolve: (s: UnifiedState) => void; reject: (e: unknown) => void };
  const queue: Pending[] = [];
  let draining = false;

  async function drain(): Promise<void> {
    draining = true;
    // Let appends made in the same tick (a Promise.all over several) join the first batch.
    await Promise.resolve();
    while (queue.length > 0) {
      const group: Pending[] = [];
      const take = () => {
        group.push(...queue.splice(0));
        return group.flatMap((p) => p.events);
      };
      try {
        const state = await appendWithRetry(backend, take, options);
        for (const p of group) p.resolve(state);
      } catch (err) {
        // Alone, each append fails only for its own events; a conflict that never ends fails them all.
        if (group.length === 1 || err instanceof StateConflictError) for (const p of group) p.reject(err);
        else
          for (const p of group) await appendWithRetry(backend, p.events, options).then(p.resolve, p.reject);
      }
    }
    draining = false;
  }

  return (events) =>
    new Promise<UnifiedState>((resolve, reject) => {
      const parsed = events.map((e) => stateEvent.safeParse(e));
      const bad = parsed.find((p) => !p.success);
      if (bad?.error) return reject(bad.error);
      queue.push({ events: parsed.map((p) => p.data as StateEvent), resolve, reject });
      if (!draining) void drain();
    });
}
