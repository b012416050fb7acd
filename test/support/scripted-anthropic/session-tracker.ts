/** Session tracking (for stats.maxConcurrentSessions). */
import type { ServerStats } from './types.js';

type SessionState = 'active' | 'finished';

export class SessionTracker {
  private readonly states = new Map<string, SessionState>();
  private readonly failures = new Map<string, number>();

  constructor(
    private readonly stats: ServerStats,
    private readonly clientMaxRetries: number,
  ) {}

  /** A request arrived: the session is (again) active. */
  begin(key: string): void {
    const state = this.states.get(key);
    if (state === 'active') return;
    if (state === undefined) this.stats.sessionsStarted += 1;
    else this.stats.sessionsFinished -= 1; // a request after an error we took as final: not final
    this.states.set(key, 'active');
    const active = [...this.states.values()].filter((s) => s === 'active').length;
    this.stats.maxConcurrentSessions = Math.max(this.stats.maxConcurrentSessions, active);
  }

  /** A reply that needs no further call (end_turn). */
  succeeded(key: string): void {
    this.failures.delete(key);
    this.finish(key);
  }

  /** A reply that the CLI answers with another call (tool_use). */
  continued(key: string): void {
    this.failures.delete(key);
  }

  /** An error answer: final when the CLI won't retry it (by status, or retries used up). */
  failed(key: string, status: number): void {
    const count = (this.failures.get(key) ?? 0) + 1;
    this.failures.set(key, count);
    if (!isRetriedStatus(status) || count > this.clientMaxRetries) this.finish(key);
  }

  /** The client went away without an answer (e.g. a hang it gave up on). */
  abandoned(key: string): void {
    this.finish(key);
  }

  private finish(key: string): void {
    if (this.states.get(key) !== 'active') return;
    this.states.set(key, 'finished');
    this.stats.sessionsFinished += 1;
  }
}

function isRetriedStatus(status: number): boolean {
  return status === 401 || status === 408 || status === 409 || status === 429 || status >= 500;
}
