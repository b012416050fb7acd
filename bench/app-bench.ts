import { performance } from 'node:perf_hooks';
import { renderCheckRun } from '../app/checks/render-check-run.js';
import { planStep } from '../app/dispatch/run-decisions.js';
import type { StateEvent } from '../src/state/events.js';
import { applyEvents } from '../src/state/reduce.js';
import { emptyState, type RunRecord, type UnifiedState } from '../src/state/state-schema.js';

export interface AppBenchResult {
  tasks: number;
  maxConcurrent: number;
  /** Webhook decisions (one per job end, plus the first). */
  decisions: number;
  dispatches: number;
  /** Mean time of one decision: planStep on the run plus applying what it decided. */
  meanDecisionMs: number;
  /** The largest state.json the run reached (what every webhook reads and writes). */
  stateBytes: number;
  renderMs: number;
  summaryChars: number;
  textChars: number;
}

/** A deterministic DAG: each task depends on up to two of the 20 tasks before it. */
function tasksOf(n: number): { id: string; title: string; deps: string[] }[] {
  let seed = 7;
  const rand = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
  return Array.from({ length: n }, (_, i) => {
    const deps = new Set<string>();
    for (let k = 0; k < 2 && i > 0; k++)
      if (rand() < 0.7) deps.add(`T${Math.max(0, i - 1 - Math.floor(rand() * 20))}`);
    return { id: `T${i}`, title: `Task ${i} in \`src/t${i}.ts\``, deps: [...deps] };
  });
}

/**
 * A whole dispatched run, decided the way the app decides it (one planStep per webhook), with jobs
 * that end in dispatch order and write what the action writes. Measures the decision time and how
 * big the state file gets.
 */
export function benchApp(n: number, maxConcurrent: number): AppBenchResult {
  let clock = Date.UTC(2026, 0, 1);
  let ids = 0;
  const at = () => new Date((clock += 1000)).toISOString();
  const newId = () => `e${(ids += 1)}`;
  let state: UnifiedState = applyEvents(emptyState('bench', at()), [
    {
      type: 'run_started',
      id: 'run_started:r',
      at: at(),
      runId: 'r',
      spec: 'bench',
      specDir: 'specs/bench',
      format: 'kiro',
      workBranch: 'quantumwala/bench',
      mode: 'github',
      maxConcurrent,
      github: {
        headSha: 'a'.repeat(40),
        baseBranch: 'main',
        workflowFile: '.github/workflows/quantumwala.yml',
        runnerLabels: ['ubuntu-latest'],
        maxMatrix: 256,
        stateBranch: 'quantumwala/state',
        jobRetries: 3,
        draft: false,
      },
      tasks: tasksOf(n),
    },
  ]);
  const run = () => state.runs.r as RunRecord;
  let decisions = 0;
  let dispatches = 0;
  let decideMs = 0;
  let stateBytes = 0;
  const queue: string[] = [];
  const decide = () => {
    const t0 = performance.now();
    const events = planStep(run(), { now: new Date(clock), newId });
    state = applyEvents(state, events);
    decideMs += performance.now() - t0;
    decisions += 1;
    for (const e of events) {
      if (e.type !== 'tasks_dispatched') continue;
      dispatches += 1;
      queue.push(...e.tasks);
    }
    stateBytes = Math.max(stateBytes, Buffer.byteLength(JSON.stringify(state)));
  };
  decide();
  while (queue.length > 0 && decisions < 10 * n) {
    const taskId = queue.shift() as string;
    const d = run().tasks[taskId]?.dispatch?.n ?? 0;
    const job: StateEvent[] = [
      {
        type: 'attempt_started',
        id: newId(),
        at: at(),
        runId: 'r',
        taskId,
        attempt: 1,
        timeoutSeconds: 1800,
      },
      {
        type: 'attempt_finished',
        id: newId(),
        at: at(),
        runId: 'r',
        taskId,
        attempt: 1,
        outcome: 'succeeded',
        costUsd: 0.2,
        turns: 3,
        durationMs: 60_000,
        commit: 'c'.repeat(40),
      },
      {
        type: 'task_finished',
        id: newId(),
        at: at(),
        runId: 'r',
        taskId,
        status: 'succeeded',
        commit: 'c'.repeat(40),
      },
      {
        type: 'job_finished',
        id: newId(),
        at: at(),
        runId: 'r',
        taskId,
        dispatch: d,
        jobId: ids,
        jobUrl: `https://github.com/o/r/actions/runs/1/job/${ids}`,
        conclusion: 'success',
      },
    ];
    state = applyEvents(state, job);
    decide();
  }
  const t0 = performance.now();
  const rendered = renderCheckRun(run(), { now: new Date(clock) });
  const renderMs = performance.now() - t0;
  return {
    tasks: n,
    maxConcurrent,
    decisions,
    dispatches,
    meanDecisionMs: decideMs / decisions,
    stateBytes,
    renderMs,
    summaryChars: rendered.summary.length,
    textChars: rendered.text.length,
  };
}
