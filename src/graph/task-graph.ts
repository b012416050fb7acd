import type { Diagnostic } from '../errors.js';
import type { ParsedTask, TaskStatus } from '../spec/types.js';

/** How a file's dependencies were decided (see README, "Graph rules"). */
export type DependencyMode = 'markers' | 'explicit' | 'sequential' | 'parallel';

export type ImplicitPolicy = 'sequential' | 'parallel';

export interface GraphOptions {
  implicit: ImplicitPolicy;
  includeOptional: boolean;
}

export interface GraphTask {
  id: string;
  title: string;
  /** Work units: the checkbox state. Groups: derived from their work units. */
  status: TaskStatus;
  /** A group runs nothing itself; it is done when all its work units are done. */
  group: boolean;
  optional: boolean;
  parallel: boolean;
  parent?: string;
  /** Direct dependencies as work-unit IDs (groups expanded, skipped optional tasks passed through). */
  deps: string[];
  /** Optional and not included: not scheduled; what depended on it waits for what it depended on. */
  skipped: boolean;
  /** A pending work unit that a run will start (not done, skipped, blocked or behind a blocked task). */
  scheduled: boolean;
  /** The task as parsed: details, requirements, agent, line. */
  source: ParsedTask;
}

export interface TaskGraph {
  file: string;
  mode: DependencyMode;
  /** Every task and group, in document order. */
  tasks: GraphTask[];
  byId: ReadonlyMap<string, GraphTask>;
  /** Work units (tasks that are not groups), in document order. */
  units: GraphTask[];
  /** Warnings; errors are thrown as a SpecError when the graph is built. */
  warnings: Diagnostic[];
}

/** The work units a run will start, in document order. */
export function scheduledUnits(graph: TaskGraph): GraphTask[] {
  return graph.units.filter((u) => u.scheduled);
}
