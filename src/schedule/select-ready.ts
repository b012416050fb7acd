import { remainingPathLengths, type Estimates } from '../graph/analysis.js';
import type { TaskGraph } from '../graph/task-graph.js';

/** Where a work unit is within one run. Units the run has not touched are `pending`. */
export type RunTaskState = 'pending' | 'running' | 'succeeded' | 'failed' | 'skipped';

export interface Scheduler {
  /**
   * The ready units to start now: pending in this run, every dependency done in the file or
   * succeeded in this run; at most `freeSlots`, longest remaining path first (document order breaks
   * ties). Pure: the same inputs give the same answer.
   */
  selectReady(states: ReadonlyMap<string, RunTaskState>, freeSlots: number): string[];
}

/**
 * Critical-path list scheduling over a graph. Priorities are computed once; each call is linear in
 * the number of scheduled units.
 */
export function createScheduler(graph: TaskGraph, estimates?: Estimates): Scheduler {
  const priority = remainingPathLengths(graph, estimates);
  const units = graph.units.filter((u) => u.scheduled);
  const doneInFile = new Set(graph.units.filter((u) => u.status === 'done').map((u) => u.id));
  const order = units
    .map((u, index) => ({ u, index, p: priority.get(u.id) ?? 0 }))
    .sort((a, b) => b.p - a.p || a.index - b.index)
    .map((x) => x.u);

  return {
    selectReady(states, freeSlots) {
      const picked: string[] = [];
      if (freeSlots <= 0) return picked;
      for (const u of order) {
        if ((states.get(u.id) ?? 'pending') !== 'pending') continue;
        const ready = u.deps.every((d) => doneInFile.has(d) || states.get(d) === 'succeeded');
        if (!ready) continue;
        picked.push(u.id);
        if (picked.length >= freeSlots) break;
      }
      return picked;
    },
  };
}
