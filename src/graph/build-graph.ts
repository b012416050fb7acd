import { SpecError, type Diagnostic } from '../errors.js';
import { normalizeTaskId } from '../spec/parse-tasks.js';
import type { ParsedTask, ParsedTasksFile, TaskStatus } from '../spec/types.js';
import { findCycle } from './cycles.js';
import type { DependencyMode, GraphOptions, GraphTask, TaskGraph } from './task-graph.js';

/** A dependency that looks like an ID (`3`, `2.1`, `T012`, `REV-001`) rather than prose. */
const ID_LIKE = /^[A-Za-z]{0,6}[-_]?\d+[A-Za-z]?(?:[.-]\d+[A-Za-z]?)*\.?$/;

function listIds(ids: string[], max = 8): string {
  if (ids.length <= max) return ids.join(', ');
  return `${ids.slice(0, max).join(', ')} … (${ids.length} in all)`;
}

class GraphBuilder {
  readonly errors: Diagnostic[] = [];
  readonly warnings: Diagnostic[] = [];
  readonly byId = new Map<string, ParsedTask>();
  readonly children = new Map<string, ParsedTask[]>();
  /** Node-level dependencies (tasks or groups), before groups are expanded. */
  readonly nodeDeps = new Map<string, Set<string>>();

  constructor(
    readonly parsed: ParsedTasksFile,
    readonly options: GraphOptions,
  ) {
    for (const t of parsed.tasks) {
      if (!this.byId.has(t.id)) this.byId.set(t.id, t);
      this.nodeDeps.set(t.id, new Set());
      if (t.parent !== undefined) {
        const list = this.children.get(t.parent) ?? [];
        list.push(t);
        this.children.set(t.parent, list);
      }
    }
  }

  get file(): string {
    return this.parsed.file;
  }

  isGroup(id: string): boolean {
    return (this.children.get(id)?.length ?? 0) > 0;
  }

  unitsOf(id: string): string[] {
    const kids = this.children.get(id);
    if (!kids || kids.length === 0) return [id];
    return kids.flatMap((k) => this.unitsOf(k.id));
  }

  ancestors(task: ParsedTask): string[] {
    const out: string[] = [];
    for (let p = task.parent; p !== undefined; p = this.byId.get(p)?.parent) out.push(p);
    return out;
  }

  addDep(from: string, to: string): void {
    this.nodeDeps.get(from)?.add(to);
  }

  mode(): DependencyMode {
    const tasks = this.parsed.tasks;
    if (tasks.some((t) => t.parallel)) return 'markers';
    if (tasks.some((t) => t.depends !== undefined)) return 'explicit';
    return this.options.implicit;
  }

  /** Resolves the dependencies each task states; unknown IDs are errors, prose means "everything before". */
  explicitDependencies(): void {
    const tasks = this.parsed.tasks;
    tasks.forEach((task, index) => {
      for (const ref of task.depends ?? []) {
        const id = normalizeTaskId(ref.value);
        if (this.byId.has(id)) {
          if (id === task.id || this.ancestors(task).includes(id)) {
            const what = id === task.id ? 'itself' : `"${id}", the group that contains it`;
            this.errors.push({
              severity: 'error',
              file: this.file,
              line: ref.line,
              message: `task ${task.id} depends on ${what}`,
            });
            continue;
          }
          this.addDep(task.id, id);
        } else if (ID_LIKE.test(id)) {
          this.errors.push({
            severity: 'error',
            file: this.file,
            line: ref.line,
            message: `task ${task.id} depends on "${ref.value}", which names no task in this file`,
          });
        } else {
          const own = new Set([task.id, ...this.ancestors(task)]);
          const earlier = tasks
            .slice(0, index)
            .filter((t) => !own.has(t.id) && !this.isGroup(t.id))
            .map((t) => t.id);
          for (const e of earlier) this.addDep(task.id, e);
          this.warnings.push({
            severity: 'warning',
            file: this.file,
            line: ref.line,
            message:
              `task ${task.id} depends on "${ref.value}", which is not a task ID: ` +
              `taken as every earlier task (${earlier.length === 0 ? 'none' : listIds(earlier)})`,
          });
        }
      }
    });
  }

