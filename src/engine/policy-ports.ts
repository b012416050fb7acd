import { randomUUID } from 'node:crypto';
import { setTimeout as delay } from 'node:timers/promises';
import type { QuantumwalaConfig } from '../config/index.js';
import { decideRetry } from '../exec/retry-policy.js';
import type { RunPorts } from './run-loop.js';

/**
 * The parts of the run loop's ports that are policy, the same in every mode: the first attempt's
 * plan (timeout by whether the task names an agent, the configured model), the retry decision, the
 * clock, ids and abortable sleep.
 */
export function policyPorts(
  config: QuantumwalaConfig,
): Pick<RunPorts, 'decideRetry' | 'firstPlan' | 'sleep' | 'now' | 'newId'> {
  const execution = config.execution;
  return {
    decideRetry: (task, outcome, plan) =>
      decideRetry({
        errorClass: outcome.errorClass ?? 'agent_failure',
        attempt: plan.attempt,
        config: execution,
        previousTimeoutSeconds: plan.timeoutSeconds,
        retryAfterMs: outcome.retryAfterMs,
        random: Math.random,
        currentModel: plan.model ?? execution.model,
        currentAgent: plan.agent ?? task.source.agent,
      }),
    firstPlan: (task) => ({
      attempt: 1,
      timeoutSeconds: task.source.agent ? execution.agent_timeout : execution.default_timeout,
      ...(execution.model ? { model: execution.model } : {}),
    }),
    sleep: (ms, signal) => delay(ms, undefined, { signal }),
    now: () => new Date(),
    newId: randomUUID,
  };
}
