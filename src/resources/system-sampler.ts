import { createSystemInfoReader, type SystemReader, type SystemReading } from './system-info-reader.js';

/** The machine at one moment, as the resource guard sees it. */
export interface SystemSample {
  /** When the reading completed (ms since the epoch). */
  at: number;
  /** Busy share of all CPUs, 0-100. */
  cpuPercent: number;
  /** (total - available) / total, 0-100. */
  memoryUsedPercent: number;
  memoryAvailableMb: number;
  memoryTotalMb: number;
}

export interface SystemSampler {
  /**
   * The latest reading, taking a new one only if the previous one started at least `intervalMs`
   * ago. Callers arriving while a reading is in flight share it. A failed reading rejects everyone
   * who shared it; the next call tries again.
   */
  sample(): Promise<SystemSample>;
}

export interface SystemSamplerOptions {
  /** Minimum time between the starts of two readings. */
  intervalMs: number;
  /** Where readings come from; defaults to systeminformation (see createSystemInfoReader). */
  read?: SystemReader;
  /** Clock, ms since the epoch; defaults to Date.now. */
  now?: () => number;
}

const BYTES_PER_MB = 1024 * 1024;

export function toSample(reading: SystemReading, at: number): SystemSample {
  const total = reading.memoryTotalBytes;
  const available = Math.min(Math.max(reading.memoryAvailableBytes, 0), total);
  return {
    at,
    cpuPercent: clampPercent(reading.cpuPercent),
    memoryUsedPercent: total > 0 ? clampPercent(((total - available) / total) * 100) : 0,
    memoryAvailableMb: available / BYTES_PER_MB,
    memoryTotalMb: total / BYTES_PER_MB,
  };
}

function clampPercent(value: number): number {
  return Number.isFinite(value) ? Math.min(Math.max(value, 0), 100) : 0;
}

export function createSystemSampler(options: SystemSamplerOptions): SystemSampler {
  const read = options.read ?? createSystemInfoReader();
  const now = options.now ?? (() => Date.now());
  let current: Promise<SystemSample> | null = null;
  let inFlight = false;
  let startedAt = -Infinity;

  return {
    sample() {
      // A slow reading is shared even past the interval: never two readings at once.
      if (current !== null && (inFlight || now() - startedAt < options.intervalMs)) return current;
      startedAt = now();
      inFlight = true;
      const pending = Promise.resolve()
        .then(read)
        .then((reading) => toSample(reading, now()))
        .finally(() => {
          inFlight = false;
        });
      current = pending;
      // A failure is shared with everyone already waiting, then forgotten so the next caller retries.
      pending.catch(() => {
        if (current === pending) current = null;
      });
      return pending;
    },
  };
}
