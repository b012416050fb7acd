import { AbortError } from './abort-error.js';
import { holdBackReasons, type HoldBack, type ResourceLimits } from './hold-back-reason.js';
import { ResourceExhaustionError } from './resource-exhaustion-error.js';
import type { SystemSample, SystemSampler } from './system-sampler.js';

export interface Lease {
  readonly taskKey: string;
  readonly estimateMb: number;
  /** When the task was admitted (guard clock, ms). */
  readonly admittedAt: number;
  /** Gives the slot back; calling it again does nothing. */
  release(): void;
}

export interface AcquireOptions {
  /** Memory the task is expected to need; defaults to resources.task_memory_estimate_mb. */
  estimateMb?: number;
  /** Aborting removes the waiter from the queue and rejects with an AbortError. */
  signal?: AbortSignal;
}

export interface ResourceGuardStats {
  running: number;
  peakRunning: number;
  peakCpuPercent: number;
  peakMemoryPercent: number;
  admitted: number;
  /** Queue full plus queue timeouts. */
  rejected: number;
  /** Waits given up through an AbortSignal or close(). */
  aborted: number;
  waitingNow: number;
  lastSample: SystemSample | null;
}

export interface ResourceGuard {
  /** Resolves once the task may start; FIFO among waiters. */
  acquire(taskKey: string, options?: AcquireOptions): Promise<Lease>;
  /** Changes some limits; waiters are re-checked at once. Timeouts already running keep their length. */
  setLimits(changes: Partial<ResourceLimits>): void;
  limits(): ResourceLimits;
  stats(): ResourceGuardStats;
  /** Why the first waiter is held back, from the last reading; null when nobody waits. */
  reason(): string | null;
  /** Stops the timers and rejects every waiter with an AbortError. Leases stay valid. */
  close(): void;
}

export interface ResourceGuardOptions {
  limits: ResourceLimits;
  sampler: SystemSampler;
  /** Called for each new reading the guard takes, with the number of tasks running then. */
  onSample?: (sample: SystemSample, running: number) => void;
  /**
   * Called when a reading (or onSample) fails; the guard goes on with its last reading, or with the
   * concurrency cap alone if it has none.
   */
  onSampleError?: (error: unknown) => void;
  /** Clock, ms; defaults to Date.now. Timers are the global ones (so vitest fake timers apply). */
  now?: () => number;
}

interface Waiter {
  taskKey: string;
  estimateMb: number;
  enqueuedAt: number;
  resolve: (lease: Lease) => void;
  reject: (error: Error) => void;
  timeout: ReturnType<typeof setTimeout>;
  cleanup: () => void;
}

