import si from 'systeminformation';

/** One raw reading of the machine, before the sampler turns it into percentages and megabytes. */
export interface SystemReading {
  /** Busy share of all CPUs, 0-100, over the time since the previous reading. */
  cpuPercent: number;
  memoryTotalBytes: number;
  /** What the kernel could hand to a new process (page cache included), not just `free`. */
  memoryAvailableBytes: number;
}

export type SystemReader = () => Promise<SystemReading>;

/**
 * The shortest window the first CPU reading may cover. systeminformation answers calls less than
 * 200 ms apart with its previous result, so anything shorter would just repeat the priming value.
 */
export const MIN_FIRST_CPU_WINDOW_MS = 250;

/**
 * Reads the machine through systeminformation.
 *
 * si.currentLoad() reports the CPU time spent since its previous call, and the module starts from
 * zero, so its very first answer is the average since boot — meaningless for "is the machine busy
 * now". So the reader primes it once when it is created (a call whose answer is thrown away) and,
 * if the first real reading comes sooner than MIN_FIRST_CPU_WINDOW_MS after that, waits out the rest
 * of that window once. Every later reading covers the time since the one before it, which is what a
 * sampler polling every resource_check_interval wants. (The baseline is module-wide: any other caller
 * of si.currentLoad() in the process shortens the window, which only makes a reading more recent.)
 */
export function createSystemInfoReader(): SystemReader {
  const primedAt = Date.now();
  let primed: Promise<void> | null = si.currentLoad().then(
    () => undefined,
    () => undefined, // A failing prime is not fatal: the first reading will then fail (or not) on its own.
  );

  return async () => {
    if (primed !== null) {
      await primed;
      const wait = primedAt + MIN_FIRST_CPU_WINDOW_MS - Date.now();
      if (wait > 0) await new Promise<void>((resolve) => setTimeout(resolve, wait));
      primed = null;
    }
    const [load, mem] = await Promise.all([si.currentLoad(), si.mem()]);
    return {
      cpuPercent: load.currentLoad,
      memoryTotalBytes: mem.total,
      memoryAvailableBytes: mem.available,
    };
  };
}