  /**
   * Parallel markers: within a run of siblings an unmarked task starts a new step, a marked one joins
   * the current step; each step depends on the whole previous step. Phases and top-level groups are
   * barriers.
   */
  markerSteps(): void {
    const runs = new Map<string, ParsedTask[]>();
    for (const t of this.parsed.tasks) {
      const key = t.parent ?? '\u0000top';
      const run = runs.get(key) ?? [];
      run.push(t);
      runs.set(key, run);
    }
    for (const [key, run] of runs) {
      const topLevel = key === '\u0000top';
      const steps: ParsedTask[][] = [];
      let previous: ParsedTask | undefined;
      for (const t of run) {
        const barrier =
          topLevel &&
          previous !== undefined &&
          (previous.phase !== t.phase || this.isGroup(previous.id) || this.isGroup(t.id));
        const current = steps[steps.length - 1];
        if (current && t.parallel && !barrier) current.push(t);
        else steps.push([t]);
        previous = t;
      }
      for (let i = 1; i < steps.length; i++) {
        for (const t of steps[i] ?? []) for (const p of steps[i - 1] ?? []) this.addDep(t.id, p.id);
      }
    }
  }

  sequential(): void {
    const units = this.parsed.tasks.filter((t) => !this.isGroup(t.id));
    for (let i = 1; i < units.length; i++) {
      const prev = units[i - 1];
      const cur = units[i];
      if (prev && cur) this.addDep(cur.id, prev.id);
    }
  }

  /**
   * A group's own dependencies go to those of its children that depend on no other member of the
   * group; the rest wait for them through the group's internal order. Parents precede children in
   * document order, so one pass propagates down any depth.
   */
  propagateGroupDependencies(): void {
    for (const group of this.parsed.tasks) {
      const kids = this.children.get(group.id);
      const own = this.nodeDeps.get(group.id);
      if (!kids || !own || own.size === 0) continue;
      const members = new Set(this.unitsOf(group.id).concat(this.descendantIds(group.id)));
      for (const kid of kids) {
        const deps = this.nodeDeps.get(kid.id) ?? new Set<string>();
        if ([...deps].some((d) => members.has(d))) continue;
        for (const d of own) deps.add(d);
        this.nodeDeps.set(kid.id, deps);
      }
    }
  }

  descendantIds(id: string): string[] {
    return (this.children.get(id) ?? []).flatMap((k) => [k.id, ...this.descendantIds(k.id)]);
  }

  /** Work-unit dependencies: groups expanded into their work units. */
  unitDependencies(): Map<string, string[]> {
    const out = new Map<string, string[]>();
    for (const t of this.parsed.tasks) {
      const expanded = new Set<string>();
      for (const d of this.nodeDeps.get(t.id) ?? []) for (const u of this.unitsOf(d)) expanded.add(u);
      out.set(t.id, [...expanded]);
    }
    return out;
  }
}

function deriveGroupStatus(units: GraphTask[], own: TaskStatus): TaskStatus {
  const counted = units.filter((u) => !u.skipped);
  if (counted.length === 0) return own === 'blocked' ? 'blocked' : 'done';
  if (counted.every((u) => u.status === 'done')) return 'done';
  if (counted.some((u) => u.status === 'blocked')) return 'blocked';
  if (counted.some((u) => u.status === 'done' || u.status === 'in_progress')) return 'in_progress';
  return 'pending';
}

/**
 * Turns a parsed tasks file into the dependency graph a run schedules (rules in README, "Graph
 * rules"). Throws a SpecError listing every error with file and line.
 */