export function createResourceGuard(options: ResourceGuardOptions): ResourceGuard {
  const now = options.now ?? (() => Date.now());
  let limits: ResourceLimits = { ...options.limits };
  const queue: Waiter[] = [];
  const leases = new Set<Lease>();
  let lastSample: SystemSample | null = null;
  let peakRunning = 0;
  let peakCpuPercent = 0;
  let peakMemoryPercent = 0;
  let admitted = 0;
  let rejected = 0;
  let aborted = 0;
  let closed = false;
  let pumping = false;
  let pumpAgain = false;
  let checkTimer: ReturnType<typeof setTimeout> | null = null;

  /** Estimates of running tasks admitted since `sample` was read, which it cannot reflect yet. */
  function unaccountedMb(sample: SystemSample | null): number {
    if (sample === null) return 0;
    let total = 0;
    for (const lease of leases) if (lease.admittedAt >= sample.at) total += lease.estimateMb;
    return total;
  }

  function reasonsFor(estimateMb: number): HoldBack[] {
    return holdBackReasons({
      limits,
      running: leases.size,
      sample: lastSample,
      estimateMb,
      unaccountedMb: unaccountedMb(lastSample),
    });
  }

  function describe(waiter: Waiter): string {
    const own = reasonsFor(waiter.estimateMb);
    const position = queue.indexOf(waiter);
    const ahead = position > 0 ? position : 0;
    if (ahead > 0) {
      const head = queue[0];
      const headReasons = head === undefined ? [] : reasonsFor(head.estimateMb);
      const why = (headReasons.length > 0 ? headReasons : own).map((r) => r.message).join('; ');
      return `${ahead} earlier ${ahead === 1 ? 'task' : 'tasks'} still waiting` + (why ? ` (${why})` : '');
    }
    if (own.length > 0) return own.map((r) => r.message).join('; ');
    return lastSample === null ? 'no resource reading yet' : 'resources freed just now, not yet re-checked';
  }

  async function takeSample(): Promise<void> {
    let sample: SystemSample;
    try {
      sample = await options.sampler.sample();
    } catch (error) {
      options.onSampleError?.(error);
      return;
    }
    if (sample === lastSample) return; // The sampler's cached reading: nothing new to record.
    lastSample = sample;
    peakCpuPercent = Math.max(peakCpuPercent, sample.cpuPercent);
    peakMemoryPercent = Math.max(peakMemoryPercent, sample.memoryUsedPercent);
    try {
      options.onSample?.(sample, leases.size);
    } catch (error) {
      options.onSampleError?.(error); // A failing listener must not stall admissions.
    }
  }

  function admit(waiter: Waiter): void {
    waiter.cleanup();
    let released = false;
    const lease: Lease = {
      taskKey: waiter.taskKey,
      estimateMb: waiter.estimateMb,
      admittedAt: now(),
      release() {
        if (released) return;
        released = true;
        leases.delete(lease);
        schedule();
      },
    };
    leases.add(lease);
    admitted++;
    peakRunning = Math.max(peakRunning, leases.size);
    waiter.resolve(lease);
  }

  /** Admits waiters from the head of the queue while the limits allow; one pass at a time. */
  async function pump(): Promise<void> {
    if (pumping) {
      pumpAgain = true;
      return;
    }
    pumping = true;
    try {
      do {
        pumpAgain = false;
        while (!closed && queue.length > 0 && leases.size < limits.max_concurrent_tasks) {
          await takeSample();
          const head = queue[0];
          if (head === undefined || closed) break; // It may have been aborted or timed out meanwhile.
          if (reasonsFor(head.estimateMb).length > 0) break; // Head of line: nobody overtakes it.
          queue.shift();
          admit(head);
        }
      } while (pumpAgain && !closed);
    } finally {
      pumping = false;
      armCheckTimer();
    }
  }

  function schedule(): void {
    void pump();
  }

  /**
   * Re-checks every resource_check_interval while anyone waits or runs (so the peaks and onSample
   * cover the whole run). Only waiters keep the process alive: the wait must not silently end.
   */
  function armCheckTimer(): void {
    if (closed || (queue.length === 0 && leases.size === 0)) {
      if (checkTimer !== null) clearTimeout(checkTimer);
      checkTimer = null;
      return;
    }
    // An armed timer keeps its cadence; only whether it holds the process open changes.
    checkTimer ??= setTimeout(() => {
      checkTimer = null;
      void takeSample().then(pump);
    }, limits.resource_check_interval * 1000);
    if (queue.length === 0) checkTimer.unref?.();
    else checkTimer.ref?.();
  }

  function remove(waiter: Waiter): void {
    const index = queue.indexOf(waiter);
    if (index >= 0) queue.splice(index, 1);
    waiter.cleanup();
    if (index === 0) schedule(); // The next waiter may fit where the old head did not.
  }

  return {
    acquire(taskKey, acquireOptions = {}) {
      const { signal } = acquireOptions;
      const estimateMb = acquireOptions.estimateMb ?? limits.task_memory_estimate_mb;
      if (closed) return Promise.reject(new AbortError('resource guard is closed'));
      if (signal?.aborted) {
        aborted++;
        return Promise.reject(
          new AbortError(`${taskKey}: aborted before acquiring resources`, signal.reason),
        );
      }
      // Waiters that free slots could take at once are not really queued: 20 simultaneous calls
      // with 20 slots free must not hit a queue_max_length of 10 before the first reading is back.
      const freeSlots = Math.max(0, limits.max_concurrent_tasks - leases.size);
      if (queue.length >= limits.queue_max_length + freeSlots) {
        rejected++;
        const message = `resource queue is full: ${queue.length} tasks waiting (queue_max_length ${limits.queue_max_length})`;
        return Promise.reject(new ResourceExhaustionError('queue_full', taskKey, message, lastSample));
      }
      return new Promise<Lease>((resolve, reject) => {
        const timeoutSeconds = limits.queue_timeout;
        const onAbort = () => {
          aborted++;
          remove(waiter);
          reject(new AbortError(`${taskKey}: aborted while waiting for resources`, signal?.reason));
        };
        const waiter: Waiter = {
          taskKey,
          estimateMb,
          enqueuedAt: now(),
          resolve,
          reject,
          timeout: setTimeout(() => {
            const message = `waited ${timeoutSeconds} s for resources: ${describe(waiter)}`;
            rejected++;
            remove(waiter);
            reject(new ResourceExhaustionError('queue_timeout', taskKey, message, lastSample));
          }, timeoutSeconds * 1000),
          cleanup: () => {
            clearTimeout(waiter.timeout);
            signal?.removeEventListener('abort', onAbort);
          },
        };
        signal?.addEventListener('abort', onAbort, { once: true });
        queue.push(waiter);
        schedule();
      });
    },

    setLimits(changes) {
      limits = { ...limits, ...changes };
      schedule();
    },

    limits: () => ({ ...limits }),

    stats: () => ({
      running: leases.size,
      peakRunning,
      peakCpuPercent,
      peakMemoryPercent,
      admitted,
      rejected,
      aborted,
      waitingNow: queue.length,
      lastSample,
    }),

    reason() {
      const head = queue[0];
      if (head === undefined) return null;
      const waiting = `${queue.length} waiting`;
      return `${waiting}: ${describe(head)}`;
    },

    close() {
      closed = true;
      if (checkTimer !== null) clearTimeout(checkTimer);
      checkTimer = null;
      for (const waiter of queue.splice(0)) {
        waiter.cleanup();
        aborted++;
        waiter.reject(new AbortError(`${waiter.taskKey}: resource guard closed while waiting`));
      }
    },
  };
}
