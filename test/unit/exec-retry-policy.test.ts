import { describe, expect, it } from 'vitest';
import { defaultConfig } from '../../src/config/config-schema.js';
import { backoffDelayMs, decideRetry, type RetryInput } from '../../src/exec/retry-policy.js';
import { ERROR_CLASSES } from '../../src/exec/error-class.js';

const config = {
  ...defaultConfig().execution,
  max_retries: 3,
  retry_base_delay_ms: 1000,
  retry_max_delay_ms: 10_000,
};
const withFallback = { ...config, fallback_model: 'sonnet', fallback_agent: 'general-purpose' };
const half = (): number => 0.5;
const one = (): number => 0.999999;

function decide(input: Partial<RetryInput> & Pick<RetryInput, 'errorClass'>) {
  return decideRetry({ attempt: 1, config, previousTimeoutSeconds: 600, random: half, ...input });
}

describe('decideRetry', () => {
  it.each([
    ['timeout', { retry: true, delayMs: 0, timeoutSeconds: 1200 }],
    ['rate_limited', { retry: true, delayMs: 500, timeoutSeconds: 600 }],
    ['overloaded', { retry: true, delayMs: 500, timeoutSeconds: 600 }],
    ['agent_failure', { retry: true, delayMs: 500, timeoutSeconds: 600 }],
    ['context_error', { retry: true, delayMs: 0, timeoutSeconds: 600 }],
    ['merge_conflict', { retry: true, delayMs: 0, timeoutSeconds: 600 }],
    ['max_turns', { retry: false }],
    ['auth_error', { retry: false }],
    ['budget_exceeded', { retry: false }],
    ['resource_exhaustion', { retry: false }],
    ['interrupted', { retry: false }],
    ['dependency_missing', { retry: false }],
    ['state_inconsistency', { retry: false }],
    ['hook_failed', { retry: false }],
  ] as const)('%s on the first attempt → %o', (errorClass, expected) => {
    const decision = decide({ errorClass });
    expect(decision).toMatchObject(expected);
    expect(decision.reason).toContain(errorClass);
  });

  it('covers every error class', () => {
    for (const errorClass of ERROR_CLASSES) expect(decide({ errorClass }).reason.length).toBeGreaterThan(0);
  });

  it('allows 1 + max_retries attempts', () => {
    expect([1, 2, 3, 4].map((attempt) => decide({ errorClass: 'agent_failure', attempt }).retry)).toEqual([
      true,
      true,
      true,
      false,
    ]);
    expect(
      decideRetry({
        errorClass: 'timeout',
        attempt: 1,
        config: { ...config, max_retries: 0 },
        previousTimeoutSeconds: 60,
        random: half,
      }),
    ).toMatchObject({ retry: false });
  });

  it('doubles the timeout on every timeout', () => {
    const second = decide({ errorClass: 'timeout', attempt: 2, previousTimeoutSeconds: 1200 });
    expect(second).toMatchObject({ retry: true, timeoutSeconds: 2400 });
  });

  it('backs off exponentially with full jitter, capped', () => {
    expect([1, 2, 3, 4, 5, 6].map((n) => backoffDelayMs(n, config, one))).toEqual([
      1000, 2000, 4000, 8000, 10_000, 10_000,
    ]);
    expect(backoffDelayMs(3, config, () => 0)).toBe(0);
    expect(backoffDelayMs(3, config, half)).toBe(2000);
    expect(backoffDelayMs(200, config, one)).toBe(10_000);
  });

  it('honours the retry hint when it is longer than the backoff', () => {
    expect(decide({ errorClass: 'rate_limited', retryAfterMs: 7000 })).toMatchObject({ delayMs: 7000 });
    expect(decide({ errorClass: 'overloaded', attempt: 3, retryAfterMs: 100, random: one })).toMatchObject({
      delayMs: 4000,
    });
  });

  it('falls back to the configured model and agent after an agent failure', () => {
    const first = decideRetry({
      errorClass: 'agent_failure',
      attempt: 1,
      config: withFallback,
      previousTimeoutSeconds: 600,
      random: half,
      currentAgent: 'spec-task-executor',
    });
    expect(first).toMatchObject({ retry: true, model: 'sonnet', agent: 'general-purpose' });
    // Already on the fallbacks: a plain retry.
    const again = decideRetry({
      errorClass: 'agent_failure',
      attempt: 2,
      config: withFallback,
      previousTimeoutSeconds: 600,
      random: half,
      currentModel: 'sonnet',
      currentAgent: 'general-purpose',
    });
    expect(again).toMatchObject({ retry: true });
    expect(again).not.toHaveProperty('model');
    expect(again).not.toHaveProperty('agent');
    // A task without an agent does not get one.
    const noAgent = decideRetry({
      errorClass: 'agent_failure',
      attempt: 1,
      config: withFallback,
      previousTimeoutSeconds: 600,
      random: half,
    });
    expect(noAgent).toMatchObject({ model: 'sonnet' });
    expect(noAgent).not.toHaveProperty('agent');
    // Nothing configured: a plain retry.
    expect(decide({ errorClass: 'agent_failure' })).not.toHaveProperty('model');
  });

  it('retries max_turns only with a fallback model not yet in use', () => {
    const input = {
      errorClass: 'max_turns' as const,
      attempt: 1,
      config: withFallback,
      previousTimeoutSeconds: 600,
      random: half,
    };
    expect(decideRetry(input)).toMatchObject({ retry: true, model: 'sonnet', delayMs: 0 });
    expect(decideRetry({ ...input, currentModel: 'sonnet' })).toMatchObject({ retry: false });
  });
});
