import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createSystemSampler, toSample } from '../../src/resources/system-sampler.js';
import type { SystemReading } from '../../src/resources/system-info-reader.js';

const MB = 1024 * 1024;

function reading(cpuPercent: number, availableMb = 4096, totalMb = 8192): SystemReading {
  return { cpuPercent, memoryTotalBytes: totalMb * MB, memoryAvailableBytes: availableMb * MB };
}

function deferred<T>() {
  let resolve!: (value: T) => void;
  let reject!: (error: Error) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

describe('toSample', () => {
  it('computes used memory from available, not free', () => {
    const s = toSample(reading(12.5, 2048, 8192), 42);
    expect(s).toEqual({
      at: 42,
      cpuPercent: 12.5,
      memoryUsedPercent: 75,
      memoryAvailableMb: 2048,
      memoryTotalMb: 8192,
    });
  });

  it('clamps nonsense readings', () => {
    const s = toSample({ cpuPercent: Number.NaN, memoryTotalBytes: 0, memoryAvailableBytes: 5 }, 0);
    expect(s.cpuPercent).toBe(0);
    expect(s.memoryUsedPercent).toBe(0);
    expect(toSample(reading(130), 0).cpuPercent).toBe(100);
  });
});

describe('createSystemSampler', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('shares one in-flight reading among 20 concurrent callers', async () => {
    const pending = deferred<SystemReading>();
    const read = vi.fn(() => pending.promise);
    const sampler = createSystemSampler({ intervalMs: 1000, read });
    const all = Promise.all(Array.from({ length: 20 }, () => sampler.sample()));
    await vi.advanceTimersByTimeAsync(0);
    expect(read).toHaveBeenCalledTimes(1);
    pending.resolve(reading(40));
    const samples = await all;
    expect(samples).toHaveLength(20);
    expect(new Set(samples).size).toBe(1);
    expect(samples[0]?.cpuPercent).toBe(40);
  });

  it('reads at most once per interval and again after it', async () => {
    let cpu = 10;
    const read = vi.fn(async () => reading(cpu));
    const sampler = createSystemSampler({ intervalMs: 1000, read });
    expect((await sampler.sample()).cpuPercent).toBe(10);
    cpu = 90;
    await vi.advanceTimersByTimeAsync(999);
    expect((await sampler.sample()).cpuPercent).toBe(10);
    expect(read).toHaveBeenCalledTimes(1);
    await vi.advanceTimersByTimeAsync(1);
    const fresh = await sampler.sample();
    expect(fresh.cpuPercent).toBe(90);
    expect(fresh.at).toBe(Date.now());
    expect(read).toHaveBeenCalledTimes(2);
  });

  it('never runs two readings at once, even when one outlasts the interval', async () => {
    const slow = deferred<SystemReading>();
    const read = vi.fn(() => slow.promise);
    const sampler = createSystemSampler({ intervalMs: 100, read });
    const first = sampler.sample();
    await vi.advanceTimersByTimeAsync(500);
    const second = sampler.sample();
    expect(read).toHaveBeenCalledTimes(1);
    slow.resolve(reading(5));
    expect(await second).toBe(await first);
  });

  it('rejects everyone sharing a failed reading, then tries again', async () => {
    const failing = deferred<SystemReading>();
    const read = vi.fn(() => failing.promise);
    const sampler = createSystemSampler({ intervalMs: 1000, read });
    const a = sampler.sample();
    const b = sampler.sample();
    failing.reject(new Error('no /proc'));
    await expect(a).rejects.toThrow('no /proc');
    await expect(b).rejects.toThrow('no /proc');
    read.mockImplementation(async () => reading(1));
    expect((await sampler.sample()).cpuPercent).toBe(1);
    expect(read).toHaveBeenCalledTimes(2);
  });
});
