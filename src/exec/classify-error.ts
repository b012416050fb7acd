import type { ErrorClass } from './error-class.js';
import type { ApiRetry, StreamSummary } from './stream-parser.js';

export interface AttemptOutcome {
  /** Null when the process was killed by a signal. */
  exitCode: number | null | undefined;
  signal?: string | null | undefined;
  /** The attempt ran past its timeout and was killed. */
  timedOut: boolean;
  /** The run was cancelled (abort signal, Ctrl-C). */
  interrupted: boolean;
  summary?: StreamSummary | undefined;
  stderr: string;
}

export type AttemptClassification =
  | { ok: true }
  | {
      ok: false;
      errorClass: ErrorClass;
      message: string;
      /** For rate_limited/overloaded: the delay the CLI last meant to wait, as a hint for the retry. */
      retryAfterMs?: number;
    };

/**
 * Messages the CLI 2.1.197 prints for a prompt that does not fit (its bundled constants
 * `"Prompt is too long"`, the API's "input length and `max_tokens` exceed context limit" and
 * request_too_large / 413).
 */
const CONTEXT_PATTERNS = [
  /prompt is too long/i,
  /input length and `?max_tokens`? exceed context limit/i,
  /request_too_large|request too large|request exceeds the maximum allowed number of bytes/i,
  /context window (?:exhausted|exceeded)|exceeds? (?:the )?context window/i,
];
/** The CLI's authentication messages ("Invalid API key · Fix external API key", "Not logged in · Please run /login", …). */
const AUTH_PATTERNS = [
  /invalid api key/i,
  /not logged in/i,
  /please run \/login/i,
  /oauth token (?:revoked|has expired)/i,
  /authentication_error|authentication_failed|invalid x-api-key/i,
  /disabled organization|disabled api key authentication/i,
  /permission_error/i,
];
const BILLING_PATTERNS = [/credit balance is too low/i];
const RATE_PATTERNS = [/rate_limit_error|rate limit/i];
const OVERLOAD_PATTERNS = [/overloaded_error|repeated 529 overloaded/i];

function matches(text: string, patterns: readonly RegExp[]): boolean {
  return patterns.some((p) => p.test(text));
}

/** An api_retry the runner should not wait out: the CLI retries 401/403 too, but they will not heal. */
export function isFatalApiRetry(retry: Pick<ApiRetry, 'errorStatus'>): boolean {
  return retry.errorStatus === 401 || retry.errorStatus === 403;
}

function fail(errorClass: ErrorClass, message: string, retryAfterMs?: number): AttemptClassification {
  return retryAfterMs === undefined
    ? { ok: false, errorClass, message }
    : { ok: false, errorClass, message, retryAfterMs };
}

function tail(text: string, max = 400): string {
  const t = text.trim();
  return t.length > max ? `…${t.slice(-max)}` : t;
}

/** Classifies by HTTP status (result.api_error_status or the last api_retry's error_status). */
function byStatus(
  status: number | null,
  text: string,
  retryAfterMs?: number,
): AttemptClassification | undefined {
  if (status === 401 || status === 403)
    return fail('auth_error', `API authentication failed (HTTP ${status}): ${text}`);
  if (status === 429) return fail('rate_limited', `API rate limit (HTTP 429): ${text}`, retryAfterMs);
  if (status === 413) return fail('context_error', `request too large (HTTP 413): ${text}`);
  if (status === 529 || (status !== null && status >= 500)) {
    return fail(
      'overloaded',
      `API overloaded or failing (HTTP ${status}) after the CLI's own retries: ${text}`,
      retryAfterMs,
    );
  }
  return undefined;
}

/** Classifies an error text (the result's text and errors, or stderr). */
function byText(text: string): AttemptClassification | undefined {
  if (matches(text, CONTEXT_PATTERNS))
    return fail('context_error', `the prompt does not fit the context: ${tail(text)}`);
  if (matches(text, BILLING_PATTERNS))
    return fail('budget_exceeded', `the API account has no credit: ${tail(text)}`);
  if (matches(text, AUTH_PATTERNS)) return fail('auth_error', `authentication failed: ${tail(text)}`);
  if (matches(text, RATE_PATTERNS)) return fail('rate_limited', `rate limited: ${tail(text)}`);
  if (matches(text, OVERLOAD_PATTERNS)) return fail('overloaded', `API overloaded: ${tail(text)}`);
  return undefined;
}

/**
 * Why an attempt failed, or that it succeeded. The result line decides when there is one
 * (`is_error` and `api_error_status`, not `subtype`: an API failure ends with subtype "success",
 * is_error true and api_error_status 401); else the api_retry lines, stderr and the exit status.
 */
export function classifyAttempt(outcome: AttemptOutcome): AttemptClassification {
  const { summary, stderr } = outcome;
  if (outcome.interrupted) return fail('interrupted', 'the run was interrupted');

  const retries = summary?.apiRetries ?? [];
  const lastRetry = retries[retries.length - 1];
  const retryAfterMs = lastRetry !== undefined ? Math.round(lastRetry.retryDelayMs) : undefined;
  const fatal = retries.find(isFatalApiRetry);
  if (fatal)
    return fail('auth_error', `API authentication failed (HTTP ${fatal.errorStatus}); stopped the session`);

  const result = summary?.result;
  // The work is done; a session that then hangs on exit (and is killed at the timeout) still succeeded.
  if (
    result &&
    !result.isError &&
    result.subtype === 'success' &&
    (outcome.exitCode === 0 || outcome.timedOut)
  ) {
    return { ok: true };
  }

  if (outcome.timedOut) {
    const waiting = lastRetry ? ` (last API error: HTTP ${lastRetry.errorStatus ?? 'connection'})` : '';
    return fail('timeout', `the session ran past its timeout and was stopped${waiting}`);
  }

  if (result) {
    const text = [result.result ?? '', ...result.errors].join('\n').trim();
    if (result.subtype === 'error_max_budget_usd')
      return fail('budget_exceeded', `task budget exceeded: ${text || 'error_max_budget_usd'}`);
    if (result.subtype === 'error_max_turns')
      return fail('max_turns', text || 'reached the maximum number of turns');
    if (result.isError) {
      return (
        byStatus(result.apiErrorStatus, text || `API error ${result.apiErrorStatus}`, retryAfterMs) ??
        byText(text) ??
        fail('agent_failure', `the session failed (${result.subtype}): ${tail(text) || 'no message'}`)
      );
    }
  }

  const status = outcome.signal
    ? `killed by ${outcome.signal}`
    : `exit code ${outcome.exitCode ?? 'unknown'}`;
  if (lastRetry && !result) {
    const classified = byStatus(
      lastRetry.errorStatus,
      `the CLI stopped while retrying (${status})`,
      retryAfterMs,
    );
    if (classified) return classified;
  }
  const fromStderr = byText(stderr);
  if (fromStderr) return fromStderr;
  const why = result ? 'a non-zero exit after a successful result' : 'no result line';
  return fail(
    'agent_failure',
    `the CLI failed (${status}, ${why})${stderr.trim() ? `: ${tail(stderr)}` : ''}`,
  );
}
