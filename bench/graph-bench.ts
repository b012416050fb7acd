import { performance } from 'node:perf_hooks';
import { criticalPath, remainingPathLengths, waves } from '../src/graph/analysis.js';
import { planSpec } from '../src/graph/plan-spec.js';
import type { TaskGraph } from '../src/graph/task-graph.js';
import { createScheduler, type RunTaskState } from '../src/schedule/select-ready.js';
import { parseTasks } from '../src/spec/parse-tasks.js';
import type { Spec } from '../src/spec/types.js';
import { seededRandom } from '../test/support/seeded-random.js';

/**
 * A tasks.md of n tasks in 10-task groups, each task depending on up to three random tasks among the
 * 50 before it: wide enough to need a scheduler, deep enough to have a long critical path.
 */
export function generateTasksMd(n: number, random: () => number): string {
  const lines = ['# Tasks', ''];
  for (let i = 1; i <= n; i++) {
    if ((i - 1) % 10 === 0) lines.push(`- [ ] G${(i - 1) / 10 + 1}. Group ${(i - 1) / 10 + 1}`);
    lines.push(`  - [ ] T${i} Task number ${i} in src/module${i % 97}.ts`);
    const deps = new Set<number>();
    const k = Math.floor(random() * 4);
    for (let j = 0; j < k && i > 1; j++) deps.add(Math.max(1, i - 1 - Math.floor(random() * 50)));
    if (deps.size > 0) lines.push(`    - _Depends: ${[...deps].map((d) => `T${d}`).join(', ')}_`);
    lines.push(`    - _Requirements: ${(i % 7) + 1}.${(i % 5) + 1}_`);
  }
  return lines.join('\n');
}

function specOf(text: string): Spec {
  return {
    location: { name: 'bench', aliases: [], dir: '.kiro/specs/bench', format: 'kiro', tasksFile: 'tasks.md' },
    tasks: parseTasks(text, 'tasks.md'),
  };
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] ?? 0;
}

/** Simulates a run: `slots` sessions at once, each task taking `duration`; returns the makespan. */
export function simulateListSchedule(
  graph: TaskGraph,
  duration: ReadonlyMap<string, number>,
  slots: number,
  estimates?: ReadonlyMap<string, number>,
): number {
  const scheduler = createScheduler(graph, estimates);
  const states = new Map<string, RunTaskState>();
  const running: { id: string; end: number }[] = [];
  let now = 0;
  const total = graph.units.filter((u) => u.scheduled).length;
  let finished = 0;
  while (finished < total) {
    for (const id of scheduler.selectReady(states, slots - running.length)) {
      states.set(id, 'running');
      running.push({ id, end: now + (duration.get(id) ?? 1) });
    }
    if (running.length === 0) throw new Error('simulation stalled: nothing running and nothing ready');
    running.sort((a, b) => a.end - b.end);
    const next = running.shift() as { id: string; end: number };
    now = next.end;
    states.set(next.id, 'succeeded');
    finished++;
    while (running.length > 0 && (running[0]?.end ?? Infinity) <= now) {
      const done = running.shift() as { id: string; end: number };
      states.set(done.id, 'succeeded');
      finished++;
    }
  }
  return now;
}

/** The naive plan: run wave by wave with a barrier between waves, `slots` at a time within a wave. */
export function simulateWaves(
  graph: TaskGraph,
  duration: ReadonlyMap<string, number>,
  slots: number,
): number {
  let total = 0;
  for (const wave of waves(graph)) {
    const free = Array.from({ length: slots }, () => 0);
    for (const id of wave) {
      free.sort((a, b) => a - b);
      free[0] = (free[0] ?? 0) + (duration.get(id) ?? 1);
    }
    total += Math.max(...free);
  }
  return total;
}

export interface GraphBenchRow {
  tasks: number;
  parsePlanMs: number;
  waves: number;
  criticalPathTasks: number;
  ratioToLowerBoundUnitEstimates: number;
  ratioToLowerBoundKnownDurations: number;
  ratioToWaves: number;
}

export function benchGraphs(sizes: readonly number[], slots = 8): GraphBenchRow[] {
  const rows: GraphBenchRow[] = [];
  for (const n of sizes) {
    // Seeded, so every run measures the same graphs.
    const random = seededRandom(n);
    const text = generateTasksMd(n, random);
    const repeats = n >= 10_000 ? 3 : 7;
    const times: number[] = [];
    let plan = planSpec(specOf(text), { implicit: 'sequential', includeOptional: false });
    for (let r = 0; r < repeats; r++) {
      const t0 = performance.now();
      plan = planSpec(specOf(text), { implicit: 'sequential', includeOptional: false });
      times.push(performance.now() - t0);
    }
    const graph = plan.graph;
    // Random durations: log-uniform between 1 and 30 minutes, like real sessions.
    const duration = new Map(graph.units.map((u) => [u.id, Math.exp(random() * Math.log(30))]));
    const work = [...duration.values()].reduce((a, b) => a + b, 0);
    const cp = Math.max(...remainingPathLengths(graph, duration).values());
    const lowerBound = Math.max(cp, work / slots);
    const unitEstimates = simulateListSchedule(graph, duration, slots);
    const knownDurations = simulateListSchedule(graph, duration, slots, duration);
    const waveByWave = simulateWaves(graph, duration, slots);
    rows.push({
      tasks: n,
      parsePlanMs: median(times),
      waves: plan.waves.length,
      criticalPathTasks: criticalPath(graph).length,
      ratioToLowerBoundUnitEstimates: unitEstimates / lowerBound,
      ratioToLowerBoundKnownDurations: knownDurations / lowerBound,
      ratioToWaves: unitEstimates / waveByWave,
    });
  }
  return rows;
}
