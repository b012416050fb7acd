import { describe, expect, it, vi } from 'vitest';
import { createResourceGuard, type Lease } from '../../src/resources/resource-guard.js';
import { flush, LIMITS, setup, track, useFakeTimersEachTest } from '../support/resources-fixture.js';

useFakeTimersEachTest();

describe('createResourceGuard: admission', () => {
  it('caps the number of running tasks and admits the next on release', async () => {
    const { guard } = setup({ max_concurrent_tasks: 2 });
    const a = track(guard.acquire('a'));
    const b = track(guard.acquire('b'));
    const c = track(guard.acquire('c'));
    await vi.advanceTimersByTimeAsync(5000);
    expect([a.status, b.status, c.status]).toEqual(['fulfilled', 'fulfilled', 'pending']);
    expect(guard.stats()).toMatchObject({ running: 2, waitingNow: 1 });
    expect(guard.reason()).toBe('1 waiting: 2 tasks running ≥ limit 2');

    a.value?.release();
    a.value?.release(); // A second release must not free a second slot.
    await flush();
    expect(c.status).toBe('fulfilled');
    expect(guard.stats()).toMatchObject({ running: 2, peakRunning: 2, admitted: 3, waitingNow: 0 });
    expect(guard.reason()).toBeNull();
  });

  it('holds a task back while CPU is over the limit and admits it when the reading clears', async () => {
    const { machine, read, guard } = setup();
    machine.cpuPercent = 95;
    const a = track(guard.acquire('a'));
    await flush();
    const readsBefore = read.mock.calls.length;
    await vi.advanceTimersByTimeAsync(3000);
    // It was re-checked on the timer, and is still held back.
    expect(read.mock.calls.length).toBeGreaterThanOrEqual(readsBefore + 2);
    expect(a.status).toBe('pending');
    expect(guard.reason()).toBe('1 waiting: cpu 95.0% ≥ limit 80%');

    machine.cpuPercent = 20;
    await vi.advanceTimersByTimeAsync(1000);
    expect(a.status).toBe('fulfilled');
  });

  it.each([
    [
      'memory use is over the limit',
      {
        totalMb: 16_000,
        availableMb: 2_000, // 87.5% used
        reason:
          '1 waiting: memory used 87.5% ≥ limit 75% (available 2000 MB, reserve 1024 MB + estimate 512 MB)',
        clearedAvailableMb: 8_000,
      },
    ],
    [
      'available memory is below reserve + estimate',
      {
        totalMb: 4096,
        availableMb: 1400, // 65.8% used: under the percent limit, but 1400 < 1024 + 512
        reason:
          '1 waiting: memory available 1400 MB < reserve 1024 MB + estimate 512 MB (used 65.8%, limit 75%)',
        clearedAvailableMb: 1600,
      },
    ],
  ] as const)(
    'holds a task back while %s',
    async (_when, { totalMb, availableMb, reason, clearedAvailableMb }) => {
      const { machine, guard } = setup();
      machine.totalMb = totalMb;
      machine.availableMb = availableMb;
      const a = track(guard.acquire('a'));
      await vi.advanceTimersByTimeAsync(3000);
      expect(a.status).toBe('pending');
      expect(guard.reason()).toBe(reason);
      machine.availableMb = clearedAvailableMb;
      await vi.advanceTimersByTimeAsync(1000);
      expect(a.status).toBe('fulfilled');
    },
  );

  it('uses the per-task estimate and counts tasks started since the last reading', async () => {
    const { machine, guard } = setup();
    machine.totalMb = 4000;
    machine.availableMb = 3000; // 25% used
    const small = track(guard.acquire('small', { estimateMb: 100 }));
    await flush();
    expect(small.status).toBe('fulfilled');
    // The reading does not show 'small' yet: 3000 - 100 < 1024 + 1900.
    const next = track(guard.acquire('next', { estimateMb: 1900 }));
    await flush();
    expect(next.status).toBe('pending');
    expect(guard.reason()).toContain('after 100 MB for tasks just started');
    await vi.advanceTimersByTimeAsync(1000); // A fresh reading now accounts for 'small' itself.
    expect(next.status).toBe('fulfilled');
  });

  it('admits waiters in FIFO order and never lets a later one overtake the head', async () => {
    const { machine, guard } = setup();
    machine.totalMb = 4000;
    machine.availableMb = 2000; // 50% used: room for 1024 + 976 more
    const order: string[] = [];
    const acquire = (key: string, estimateMb: number, signal?: AbortSignal) => {
      const p = guard.acquire(key, { estimateMb, signal });
      void p.then(() => order.push(key)).catch(() => undefined);
      return track(p);
    };
    const head = new AbortController();
    const a = acquire('a', 5000, head.signal); // does not fit
    const b = acquire('b', 100); // would fit, but waits behind 'a'
    const c = acquire('c', 100);
    await vi.advanceTimersByTimeAsync(3000);
    expect([a.status, b.status, c.status]).toEqual(['pending', 'pending', 'pending']);

    head.abort();
    await flush();
    expect(a.status).toBe('rejected');
    expect(order).toEqual(['b', 'c']);

    machine.cpuPercent = 99;
    await vi.advanceTimersByTimeAsync(1000); // until the guard has read the busy CPU
    const d = acquire('d', 100);
    const e = acquire('e', 100);
    const f = acquire('f', 100);
    await vi.advanceTimersByTimeAsync(2000);
    expect([d.status, e.status, f.status]).toEqual(['pending', 'pending', 'pending']);
    machine.cpuPercent = 10;
    await vi.advanceTimersByTimeAsync(1000);
    expect(order).toEqual(['b', 'c', 'd', 'e']); // max_concurrent_tasks 4
    b.value?.release();
    await flush();
    expect(order).toEqual(['b', 'c', 'd', 'e', 'f']);
  });

  it('admits waiters when setLimits() loosens a limit', async () => {
    const { guard } = setup({ max_concurrent_tasks: 1, cpu_limit_percent: 5 });
    const a = track(guard.acquire('a'));
    await vi.advanceTimersByTimeAsync(2000);
    expect(a.status).toBe('pending');
    guard.setLimits({ cpu_limit_percent: 50 });
    await flush();
    expect(a.status).toBe('fulfilled');
    const b = track(guard.acquire('b'));
    await flush();
    expect(b.status).toBe('pending');
    guard.setLimits({ max_concurrent_tasks: 2 });
    await flush();
    expect(b.status).toBe('fulfilled');
    expect(guard.limits().max_concurrent_tasks).toBe(2);
  });

  it('falls back to the concurrency cap when the machine cannot be read', async () => {
    const onSampleError = vi.fn();
    const sampler = { sample: vi.fn(() => Promise.reject(new Error('no /proc'))) };
    const guard = createResourceGuard({
      limits: { ...LIMITS, max_concurrent_tasks: 1 },
      sampler,
      onSampleError,
    });
    const a = track(guard.acquire('a'));
    const b = track(guard.acquire('b'));
    await flush();
    expect([a.status, b.status]).toEqual(['fulfilled', 'pending']);
    expect(onSampleError).toHaveBeenCalled();
    (a.value as Lease).release();
    await flush();
    expect(b.status).toBe('fulfilled');
  });
});
