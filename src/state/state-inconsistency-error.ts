import type { StateEvent } from './events.js';

/**
 * An event that cannot apply to the state it meets: one for a run that was never started, or for a
 * task that run does not have. Writers always record run_started first, so this is a bug (or a
 * damaged history), never a race.
 */
export class StateInconsistencyError extends Error {
  readonly event: StateEvent;

  constructor(message: string, event: StateEvent) {
    super(message);
    this.name = 'StateInconsistencyError';
    this.event = event;
  }
}
