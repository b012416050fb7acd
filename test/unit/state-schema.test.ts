import { describe, expect, it } from 'vitest';
import { emptyState, parseState, StateParseError } from '../../src/state/state-schema.js';

const start = '2025-01-01T00:00:00.000Z';

describe('parseState', () => {
  it('accepts an empty state and returns it', () => {
    const state = emptyState('s1', start);
    expect(parseState(JSON.parse(JSON.stringify(state)))).toEqual(state);
    expect(state).toMatchObject({ version: 1, session: { id: 's1', started_at: start, last_run_id: null } });
  });

  it('names every problem in an invalid state', () => {
    const bad = { ...emptyState('s1', start), session: { id: '', started_at: 'yesterday' }, errors: 3 };
    const error = (() => {
      try {
        parseState(bad);
      } catch (err) {
        return err as Error;
      }
      throw new Error('expected parseState to throw');
    })();
    expect(error).toBeInstanceOf(StateParseError);
    expect(error.message).toMatch(/^invalid state:/);
    expect(error.message).toMatch(/session\.started_at/);
    expect(error.message).toMatch(/errors/);
  });

  it('refuses another version, and things that are not a state at all', () => {
    expect(() => parseState({ ...emptyState('s1', start), version: 2 })).toThrow(
      'unsupported state version 2 (this build reads version 1)',
    );
    expect(() => parseState(null)).toThrow(StateParseError);
    expect(() => parseState('{}')).toThrow(/invalid state/);
  });
});
