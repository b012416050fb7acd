import type { GraphTask, TaskGraph } from './task-graph.js';

/** What ordering and path lengths need of a unit: its id and its dependencies. */
export type DependencyNode = Pick<GraphTask, 'id' | 'deps'>;

/** Estimated duration of a work unit; 1 per task until history gives better figures. */
export type Estimates = ReadonlyMap<string, number>;

function estimateOf(estimates: Estimates | undefined, id: string): number {
  const e = estimates?.get(id);
  return e !== undefined && Number.isFinite(e) && e > 0 ? e : 1;
}

/**
 * Work units in dependency order (dependencies first), restricted to `units`. Kahn's algorithm with
 * document order as the tie-break, so results are stable.
 */
export function topologicalOrder<T extends DependencyNode>(units: readonly T[]): T[] {
  const ids = new Set(units.map((u) => u.id));
  const indegree = new Map<string, number>();
  const dependents = new Map<string, T[]>();
  for (const u of units) {
    const deps = u.deps.filter((d) => ids.has(d));
    indegree.set(u.id, deps.length);
    for (const d of deps) {
      const list = dependents.get(d) ?? [];
      list.push(u);
      dependents.set(d, list);
    }
  }
  const order: T[] = [];
  const queue = units.filter((u) => indegree.get(u.id) === 0);
  for (let i = 0; i < queue.length; i++) {
    const u = queue[i] as T;
    order.push(u);
    for (const v of dependents.get(u.id) ?? []) {
      const n = (indegree.get(v.id) ?? 0) - 1;
      indegree.set(v.id, n);
      if (n === 0) queue.push(v);
    }
  }
  return order;
}

/** Levels of the work a run will do: wave k holds the scheduled units whose longest chain of scheduled dependencies has length k. */
export function waves(graph: TaskGraph): string[][] {
  const scheduled = graph.units.filter((u) => u.scheduled);
  const level = new Map<string, number>();
  for (const u of topologicalOrder(scheduled)) {
    let l = 0;
    for (const d of u.deps) {
      const dl = level.get(d);
      if (dl !== undefined) l = Math.max(l, dl + 1);
    }
    level.set(u.id, l);
  }
  const out: string[][] = [];
  for (const u of scheduled) {
    const l = level.get(u.id) ?? 0;
    (out[l] ??= []).push(u.id);
  }
  return out.filter((w) => w !== undefined);
}

/** The longest chain of scheduled work by estimated duration, first task first. */
export function criticalPath(graph: TaskGraph, estimates?: Estimates): string[] {
  const scheduled = graph.units.filter((u) => u.scheduled);
  const finish = new Map<string, number>();
  const via = new Map<string, string>();
  let end: string | undefined;
  for (const u of topologicalOrder(scheduled)) {
    let start = 0;
    for (const d of u.deps) {
      const f = finish.get(d);
      if (f !== undefined && f > start) {
        start = f;
        via.set(u.id, d);
      }
    }
    const f = start + estimateOf(estimates, u.id);
    finish.set(u.id, f);
    if (end === undefined || f > (finish.get(end) ?? 0)) end = u.id;
  }
  const path: string[] = [];
  for (let id = end; id !== undefined; id = via.get(id)) path.push(id);
  return path.reverse();
}

/**
 * For each scheduled unit, the longest estimated path from its start to the end of the run
 * (itself included): the priority of critical-path list scheduling.
 */
export function remainingPathLengths(graph: TaskGraph, estimates?: Estimates): Map<string, number> {
  return pathLengthsToEnd(
    graph.units.filter((u) => u.scheduled),
    estimates,
  );
}

/** remainingPathLengths over any set of units (dependencies outside the set are ignored). */
export function pathLengthsToEnd(
  scheduled: readonly DependencyNode[],
  estimates?: Estimates,
): Map<string, number> {
  const order = topologicalOrder(scheduled);
  const dependents = new Map<string, string[]>();
  for (const u of scheduled) {
    for (const d of u.deps) {
      const list = dependents.get(d) ?? [];
      list.push(u.id);
      dependents.set(d, list);
    }
  }
  const rest = new Map<string, number>();
  for (let i = order.length - 1; i >= 0; i--) {
    const u = order[i] as DependencyNode;
    let tail = 0;
    for (const v of dependents.get(u.id) ?? []) tail = Math.max(tail, rest.get(v) ?? 0);
    rest.set(u.id, estimateOf(estimates, u.id) + tail);
  }
  return rest;
}
