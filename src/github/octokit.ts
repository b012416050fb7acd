import { retry } from '@octokit/plugin-retry';
import { throttling } from '@octokit/plugin-throttling';
import { Octokit } from '@octokit/rest';

/** Where the client's messages go; it never receives the token or request headers. */
export interface OctokitLogger {
  debug: (message: string) => void;
  info: (message: string) => void;
  warn: (message: string) => void;
  error: (message: string) => void;
}

/** One HTTP request as sent (a retry by a plugin is another request). */
export interface SentRequest {
  method: string;
  /** The route template, e.g. "/repos/{owner}/{repo}/contents/{path}" (no query, no token). */
  route: string;
  /** 1 for the first try, 2 for the first retry, … */
  attempt: number;
}

type RequestListener = (request: SentRequest) => void;

/**
 * Counts every request the client sends. Registered before the retry and throttling plugins, its
 * hook is the innermost wrap around the request, so each retry those plugins make is counted too:
 * the count is what the API's rate limit is charged, not how many calls the code made.
 */
function requestCounter(octokit: Pick<Octokit, 'hook'>) {
  let count = 0;
  const listeners = new Set<RequestListener>();
  octokit.hook.wrap('request', async (request, options) => {
    count += 1;
    const attempt = (options.request.retryCount ?? 0) + 1;
    for (const listener of listeners) listener({ method: options.method, route: options.url, attempt });
    return request(options);
  });
  return {
    /** How many HTTP requests this client has sent, retries included. */
    requestCount: (): number => count,
    /** Calls `listener` for every request sent from now on; returns the unsubscribe. */
    onRequest: (listener: RequestListener): (() => void) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}

/** @octokit/rest with request counting, retries of 5xx answers, and GitHub's throttling rules. */
export const QuantumwalaOctokit = Octokit.plugin(requestCounter, retry, throttling);
export type GitHubClient = InstanceType<typeof QuantumwalaOctokit>;

/** What code that calls GitHub needs of a client: the REST methods (any @octokit/rest client, or Probot's). */
export type GitHubRestClient = Pick<Octokit, 'rest' | 'paginate'>;

/**
 * Never retried by the retry plugin. Its defaults plus 409 (a compare-and-swap that lost: repeating
 * it with the same expected sha can only fail again, the caller must re-read) and 429 (a rate
 * limit: the throttling plugin retries it after the `retry-after` GitHub sends).
 */
export const DO_NOT_RETRY = [400, 401, 403, 404, 409, 410, 422, 429, 451];

export interface CreateOctokitOptions {
  /** A token (GITHUB_TOKEN, an installation or personal token); anonymous without. */
  token?: string;
  /** Default https://api.github.com; GitHub Enterprise: https://HOST/api/v3. */
  baseUrl?: string;
  userAgent?: string;
  /** Default: warnings to the console, nothing else (every message is a string, never the token). */
  logger?: OctokitLogger;
  /** How many times a request over a (primary or secondary) rate limit is retried (default 3). */
  rateLimitRetries?: number;
  /** A rate limit asking to wait longer than this is not waited for: the request fails (default 3600). */
  maxRateLimitWaitSeconds?: number;
  /** How many times a 5xx answer (or a network error) is retried (default 3). */
  serverErrorRetries?: number;
  /**
   * Clients with the same id in one process share the throttling queues (one write at a time, a
   * second apart, as GitHub asks of a single client). Default "quantumwala".
   */
  throttleId?: string;
  /** Called for every HTTP request sent, retries included. */
  onRequest?: (request: SentRequest) => void;
}

// @octokit/rest logs each request's outcome itself (info, and error for every 4xx: an expected 404 or
// a lost compare-and-swap too), so by default only warnings (the rate-limit ones below) are shown.
const defaultLogger: OctokitLogger = {
  debug: () => undefined,
  info: () => undefined,
  warn: (message) => console.warn(message),
  error: () => undefined,
};

/**
 * Only the message goes to the logger: Octokit passes the request options (headers, so the token)
 * as a second argument to `log.debug`, which a console-like logger would print.
 */
function messagesOnly(logger: OctokitLogger): OctokitLogger {
  return {
    debug: (message) => logger.debug(String(message)),
    info: (message) => logger.info(String(message)),
    warn: (message) => logger.warn(String(message)),
    error: (message) => logger.error(String(message)),
  };
}

/**
 * A GitHub REST client that waits out rate limits (honouring `retry-after`; retried up to
 * `rateLimitRetries` times, each logged), retries server errors with backoff, spaces its writes as
 * GitHub's best practices ask, and counts every request (`requestCount()`, `onRequest`).
 */
export function createOctokit(options: CreateOctokitOptions = {}): GitHubClient {
  const log = messagesOnly(options.logger ?? defaultLogger);
  const rateLimitRetries = options.rateLimitRetries ?? 3;
  const maxWait = options.maxRateLimitWaitSeconds ?? 3600;
  const onLimit =
    (kind: string) =>
    (retryAfter: number, request: { method: string; url: string }, _octokit: unknown, retryCount: number) => {
      const what = `${kind} for ${request.method} ${request.url}`;
      if (retryCount >= rateLimitRetries) {
        log.warn(`GitHub ${what}; giving up after ${retryCount} retries`);
        return false;
      }
      if (retryAfter > maxWait) {
        log.warn(`GitHub ${what}; it asks to wait ${retryAfter}s, more than ${maxWait}s: not retrying`);
        return false;
      }
      log.warn(`GitHub ${what}; retry ${retryCount + 1}/${rateLimitRetries} in ${retryAfter}s`);
      return true;
    };
  const octokit = new QuantumwalaOctokit({
    ...(options.token ? { auth: options.token } : {}),
    ...(options.baseUrl ? { baseUrl: options.baseUrl.replace(/\/+$/, '') } : {}),
    userAgent: options.userAgent ?? 'quantumwala',
    log,
    // Not `request: { retries }`: a per-request retry count makes the plugin retry any failure at once,
    // the doNotRetry list ignored.
    retry: { doNotRetry: DO_NOT_RETRY, retries: options.serverErrorRetries ?? 3 },
    throttle: {
      id: options.throttleId ?? 'quantumwala',
      onRateLimit: onLimit('rate limit exceeded'),
      onSecondaryRateLimit: onLimit('secondary rate limit'),
    },
  });
  if (options.onRequest) octokit.onRequest(options.onRequest);
  return octokit;
}
