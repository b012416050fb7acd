import type { Diagnostic } from '../errors.js';
import { resolveRequirements } from '../spec/parse-requirements.js';
import type { Spec } from '../spec/types.js';
import { criticalPath, waves, type Estimates } from './analysis.js';
import { buildGraph } from './build-graph.js';
import type { GraphOptions, TaskGraph } from './task-graph.js';

export interface SpecPlan {
  spec: Spec;
  graph: TaskGraph;
  waves: string[][];
  criticalPath: string[];
  warnings: Diagnostic[];
}

/** Requirement references that look like IDs but name no section or criterion. */
function requirementWarnings(spec: Spec): Diagnostic[] {
  const reqs = spec.requirements;
  if (!reqs) return [];
  const out: Diagnostic[] = [];
  for (const task of spec.tasks.tasks) {
    const idLike = task.requirements.filter((r) =>
      /^(?:[A-Z]{1,6}-)?\d+(?:\.\d+)*(?:\s*[-–]\s*[\d.]+)?$/.test(r),
    );
    const { unresolved } = resolveRequirements(reqs, idLike);
    if (unresolved.length > 0) {
      out.push({
        severity: 'warning',
        file: spec.tasks.file,
        line: task.line,
        message: `task ${task.id} refers to requirement ${unresolved.join(', ')}, not found in ${reqs.file}`,
      });
    }
  }
  return out;
}

/** Parse → graph → waves and critical path: everything `quantumwala plan` shows. Throws SpecError. */
export function planSpec(spec: Spec, options: GraphOptions, estimates?: Estimates): SpecPlan {
  const graph = buildGraph(spec.tasks, options);
  return {
    spec,
    graph,
    waves: waves(graph),
    criticalPath: criticalPath(graph, estimates),
    warnings: [...graph.warnings, ...requirementWarnings(spec)],
  };
}
