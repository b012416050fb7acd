import { isoMs } from './iso-time.js';
import type { AttemptRecord } from './state-schema.js';

export interface Interval {
  start: number;
  end: number;
}

/**
 * When an attempt was running. An attempt known only from attempt_finished started `duration_ms`
 * before it finished; one still open ends when its run ended, or never if the run is still going.
 */
export function attemptInterval(attempt: AttemptRecord, runFinishedAt: string | null): Interval | null {
  const finished = attempt.finished_at === null ? null : isoMs(attempt.finished_at);
  let start: number;
  if (attempt.started_at !== null) start = isoMs(attempt.started_at);
  else if (finished !== null) start = finished - (attempt.duration_ms ?? 0);
  else return null;
  const end = finished ?? (runFinishedAt === null ? Infinity : isoMs(runFinishedAt));
  // A zero-length (or clock-skewed) attempt still ran, briefly.
  return { start, end: Math.max(end, start + 1) };
}

/** The largest number of intervals open at one instant; one ending as another starts do not overlap. */
export function peakOverlap(intervals: readonly Interval[]): number {
  const points: [number, number][] = [];
  for (const { start, end } of intervals) points.push([start, 1], [end, -1]);
  points.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  let open = 0;
  let peak = 0;
  for (const [, delta] of points) {
    open += delta;
    peak = Math.max(peak, open);
  }
  return peak;
}
