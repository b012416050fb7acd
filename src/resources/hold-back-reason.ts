import type { QuantumwalaConfig } from '../config/index.js';
import type { SystemSample } from './system-sampler.js';

/** The resources section of the config: what the guard enforces (times in seconds). */
export type ResourceLimits = QuantumwalaConfig['resources'];

export type HeldBackBy = 'concurrency' | 'cpu' | 'memory_percent' | 'memory_available';

export interface HoldBackInput {
  limits: ResourceLimits;
  running: number;
  /** Null when no reading could be taken yet: then only the concurrency cap applies. */
  sample: SystemSample | null;
  /** Memory this task is expected to need. */
  estimateMb: number;
  /** Estimates of tasks admitted after `sample` was taken, which it cannot show yet. */
  unaccountedMb: number;
}

export interface HoldBack {
  by: HeldBackBy;
  message: string;
}

/** Every limit that keeps a task from starting now; empty when it may start. */
export function holdBackReasons(input: HoldBackInput): HoldBack[] {
  const { limits, running, sample, estimateMb, unaccountedMb } = input;
  const reasons: HoldBack[] = [];
  if (running >= limits.max_concurrent_tasks) {
    reasons.push({
      by: 'concurrency',
      message: `${running} ${running === 1 ? 'task' : 'tasks'} running ≥ limit ${limits.max_concurrent_tasks}`,
    });
  }
  if (sample === null) return reasons;
  // A limit of 100% switches that check off: a busy machine reads exactly 100 and would never clear.
  if (limits.cpu_limit_percent < 100 && sample.cpuPercent >= limits.cpu_limit_percent) {
    reasons.push({
      by: 'cpu',
      message: `cpu ${pct(sample.cpuPercent)} ≥ limit ${limits.cpu_limit_percent}%`,
    });
  }
  const available = sample.memoryAvailableMb - unaccountedMb;
  const needed = limits.memory_reserve_mb + estimateMb;
  const memoryDetail =
    `available ${mb(available)}` +
    (unaccountedMb > 0 ? ` after ${mb(unaccountedMb)} for tasks just started` : '') +
    `, reserve ${mb(limits.memory_reserve_mb)} + estimate ${mb(estimateMb)}`;
  if (limits.memory_limit_percent < 100 && sample.memoryUsedPercent >= limits.memory_limit_percent) {
    reasons.push({
      by: 'memory_percent',
      message: `memory used ${pct(sample.memoryUsedPercent)} ≥ limit ${limits.memory_limit_percent}% (${memoryDetail})`,
    });
  } else if (available < needed) {
    const justStarted = unaccountedMb > 0 ? ` after ${mb(unaccountedMb)} for tasks just started` : '';
    reasons.push({
      by: 'memory_available',
      message:
        `memory available ${mb(available)}${justStarted} < reserve ${mb(limits.memory_reserve_mb)} + ` +
        `estimate ${mb(estimateMb)} (used ${pct(sample.memoryUsedPercent)}, limit ${limits.memory_limit_percent}%)`,
    });
  }
  return reasons;
}

function pct(value: number): string {
  return `${value.toFixed(1)}%`;
}

function mb(value: number): string {
  return `${Math.round(value)} MB`;
}
