import { formatDiagnostic } from '../errors.js';
import type { SpecPlan } from '../graph/plan-spec.js';
import type { GraphTask } from '../graph/task-graph.js';

export type PlanFormat = 'text' | 'json' | 'mermaid';

/** The JSON shape of `quantumwala plan --format json` (documented in the README). */
export interface PlanJson {
  spec: string;
  format: string;
  path: string;
  tasks: {
    id: string;
    title: string;
    status: string;
    group: boolean;
    optional: boolean;
    parallel: boolean;
    parent: string | null;
    deps: string[];
    requirements: string[];
    agent: string | null;
    file: string;
    line: number;
  }[];
  waves: string[][];
  criticalPath: string[];
  warnings: string[];
}

export function planToJson(plan: SpecPlan): PlanJson {
  const { spec, graph } = plan;
  return {
    spec: spec.location.name,
    format: spec.location.format,
    path: spec.location.dir,
    tasks: graph.tasks.map((t) => ({
      id: t.id,
      title: t.title,
      status: t.status,
      group: t.group,
      optional: t.optional,
      parallel: t.parallel,
      parent: t.parent ?? null,
      deps: t.group ? [] : t.deps,
      requirements: t.source.requirements,
      agent: t.source.agent ?? null,
      file: graph.file,
      line: t.source.line,
    })),
    waves: plan.waves,
    criticalPath: plan.criticalPath,
    warnings: plan.warnings.map(formatDiagnostic),
  };
}

function mermaidId(id: string): string {
  return `t_${id.replace(/[^A-Za-z0-9]/g, '_')}`;
}

function mermaidLabel(t: GraphTask): string {
  const title = t.title.length > 60 ? `${t.title.slice(0, 57)}…` : t.title;
  return `"${`${t.id}: ${title}`.replace(/"/g, '#quot;').replace(/[<>]/g, (c) => (c === '<' ? '#lt;' : '#gt;'))}"`;
}

/** A Mermaid `flowchart`: groups as subgraphs, an arrow from each dependency to its dependent. */
export function planToMermaid(plan: SpecPlan): string {
  const { graph } = plan;
  const lines = ['flowchart TD'];
  const childrenOf = new Map<string | undefined, GraphTask[]>();
  for (const t of graph.tasks) {
    const list = childrenOf.get(t.parent) ?? [];
    list.push(t);
    childrenOf.set(t.parent, list);
  }
  const emit = (parent: string | undefined, indent: string): void => {
    for (const t of childrenOf.get(parent) ?? []) {
      if (t.group) {
        lines.push(`${indent}subgraph ${mermaidId(t.id)}[${mermaidLabel(t)}]`);
        emit(t.id, `${indent}  `);
        lines.push(`${indent}end`);
      } else {
        lines.push(`${indent}${mermaidId(t.id)}[${mermaidLabel(t)}]`);
      }
    }
  };
  emit(undefined, '  ');
  for (const u of graph.units) for (const d of u.deps) lines.push(`  ${mermaidId(d)} --> ${mermaidId(u.id)}`);
  lines.push('  classDef done fill:#d4f7d4,stroke:#2d862d');
  lines.push('  classDef blocked fill:#f7d4d4,stroke:#862d2d');
  lines.push('  classDef skipped fill:#eeeeee,stroke:#999999,stroke-dasharray: 4 2');
  const cls = (name: string, pick: (u: GraphTask) => boolean): void => {
    const ids = graph.units.filter(pick).map((u) => mermaidId(u.id));
    if (ids.length > 0) lines.push(`  class ${ids.join(',')} ${name}`);
  };
  cls('done', (u) => u.status === 'done');
  cls('blocked', (u) => !u.scheduled && u.status !== 'done' && !u.skipped);
  cls('skipped', (u) => u.skipped);
  return lines.join('\n');
}

function pad(s: string, n: number): string {
  return s.length >= n ? s : s + ' '.repeat(n - s.length);
}

export function planToText(plan: SpecPlan): string {
  const { spec, graph } = plan;
  const units = graph.units;
  const done = units.filter((u) => u.status === 'done').length;
  const toRun = units.filter((u) => u.scheduled).length;
  const skipped = units.filter((u) => u.skipped).length;
  const held = units.length - done - toRun - skipped;
  const out: string[] = [];
  out.push(`${spec.location.name} (${spec.location.format}) — ${graph.file}`);
  out.push(
    `${units.length} tasks: ${done} done, ${toRun} to run` +
      (skipped > 0 ? `, ${skipped} optional skipped` : '') +
      (held > 0 ? `, ${held} blocked` : '') +
      ` · dependencies: ${graph.mode}`,
  );
  out.push('');
  const idWidth = Math.max(2, ...graph.tasks.map((t) => t.id.length + (t.parent ? 2 : 0)));
  for (const t of graph.tasks) {
    const depth = ((): number => {
      let d = 0;
      for (let p = t.parent; p !== undefined; p = graph.byId.get(p)?.parent) d++;
      return d;
    })();
    const id = `${'  '.repeat(depth)}${t.id}`;
    const state = t.skipped ? 'skipped' : t.group ? `group/${t.status}` : t.status;
    const deps = t.group || t.deps.length === 0 ? '' : `  ← ${t.deps.join(', ')}`;
    out.push(`  ${pad(id, idWidth + 2)} ${pad(state, 13)} ${t.title}${deps}`);
  }
  out.push('');
  if (plan.waves.length === 0) out.push('Nothing to run: every task is done, skipped or blocked.');
  else {
    out.push(`Waves (${plan.waves.length}):`);
    plan.waves.forEach((w, i) => out.push(`  ${i + 1}. ${w.join(', ')}`));
    out.push(`Critical path (${plan.criticalPath.length}): ${plan.criticalPath.join(' → ')}`);
  }
  if (plan.warnings.length > 0) {
    out.push('');
    out.push('Warnings:');
    for (const w of plan.warnings) out.push(`  ${formatDiagnostic(w)}`);
  }
  return out.join('\n');
}

export function formatPlan(plan: SpecPlan, format: PlanFormat): string {
  if (format === 'json') return JSON.stringify(planToJson(plan), null, 2);
  if (format === 'mermaid') return planToMermaid(plan);
  return planToText(plan);
}
