import { describe, expect, it } from 'vitest';
import {
  EVENTS_TRAILER,
  formatStateCommitMessage,
  gitBlobSha,
  parseStateCommitMessage,
  serializeState,
} from '../../src/state/state-commit-message.js';
import { emptyState } from '../../src/state/state-schema.js';
import { attemptFinished, attemptStarted, runStarted } from '../support/state-events.js';

const events = [
  runStarted('r1', [{ id: '1' }]),
  attemptStarted('r1', '1', 1, 5),
  attemptFinished('r1', '1', 1, 9),
];

describe('state commit messages', () => {
  it('has a summary line, the events as JSON lines, and a trailer', () => {
    const message = formatStateCommitMessage(events);
    const lines = message.split('\n');
    expect(lines[0]).toBe('state: run_started r1 spec-a (1 tasks) (+2 more)');
    expect(lines[1]).toBe('');
    expect(lines.slice(2, 5).map((l) => JSON.parse(l) as unknown)).toEqual(events);
    expect(lines.slice(5)).toEqual(['', `${EVENTS_TRAILER}: 3`, '']);
    expect(parseStateCommitMessage(message)).toEqual({ events, skipped: 0 });
  });

  it('says so when there are no events (a repair)', () => {
    const message = formatStateCommitMessage([]);
    expect(message).toBe(`state: rebuilt from history\n\n${EVENTS_TRAILER}: 0\n`);
    expect(parseStateCommitMessage(message)).toEqual({ events: [], skipped: 0 });
  });

  it('a message without the trailer (the git store, by hand) carries no events', () => {
    expect(
      parseStateCommitMessage('state: attempt_started 1 #1\nstate: attempt_finished 1 #1 succeeded\n'),
    ).toBeNull();
  });

  it('counts lines that are not valid events as skipped', () => {
    const message = formatStateCommitMessage(events.slice(0, 1)).replace(
      '\n\n',
      '\n\n{"broken\n{"id":"x"}\n',
    );
    expect(parseStateCommitMessage(message)).toEqual({ events: events.slice(0, 1), skipped: 2 });
  });

  it('serializes state.json as the git store does, and names blobs as git does', () => {
    const state = emptyState('s', '2025-01-01T00:00:00.000Z');
    expect(serializeState(state)).toBe(`${JSON.stringify(state, null, 2)}\n`);
    expect(gitBlobSha('')).toBe('e69de29bb2d1d6434b8b29ae775ad8c2e48c5391');
    expect(gitBlobSha('hello\n')).toBe('ce013625030ba8dba906f756967f9e9ca394464a');
  });
});
