import type { ErrorClass } from '../../src/exec/error-class.js';
import type { AttemptRecord, RunTask } from '../../src/state/state-schema.js';

export interface AttemptSpan {
  n: number;
  /** Epoch milliseconds. */
  start: number;
  /** Epoch milliseconds; `now` while the attempt runs. */
  end: number;
  /** True while the attempt has not finished. */
  running: boolean;
  outcome: AttemptRecord['outcome'];
}

export interface TaskSummary {
  attempts: number;
  durationMs: number | null;
  costUsd: number | null;
  errorClass: ErrorClass | null;
  message: string | null;
  spans: AttemptSpan[];
}

function parseTime(iso: string | null): number | null {
  if (iso === null) return null;
  const ms = Date.parse(iso);
  return Number.isNaN(ms) ? null : ms;
}

/** When an attempt ran (null until attempt_started arrived); a running attempt ends at `now`. */
export function attemptSpan(attempt: AttemptRecord, now: Date): AttemptSpan | null {
  const start = parseTime(attempt.started_at);
  if (start === null) return null;
  const finished = parseTime(attempt.finished_at);
  const running = finished === null && attempt.outcome === null;
  let end = finished ?? (attempt.duration_ms !== null ? start + attempt.duration_ms : now.getTime());
  if (running) end = Math.max(start, now.getTime());
  return { n: attempt.n, start, end: Math.max(start, end), running, outcome: attempt.outcome };
}

/** A task's attempts, time, cost and latest error, for the table and the timeline. */
export function summarizeTask(task: RunTask, now: Date): TaskSummary {
  const spans: AttemptSpan[] = [];
  let durationMs: number | null = null;
  let costUsd: number | null = null;
  for (const attempt of task.attempts) {
    const span = attemptSpan(attempt, now);
    if (span) spans.push(span);
    const ms = attempt.duration_ms ?? (span ? span.end - span.start : null);
    if (ms !== null) durationMs = (durationMs ?? 0) + ms;
    if (attempt.cost_usd !== null) costUsd = (costUsd ?? 0) + attempt.cost_usd;
  }
  const lastError = [...task.attempts].reverse().find((a) => a.error_class !== null || a.message !== null);
  return {
    attempts: task.attempts.length,
    durationMs,
    costUsd,
    errorClass: task.result?.error_class ?? lastError?.error_class ?? null,
    message: task.result?.message ?? lastError?.message ?? null,
    spans,
  };
}
