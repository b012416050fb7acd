import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

const si = vi.hoisted(() => ({
  currentLoad: vi.fn(async () => ({ currentLoad: 0 })),
  mem: vi.fn(async () => ({ total: 8 * 1024 ** 3, free: 1024 ** 3, available: 6 * 1024 ** 3 })),
}));
vi.mock('systeminformation', () => ({ default: si }));

const { createSystemInfoReader, MIN_FIRST_CPU_WINDOW_MS } =
  await import('../../src/resources/system-info-reader.js');

describe('createSystemInfoReader', () => {
  beforeEach(() => {
    vi.useFakeTimers();
    si.currentLoad.mockClear();
    si.mem.mockClear();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('primes the CPU baseline at creation so the first reading covers a real window', async () => {
    // The priming call answers with the since-boot average; the reading after it with the window.
    si.currentLoad.mockResolvedValueOnce({ currentLoad: 3 }).mockResolvedValueOnce({ currentLoad: 57 });
    const read = createSystemInfoReader();
    expect(si.currentLoad).toHaveBeenCalledTimes(1);

    let result: Awaited<ReturnType<typeof read>> | undefined;
    void read().then((r) => (result = r));
    await vi.advanceTimersByTimeAsync(MIN_FIRST_CPU_WINDOW_MS - 1);
    expect(result).toBeUndefined();
    expect(si.currentLoad).toHaveBeenCalledTimes(1);

    await vi.advanceTimersByTimeAsync(1);
    expect(si.currentLoad).toHaveBeenCalledTimes(2);
    expect(result).toEqual({
      cpuPercent: 57,
      memoryTotalBytes: 8 * 1024 ** 3,
      memoryAvailableBytes: 6 * 1024 ** 3,
    });
  });

  it('waits only once: later readings go straight through', async () => {
    const read = createSystemInfoReader();
    await vi.advanceTimersByTimeAsync(MIN_FIRST_CPU_WINDOW_MS);
    await read();
    si.currentLoad.mockResolvedValueOnce({ currentLoad: 12 });
    let cpu: number | undefined;
    void read().then((r) => (cpu = r.cpuPercent));
    await vi.advanceTimersByTimeAsync(0);
    expect(cpu).toBe(12);
  });
});