export function buildGraph(parsed: ParsedTasksFile, options: GraphOptions): TaskGraph {
  const b = new GraphBuilder(parsed, options);
  const errors: Diagnostic[] = parsed.diagnostics.filter((d) => d.severity === 'error');
  const mode = b.mode();

  if (mode === 'markers') b.markerSteps();
  else if (mode === 'sequential') b.sequential();
  if (mode === 'markers' || mode === 'explicit') b.explicitDependencies();
  b.propagateGroupDependencies();
  errors.push(...b.errors);

  const rawDeps = b.unitDependencies();
  const unitIds = parsed.tasks.filter((t) => !b.isGroup(t.id)).map((t) => t.id);
  if (errors.length === 0) {
    const cycle = findCycle(unitIds, (id) => rawDeps.get(id) ?? []);
    if (cycle) {
      const first = b.byId.get(cycle[0] ?? '');
      errors.push({
        severity: 'error',
        file: parsed.file,
        line: first?.line,
        message: `dependency cycle: ${[...cycle, cycle[0]].join(' → ')} (each task waits for the next)`,
      });
    }
  }
  if (errors.length > 0) throw new SpecError(errors);

  // Optional tasks are skipped unless included; one inside an optional group is optional too.
  const isOptional = (t: ParsedTask): boolean =>
    t.optional || b.ancestors(t).some((a) => b.byId.get(a)?.optional === true);
  const ownBlocked = (t: ParsedTask): boolean =>
    t.status === 'blocked' || b.ancestors(t).some((a) => b.byId.get(a)?.status === 'blocked');

  const tasks: GraphTask[] = parsed.tasks.map((t) => {
    const group = b.isGroup(t.id);
    const optional = isOptional(t);
    return {
      id: t.id,
      title: t.title,
      status: !group && ownBlocked(t) ? 'blocked' : t.status,
      group,
      optional,
      parallel: t.parallel,
      ...(t.parent !== undefined ? { parent: t.parent } : {}),
      deps: [],
      skipped: !group && optional && !options.includeOptional && t.status !== 'done',
      scheduled: false,
      source: t,
    };
  });
  const byId = new Map(tasks.map((t) => [t.id, t]));

  // A skipped task passes its dependencies through to what depended on it.
  const effective = new Map<string, string[]>();
  const effectiveDeps = (id: string): string[] => {
    const known = effective.get(id);
    if (known) return known;
    const out = new Set<string>();
    for (const d of rawDeps.get(id) ?? []) {
      if (byId.get(d)?.skipped) for (const x of effectiveDeps(d)) out.add(x);
      else out.add(d);
    }
    const list = [...out];
    effective.set(id, list);
    return list;
  };
  for (const t of tasks) t.deps = effectiveDeps(t.id);

  const units = tasks.filter((t) => !t.group);
  for (const t of tasks) {
    if (t.group)
      t.status = deriveGroupStatus(
        b.unitsOf(t.id).map((u) => byId.get(u) as GraphTask),
        t.status,
      );
  }

  // Blocked tasks, and everything that waits for them, are not scheduled.
  const stuck = new Set<string>();
  for (const u of units) {
    const waitsOnStuck = u.deps.some((d) => stuck.has(d));
    if (!u.skipped && u.status !== 'done' && (u.status === 'blocked' || waitsOnStuck)) stuck.add(u.id);
  }
  // Dependencies may point forward in document order; settle the rest.
  for (let changed = true; changed;) {
    changed = false;
    for (const u of units) {
      if (stuck.has(u.id) || u.skipped || u.status === 'done') continue;
      if (u.deps.some((d) => stuck.has(d))) {
        stuck.add(u.id);
        changed = true;
      }
    }
  }
  for (const u of units) {
    u.scheduled = !u.skipped && !stuck.has(u.id) && (u.status === 'pending' || u.status === 'in_progress');
  }
  const warnings = [...parsed.diagnostics.filter((d) => d.severity === 'warning'), ...b.warnings];
  for (const u of units) {
    if (u.status !== 'blocked' || u.skipped) continue;
    const behind = units.filter((o) => o.id !== u.id && stuck.has(o.id) && o.status !== 'blocked');
    const dependents = behind.filter((o) => reaches(o.id, u.id, byId));
    warnings.push({
      severity: 'warning',
      file: parsed.file,
      line: u.source.line,
      message:
        `task ${u.id} is blocked ([~]) and will not run` +
        (dependents.length > 0
          ? `; neither will the ${dependents.length} task(s) that depend on it: ${listIds(dependents.map((d) => d.id))}`
          : ''),
    });
  }

  return { file: parsed.file, mode, tasks, byId, units, warnings };
}

function reaches(from: string, target: string, byId: ReadonlyMap<string, GraphTask>): boolean {
  const seen = new Set<string>();
  const stack = [from];
  while (stack.length > 0) {
    const id = stack.pop() as string;
    for (const d of byId.get(id)?.deps ?? []) {
      if (d === target) return true;
      if (!seen.has(d)) {
        seen.add(d);
        stack.push(d);
      }
    }
  }
  return false;
}
