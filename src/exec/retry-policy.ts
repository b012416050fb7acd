import type { ExecutionSettings } from './claude-args.js';
import type { ErrorClass } from './error-class.js';

export type RetrySettings = Pick<
  ExecutionSettings,
  'max_retries' | 'retry_base_delay_ms' | 'retry_max_delay_ms' | 'fallback_model' | 'fallback_agent'
>;

export interface RetryInput {
  errorClass: ErrorClass;
  /** The attempt that just failed, 1-based. A task gets 1 + max_retries attempts. */
  attempt: number;
  config: RetrySettings;
  /** The failed attempt's timeout. */
  previousTimeoutSeconds: number;
  /** The wait the API or CLI asked for (retry-after, the CLI's last retry_delay_ms). */
  retryAfterMs?: number | undefined;
  /** A number in [0, 1) for the jitter; pass Math.random in production, a constant in tests. */
  random: () => number;
  /** The model and agent the failed attempt used (to tell whether the fallback is already in use). */
  currentModel?: string | undefined;
  currentAgent?: string | undefined;
}

export type RetryDecision =
  | { retry: false; reason: string }
  | {
      retry: true;
      delayMs: number;
      timeoutSeconds: number;
      /** Set when the next attempt should use another model (execution.fallback_model). */
      model?: string;
      /** Set when the next attempt should use another agent (execution.fallback_agent). */
      agent?: string;
      reason: string;
    };

/** Exponential backoff with full jitter: random · min(max, base · 2^(attempt-1)). */
export function backoffDelayMs(attempt: number, config: RetrySettings, random: () => number): number {
  const exponent = Math.max(0, attempt - 1);
  const cap = Math.min(config.retry_max_delay_ms, config.retry_base_delay_ms * 2 ** Math.min(exponent, 30));
  const r = Math.min(Math.max(random(), 0), 1);
  return Math.round(cap * r);
}

const NEVER: Partial<Record<ErrorClass, string>> = {
  auth_error: 'authentication fails the same way every time: fix the API key or login',
  budget_exceeded: 'the budget is spent: raise execution.max_budget_usd or the account credit',
  resource_exhaustion: 'not retried here: the resource guard queues the task until resources free up',
  interrupted: 'the run was interrupted',
  dependency_missing: 'a dependency is missing: retrying cannot add it',
  state_inconsistency: 'the state is inconsistent: it needs repair, not a retry',
  hook_failed: 'a hook failed: fix the hook script',
};

/**
 * Whether and how to retry a failed attempt:
 * - timeout: retry with twice the timeout, no delay (the timeout was the wait);
 * - rate_limited, overloaded: back off, at least as long as the API asked (retry-after);
 * - agent_failure: back off, then switch to execution.fallback_model / fallback_agent when they are
 *   configured and not yet in use (the fallback agent only replaces an agent the task named), else
 *   a plain retry;
 * - context_error: retry at once (the engine reloads the spec and rebuilds the prompt);
 * - merge_conflict: retry at once (the engine rebases the task on the new tip);
 * - max_turns: retried only when a fallback model is configured and not yet in use (a stronger model
 *   may finish in fewer turns); otherwise the same limit would cut the same work off again;
 * - auth_error, budget_exceeded, resource_exhaustion (the guard queues), interrupted,
 *   dependency_missing, state_inconsistency, hook_failed: never.
 * At most execution.max_retries retries: attempt n may be retried while n ≤ max_retries.
 */
export function decideRetry(input: RetryInput): RetryDecision {
  const { errorClass, attempt, config, previousTimeoutSeconds, random } = input;
  const never = NEVER[errorClass];
  if (never !== undefined) return { retry: false, reason: `${errorClass}: ${never}` };
  if (attempt > config.max_retries) {
    return {
      retry: false,
      reason: `${errorClass}: gave up after ${attempt} attempt${attempt === 1 ? '' : 's'} (execution.max_retries = ${config.max_retries})`,
    };
  }
  const backoff = backoffDelayMs(attempt, config, random);
  const useFallbackModel =
    config.fallback_model !== undefined && config.fallback_model !== input.currentModel
      ? config.fallback_model
      : undefined;

  switch (errorClass) {
    case 'timeout':
      return {
        retry: true,
        delayMs: 0,
        timeoutSeconds: previousTimeoutSeconds * 2,
        reason: 'timeout: doubled the timeout',
      };
    case 'rate_limited':
    case 'overloaded': {
      const hint = Math.max(0, Math.round(input.retryAfterMs ?? 0));
      return {
        retry: true,
        delayMs: Math.max(hint, backoff),
        timeoutSeconds: previousTimeoutSeconds,
        reason: `${errorClass}: backing off`,
      };
    }
    case 'agent_failure': {
      const agent =
        input.currentAgent !== undefined &&
        config.fallback_agent !== undefined &&
        config.fallback_agent !== input.currentAgent
          ? config.fallback_agent
          : undefined;
      const fallback = [useFallbackModel && `model ${useFallbackModel}`, agent && `agent ${agent}`].filter(
        Boolean,
      );
      return {
        retry: true,
        delayMs: backoff,
        timeoutSeconds: previousTimeoutSeconds,
        ...(useFallbackModel !== undefined ? { model: useFallbackModel } : {}),
        ...(agent !== undefined ? { agent } : {}),
        reason: fallback.length
          ? `agent_failure: retrying with ${fallback.join(' and ')}`
          : 'agent_failure: retrying',
      };
    }
    case 'context_error':
      return {
        retry: true,
        delayMs: 0,
        timeoutSeconds: previousTimeoutSeconds,
        reason: 'context_error: retrying with a reloaded spec',
      };
    case 'merge_conflict':
      return {
        retry: true,
        delayMs: 0,
        timeoutSeconds: previousTimeoutSeconds,
        reason: 'merge_conflict: retrying on the new tip',
      };
    case 'max_turns':
      if (useFallbackModel === undefined) {
        return {
          retry: false,
          reason: 'max_turns: the turn limit would stop a retry the same way (raise execution.max_turns)',
        };
      }
      return {
        retry: true,
        delayMs: 0,
        timeoutSeconds: previousTimeoutSeconds,
        model: useFallbackModel,
        reason: `max_turns: retrying once with model ${useFallbackModel}`,
      };
    default:
      return { retry: false, reason: `${errorClass}: not retried` };
  }
}
