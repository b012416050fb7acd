import { describe, expect, it, vi } from 'vitest';
import { isAbortError } from '../../src/resources/abort-error.js';
import { ResourceExhaustionError } from '../../src/resources/resource-exhaustion-error.js';
import type { SystemSample } from '../../src/resources/system-sampler.js';
import { flush, setup, track, useFakeTimersEachTest } from '../support/resources-fixture.js';

useFakeTimersEachTest();

describe('createResourceGuard: queue, sampling and stats', () => {
  it('rejects at once when the queue is full', async () => {
    const { machine, guard } = setup({ queue_max_length: 2, max_concurrent_tasks: 1 });
    const running = track(guard.acquire('running'));
    await flush();
    expect(running.status).toBe('fulfilled');
    machine.cpuPercent = 99;
    const a = track(guard.acquire('a'));
    const b = track(guard.acquire('b'));
    const c = track(guard.acquire('c'));
    await flush();
    expect([a.status, b.status]).toEqual(['pending', 'pending']);
    expect(c.status).toBe('rejected');
    expect(c.error).toBeInstanceOf(ResourceExhaustionError);
    const error = c.error as ResourceExhaustionError;
    expect(error.errorClass).toBe('resource_exhaustion');
    expect(error.kind).toBe('queue_full');
    expect(error.taskKey).toBe('c');
    expect(error.message).toBe('resource queue is full: 2 tasks waiting (queue_max_length 2)');
    expect(guard.stats()).toMatchObject({ rejected: 1, waitingNow: 2 });
  });

  it('fails a waiter after queue_timeout, naming the limit and the last reading', async () => {
    const { machine, guard } = setup();
    machine.totalMb = 10_000;
    machine.availableMb = 880; // 91.2% used
    const a = track(guard.acquire('a'));
    await vi.advanceTimersByTimeAsync(599_999);
    expect(a.status).toBe('pending');
    await vi.advanceTimersByTimeAsync(1);
    expect(a.status).toBe('rejected');
    const error = a.error as ResourceExhaustionError;
    expect(error).toBeInstanceOf(ResourceExhaustionError);
    expect(error.errorClass).toBe('resource_exhaustion');
    expect(error.kind).toBe('queue_timeout');
    expect(error.message).toBe(
      'waited 600 s for resources: memory used 91.2% ≥ limit 75% (available 880 MB, reserve 1024 MB + estimate 512 MB)',
    );
    expect(error.lastSample?.memoryAvailableMb).toBe(880);
    expect(guard.stats()).toMatchObject({ rejected: 1, waitingNow: 0, admitted: 0 });
  });

  it('says a timed-out waiter was behind others, and why the head was held', async () => {
    const { machine, guard } = setup({ queue_timeout: 5 });
    machine.cpuPercent = 90;
    const a = track(guard.acquire('a'));
    await vi.advanceTimersByTimeAsync(2000);
    const b = track(guard.acquire('b'));
    await vi.advanceTimersByTimeAsync(3000);
    expect(a.status).toBe('rejected');
    expect(b.status).toBe('pending');
    await vi.advanceTimersByTimeAsync(2000);
    expect((b.error as Error).message).toBe('waited 5 s for resources: cpu 90.0% ≥ limit 80%');
    const c = track(guard.acquire('c'));
    const d = track(guard.acquire('d'));
    await vi.advanceTimersByTimeAsync(1000);
    expect(guard.reason()).toBe('2 waiting: cpu 90.0% ≥ limit 80%');
    await vi.advanceTimersByTimeAsync(4000);
    expect(c.status).toBe('rejected');
    expect(d.status).toBe('rejected');
    expect((d.error as Error).message).toMatch(
      /^waited 5 s for resources: (1 earlier task still waiting \()?cpu/,
    );
  });

  it('rejects an aborted waiter with an AbortError and removes it from the queue', async () => {
    const { machine, guard } = setup();
    machine.cpuPercent = 99;
    const controller = new AbortController();
    const a = track(guard.acquire('a', { signal: controller.signal }));
    await flush();
    expect(guard.stats().waitingNow).toBe(1);
    controller.abort();
    await flush();
    expect(a.status).toBe('rejected');
    expect(isAbortError(a.error)).toBe(true);
    expect(guard.stats()).toMatchObject({ waitingNow: 0, aborted: 1, rejected: 0 });

    const late = track(guard.acquire('late', { signal: controller.signal }));
    await flush();
    expect(late.status).toBe('rejected');
    expect(isAbortError(late.error)).toBe(true);
    expect(guard.stats().waitingNow).toBe(0);
  });

  it('records peaks and reports each new reading with the running count', async () => {
    const onSample = vi.fn<(sample: SystemSample, running: number) => void>();
    const { machine, guard } = setup({}, { onSample });
    machine.cpuPercent = 30;
    const a = track(guard.acquire('a'));
    await flush();
    machine.cpuPercent = 70;
    machine.availableMb = 6_000; // 62.5% used
    await vi.advanceTimersByTimeAsync(1000); // the guard samples while a task runs
    machine.cpuPercent = 50;
    machine.availableMb = 10_000;
    await vi.advanceTimersByTimeAsync(1000);
    expect(onSample.mock.calls.map(([s, running]) => [s.cpuPercent, running])).toEqual([
      [30, 0],
      [70, 1],
      [50, 1],
    ]);
    expect(guard.stats()).toMatchObject({
      running: 1,
      peakRunning: 1,
      peakCpuPercent: 70,
      peakMemoryPercent: 62.5,
      lastSample: expect.objectContaining({ cpuPercent: 50 }),
    });
    a.value?.release();
  });

  it('reads the machine at most once per interval under 20 concurrent acquire() calls', async () => {
    // queue_max_length 10 < 20: callers that free slots can take at once do not count as queued.
    const { read, guard } = setup({ max_concurrent_tasks: 20, queue_max_length: 10 });
    const all = Array.from({ length: 20 }, (_, i) => track(guard.acquire(`t${i}`, { estimateMb: 1 })));
    await flush();
    expect(all.every((s) => s.status === 'fulfilled')).toBe(true);
    expect(read).toHaveBeenCalledTimes(1);
    expect(guard.stats().peakRunning).toBe(20);
  });

  it('keeps to one reading per interval while 20 held-back waiters re-check', async () => {
    const { machine, read, guard } = setup({ max_concurrent_tasks: 20, queue_max_length: 20 });
    machine.cpuPercent = 99;
    const all = Array.from({ length: 20 }, (_, i) => track(guard.acquire(`t${i}`)));
    await flush();
    expect(read).toHaveBeenCalledTimes(1);
    await vi.advanceTimersByTimeAsync(5000);
    expect(read).toHaveBeenCalledTimes(6); // one per 1 s check, however many wait
    expect(all.every((s) => s.status === 'pending')).toBe(true);
    machine.cpuPercent = 1;
    await vi.advanceTimersByTimeAsync(1000);
    expect(all.every((s) => s.status === 'fulfilled')).toBe(true);
    expect(read).toHaveBeenCalledTimes(7);
  });

  it('close() rejects waiters and stops re-checking', async () => {
    const { machine, read, guard } = setup();
    machine.cpuPercent = 99;
    const a = track(guard.acquire('a'));
    await flush();
    guard.close();
    await flush();
    expect(isAbortError(a.error)).toBe(true);
    const reads = read.mock.calls.length;
    await vi.advanceTimersByTimeAsync(10_000);
    expect(read.mock.calls.length).toBe(reads);
    expect(vi.getTimerCount()).toBe(0);
  });
});
