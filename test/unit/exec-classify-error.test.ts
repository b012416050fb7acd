import { describe, expect, it } from 'vitest';
import { classifyAttempt, isFatalApiRetry, type AttemptOutcome } from '../../src/exec/classify-error.js';
import type { ApiRetry, StreamResult, StreamSummary } from '../../src/exec/stream-parser.js';
import type { ErrorClass } from '../../src/exec/error-class.js';

function summary(result?: Partial<StreamResult>, retries: Partial<ApiRetry>[] = []): StreamSummary {
  return {
    tools: [],
    assistantMessages: 0,
    apiRetries: retries.map((r, i) => ({
      attempt: i + 1,
      maxRetries: 2,
      retryDelayMs: 1000,
      errorStatus: null,
      error: 'unknown',
      ...r,
    })),
    toolUses: [],
    permissionDenials: [],
    events: 0,
    otherLines: 0,
    ...(result
      ? { result: { subtype: 'success', isError: false, apiErrorStatus: null, errors: [], ...result } }
      : {}),
  };
}

const base: AttemptOutcome = { exitCode: 0, signal: null, timedOut: false, interrupted: false, stderr: '' };
const failed = { exitCode: 1 };

const CASES: [string, Partial<AttemptOutcome>, ErrorClass | 'ok'][] = [
  ['success result, exit 0', { summary: summary({ result: 'done' }) }, 'ok'],
  [
    'success result, killed at the timeout while exiting',
    { exitCode: null, signal: 'SIGTERM', timedOut: true, summary: summary({}) },
    'ok',
  ],
  [
    'interrupted wins over everything',
    { interrupted: true, timedOut: true, summary: summary({}) },
    'interrupted',
  ],
  [
    'timed out, no result',
    { exitCode: null, signal: 'SIGKILL', timedOut: true, summary: summary() },
    'timeout',
  ],
  [
    'timed out while the CLI retried 529',
    {
      exitCode: null,
      signal: 'SIGTERM',
      timedOut: true,
      summary: summary(undefined, [{ errorStatus: 529 }]),
    },
    'timeout',
  ],
  [
    '401 api_retry (stopped by the runner)',
    { exitCode: null, signal: 'SIGTERM', summary: summary(undefined, [{ errorStatus: 401 }]) },
    'auth_error',
  ],
  ['403 api_retry', { ...failed, summary: summary(undefined, [{ errorStatus: 403 }]) }, 'auth_error'],
  [
    'result subtype success, is_error, 401',
    {
      ...failed,
      summary: summary({
        isError: true,
        apiErrorStatus: 401,
        result: 'Invalid API key · Fix external API key',
      }),
    },
    'auth_error',
  ],
  [
    'auth message without status',
    { ...failed, summary: summary({ isError: true, result: 'Not logged in · Please run /login' }) },
    'auth_error',
  ],
  ['auth message on stderr only', { ...failed, stderr: 'Invalid API key · Please run /login' }, 'auth_error'],
  [
    '429 after the CLI retries',
    {
      ...failed,
      summary: summary({ isError: true, apiErrorStatus: 429, result: 'API Error: 429' }, [
        { errorStatus: 429, retryDelayMs: 4000 },
      ]),
    },
    'rate_limited',
  ],
  [
    '529 after the CLI retries',
    {
      ...failed,
      summary: summary({ isError: true, apiErrorStatus: 529, result: 'Repeated 529 Overloaded errors' }),
    },
    'overloaded',
  ],
  [
    '500 after the CLI retries',
    { ...failed, summary: summary({ isError: true, apiErrorStatus: 500, result: 'API Error: 500' }) },
    'overloaded',
  ],
  [
    'CLI died while retrying 429',
    { exitCode: null, signal: 'SIGKILL', summary: summary(undefined, [{ errorStatus: 429 }]) },
    'rate_limited',
  ],
  [
    'budget subtype',
    { ...failed, summary: summary({ subtype: 'error_max_budget_usd', isError: true }) },
    'budget_exceeded',
  ],
  [
    'no credit',
    {
      ...failed,
      summary: summary({ isError: true, apiErrorStatus: 400, result: 'Credit balance is too low' }),
    },
    'budget_exceeded',
  ],
  [
    'max turns subtype',
    {
      ...failed,
      summary: summary({
        subtype: 'error_max_turns',
        isError: true,
        errors: ['Reached maximum number of turns (1)'],
      }),
    },
    'max_turns',
  ],
  [
    'prompt too long',
    { ...failed, summary: summary({ isError: true, apiErrorStatus: 400, result: 'Prompt is too long' }) },
    'context_error',
  ],
  [
    'context limit message',
    {
      ...failed,
      summary: summary({
        isError: true,
        apiErrorStatus: 400,
        result: 'input length and `max_tokens` exceed context limit: 190000 + 32000 > 200000',
      }),
    },
    'context_error',
  ],
  [
    '413',
    { ...failed, summary: summary({ isError: true, apiErrorStatus: 413, result: 'Request too large' }) },
    'context_error',
  ],
  [
    'error_during_execution',
    { ...failed, summary: summary({ subtype: 'error_during_execution', isError: true, errors: ['boom'] }) },
    'agent_failure',
  ],
  [
    'is_error without a known cause',
    { summary: summary({ isError: true, result: 'Task 3 failed: tool error' }) },
    'agent_failure',
  ],
  ['non-zero exit, no output', { exitCode: 3, stderr: 'something broke' }, 'agent_failure'],
  [
    'unknown agent',
    { exitCode: 1, stderr: "--agent 'nosuch' not found. Available agents: claude, Explore" },
    'agent_failure',
  ],
  ['exit 0 but no result line', { exitCode: 0, summary: summary() }, 'agent_failure'],
  ['killed by a signal nobody sent', { exitCode: null, signal: 'SIGKILL' }, 'agent_failure'],
];

describe('classifyAttempt', () => {
  it.each(CASES)('%s → %s', (_name, outcome, expected) => {
    const c = classifyAttempt({ ...base, ...outcome });
    if (expected === 'ok') expect(c).toEqual({ ok: true });
    else {
      expect(c).toMatchObject({ ok: false, errorClass: expected });
      if (!c.ok) expect(c.message.length).toBeGreaterThan(0);
    }
  });

  it('passes the last retry delay as the hint for rate limits', () => {
    const c = classifyAttempt({
      ...base,
      exitCode: 1,
      summary: summary({ isError: true, apiErrorStatus: 429 }, [{ errorStatus: 429, retryDelayMs: 4321.7 }]),
    });
    expect(c).toMatchObject({ errorClass: 'rate_limited', retryAfterMs: 4322 });
  });

  it('names the exit code and stderr for a plain failure', () => {
    const c = classifyAttempt({ ...base, exitCode: 3, stderr: 'fatal: nope\n' });
    expect(c).toMatchObject({ ok: false, errorClass: 'agent_failure' });
    if (!c.ok) expect(c.message).toContain('exit code 3');
    if (!c.ok) expect(c.message).toContain('fatal: nope');
  });

  it('treats only 401/403 api_retry events as fatal', () => {
    expect([401, 403, 429, 529, 500, null].map((s) => isFatalApiRetry({ errorStatus: s }))).toEqual([
      true,
      true,
      false,
      false,
      false,
      false,
    ]);
  });
});
