import si from 'systeminformation';
import { afterEach, describe, expect, it } from 'vitest';
import type { ResourceLimits } from '../../src/resources/hold-back-reason.js';
import { createResourceGuard, type Lease, type ResourceGuard } from '../../src/resources/resource-guard.js';
import { createSystemSampler, type SystemSample } from '../../src/resources/system-sampler.js';

// Real systeminformation readings, re-checked every 50 ms. Nothing here depends on how long a step takes:
// the test waits for the guard's own readings (onSample) rather than for the clock.
const LIMITS: ResourceLimits = {
  max_concurrent_tasks: 4,
  cpu_limit_percent: 100, // 100% switches the CPU check off
  memory_limit_percent: 100, // likewise for memory percent
  memory_reserve_mb: 0,
  task_memory_estimate_mb: 0,
  queue_timeout: 600,
  queue_max_length: 10,
  resource_check_interval: 0.05,
};

function realGuard(limits: Partial<ResourceLimits>) {
  const sampler = createSystemSampler({ intervalMs: 50 });
  const samples: SystemSample[] = [];
  const waiters: { count: number; resolve: () => void }[] = [];
  const guard = createResourceGuard({
    limits: { ...LIMITS, ...limits },
    sampler,
    onSample(sample) {
      samples.push(sample);
      for (const w of waiters.splice(0)) {
        if (samples.length >= w.count) w.resolve();
        else waiters.push(w);
      }
    },
  });
  /** Resolves once the guard has taken `count` readings in all. */
  const readings = (count: number) =>
    new Promise<void>((resolve) => {
      if (samples.length >= count) resolve();
      else waiters.push({ count, resolve });
    });
  return { guard, samples, readings };
}

function track<T>(promise: Promise<T>) {
  const state: { settled: boolean; value?: T } = { settled: false };
  void promise.then((value) => Object.assign(state, { settled: true, value }));
  return state;
}

let open: ResourceGuard | null = null;
afterEach(() => {
  open?.close();
  open = null;
});

describe('resource guard with the real system sampler', () => {
  it('holds a task back while memory use is over the limit, and admits it once the limit is raised', async () => {
    const mem = await si.mem();
    const usedPercent = ((mem.total - mem.available) / mem.total) * 100;
    const { guard, samples, readings } = realGuard({ memory_limit_percent: Math.floor(usedPercent / 2) });
    open = guard;

    const acquired = guard.acquire('mem-task');
    const state = track(acquired);
    await readings(3); // the first reading plus at least two re-checks
    expect(state.settled).toBe(false);
    expect(guard.stats().waitingNow).toBe(1);
    expect(guard.reason()).toMatch(/memory used \d+\.\d% ≥ limit \d+%/);
    expect(samples[0]?.memoryTotalMb).toBeGreaterThan(0);

    guard.setLimits({ memory_limit_percent: 100 });
    const lease: Lease = await acquired;
    expect(lease.taskKey).toBe('mem-task');
    expect(guard.stats()).toMatchObject({ running: 1, admitted: 1, waitingNow: 0 });
    expect(guard.stats().peakMemoryPercent).toBeGreaterThan(Math.floor(usedPercent / 2));
    lease.release();
  });

  it('holds a task back at cpu_limit_percent 0, and admits it once the limit is raised', async () => {
    const { guard, samples, readings } = realGuard({ cpu_limit_percent: 0 });
    open = guard;

    const acquired = guard.acquire('cpu-task');
    const state = track(acquired);
    await readings(3);
    expect(state.settled).toBe(false);
    expect(guard.reason()).toMatch(/cpu \d+\.\d% ≥ limit 0%/);
    for (const s of samples) {
      expect(s.cpuPercent).toBeGreaterThanOrEqual(0);
      expect(s.cpuPercent).toBeLessThanOrEqual(100);
    }

    guard.setLimits({ cpu_limit_percent: 100 });
    const lease = await acquired;
    expect(guard.stats().running).toBe(1);
    lease.release();
    expect(guard.stats().running).toBe(0);
  });
});
