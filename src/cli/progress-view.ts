import type { StateEvent } from '../state/events.js';

export interface ProgressView {
  onEvent(event: StateEvent): void;
  /** Stops redrawing; leaves the last frame (TTY) on screen. */
  close(): void;
}

interface Totals {
  total: number;
  done: number;
  failed: number;
  costUsd: number;
  running: Map<string, { attempt: number; since: number }>;
  titles: Map<string, string>;
}

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)}s`;
}

/**
 * Plain lines, one per event: for logs, CI and anything that is not a terminal.
 */
export function lineProgress(write: (line: string) => void, now: () => number = Date.now): ProgressView {
  const started = new Map<string, number>();
  const t0 = now();
  const stamp = (): string => `[${seconds(now() - t0).padStart(7)}]`;
  return {
    onEvent(e) {
      switch (e.type) {
        case 'run_started':
          write(
            `${stamp()} run ${e.runId}: ${e.spec}, ${e.tasks.length} task(s), up to ${e.maxConcurrent} at once, work branch ${e.workBranch}`,
          );
          break;
        case 'attempt_started':
          started.set(e.taskId, now());
          write(`${stamp()} ${e.taskId} started${e.attempt > 1 ? ` (attempt ${e.attempt})` : ''}`);
          break;
        case 'attempt_finished': {
          const cost = e.costUsd !== undefined ? `, $${e.costUsd.toFixed(4)}` : '';
          const denied = e.permissionDenials?.length
            ? ` (permission denied: ${e.permissionDenials.join('; ')})`
            : '';
          const turns = e.turns !== undefined ? `, ${e.turns} turns` : '';
          if (e.outcome === 'succeeded')
            write(`${stamp()} ${e.taskId} succeeded in ${seconds(e.durationMs)}${turns}${cost}${denied}`);
          else
            write(
              `${stamp()} ${e.taskId} ${e.outcome}: ${e.errorClass ?? 'error'}${e.message ? ` — ${e.message}` : ''}${cost}${denied}`,
            );
          break;
        }
        case 'task_finished':
          if (e.status === 'not_run') write(`${stamp()} ${e.taskId} not run: ${e.message ?? ''}`);
          else if (e.status !== 'succeeded')
            write(`${stamp()} ${e.taskId} gave up: ${e.errorClass ?? e.status}`);
          break;
        case 'run_finished':
          write(`${stamp()} run ${e.status}: ${e.message ?? ''}`);
          break;
        default:
          break;
      }
    },
    close() {},
  };
}

/**
 * A live block on a terminal: counts, elapsed time, cost, and one line per running task, redrawn in
 * place twice a second. Events that end a task are also printed as lines above the block.
 */
export function ttyProgress(stream: NodeJS.WriteStream, now: () => number = Date.now): ProgressView {
  const t0 = now();
  const totals: Totals = { total: 0, done: 0, failed: 0, costUsd: 0, running: new Map(), titles: new Map() };
  let drawn = 0;
  const lines = lineProgress((line) => {
    clear();
    stream.write(`${line}\n`);
    draw();
  }, now);

  function clear(): void {
    if (drawn > 0) stream.write(`\x1b[${drawn}A\x1b[0J`);
    drawn = 0;
  }
  function draw(): void {
    const width = stream.columns || 100;
    const frame = [
      `running ${totals.running.size} · done ${totals.done}/${totals.total} · failed ${totals.failed} · ` +
        `elapsed ${seconds(now() - t0)} · cost $${totals.costUsd.toFixed(4)}`,
      ...[...totals.running].map(
        ([id, r]) =>
          `  ▸ ${id} ${totals.titles.get(id) ?? ''}`.slice(0, width - 12) +
          `  ${seconds(now() - r.since)}${r.attempt > 1 ? ` #${r.attempt}` : ''}`,
      ),
    ];
    stream.write(`${frame.join('\n')}\n`);
    drawn = frame.length;
  }
  const timer = setInterval(() => {
    clear();
    draw();
  }, 500);
  timer.unref();

  return {
    onEvent(e) {
      switch (e.type) {
        case 'run_started':
          totals.total = e.tasks.length;
          for (const t of e.tasks) totals.titles.set(t.id, t.title);
          break;
        case 'attempt_started':
          totals.running.set(e.taskId, { attempt: e.attempt, since: now() });
          break;
        case 'attempt_finished':
          totals.running.delete(e.taskId);
          totals.costUsd += e.costUsd ?? 0;
          break;
        case 'task_finished':
          if (e.status === 'succeeded') totals.done++;
          else totals.failed++;
          break;
        default:
          break;
      }
      lines.onEvent(e);
    },
    close() {
      clearInterval(timer);
      clear();
      draw();
    },
  };
}
