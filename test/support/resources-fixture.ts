import { afterEach, beforeEach, vi } from 'vitest';
import { defaultConfig } from '../../src/config/index.js';
import type { ResourceLimits } from '../../src/resources/hold-back-reason.js';
import { createResourceGuard, type ResourceGuardOptions } from '../../src/resources/resource-guard.js';
import type { SystemReading } from '../../src/resources/system-info-reader.js';
import { createSystemSampler } from '../../src/resources/system-sampler.js';

const MB = 1024 * 1024;

/**
 * The default resource limits (4 tasks, cpu 80%, memory 75%, reserve 1024 MB, estimate 512 MB,
 * queue_timeout 600 s, 1 s checks; test/unit/config-schema.test.ts pins them) with a short queue.
 */
export const LIMITS: ResourceLimits = { ...defaultConfig().resources, queue_max_length: 10 };

/** A machine whose readings the test sets; the guard sees it through the real sampler (1 s interval). */
export function setup(limits: Partial<ResourceLimits> = {}, extra: Partial<ResourceGuardOptions> = {}) {
  const machine = { cpuPercent: 10, availableMb: 12_000, totalMb: 16_000 };
  const read = vi.fn(async (): Promise<SystemReading> => ({
    cpuPercent: machine.cpuPercent,
    memoryTotalBytes: machine.totalMb * MB,
    memoryAvailableBytes: machine.availableMb * MB,
  }));
  const sampler = createSystemSampler({ intervalMs: 1000, read });
  const guard = createResourceGuard({ limits: { ...LIMITS, ...limits }, sampler, ...extra });
  return { machine, read, guard };
}

/** Follows a promise without letting a rejection go unhandled. */
export function track<T>(promise: Promise<T>) {
  const state: { status: 'pending' | 'fulfilled' | 'rejected'; value?: T; error?: unknown } = {
    status: 'pending',
  };
  promise.then(
    (value) => Object.assign(state, { status: 'fulfilled', value }),
    (error: unknown) => Object.assign(state, { status: 'rejected', error }),
  );
  return state;
}

// Captured when this module loads, before any fake timers: one real macrotask turn drains every
// pending microtask.
const realSetImmediate = setImmediate;
export async function flush(): Promise<void> {
  await vi.advanceTimersByTimeAsync(0);
  await new Promise<void>((resolve) => realSetImmediate(resolve));
}

/** Runs every test of the calling file on fake timers. */
export function useFakeTimersEachTest(): void {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });
}
