import { UserError } from '../errors.js';
import type { SpecPlan } from './plan-spec.js';
import type { GraphTask } from './task-graph.js';

/**
 * The work units a run starts: every scheduled unit, or those `only` names (a group names its units).
 * Each selected unit's pending dependencies must be selected too: nothing else would run them.
 */
export function selectTasks(plan: SpecPlan, only: string[] | undefined): Set<string> {
  const scheduled = plan.graph.units.filter((u) => u.scheduled).map((u) => u.id);
  if (!only || only.length === 0) return new Set(scheduled);
  const selected = new Set<string>();
  for (const id of only) {
    const task = plan.graph.byId.get(id);
    if (!task) throw new UserError(`only: no task "${id}" in ${plan.graph.file}`);
    const units = task.group ? plan.graph.units.filter((u) => isInside(plan, u, id)) : [task];
    for (const u of units) if (u.scheduled) selected.add(u.id);
  }
  for (const id of selected) {
    for (const dep of plan.graph.byId.get(id)?.deps ?? []) {
      const d = plan.graph.byId.get(dep);
      if (d && d.status !== 'done' && !selected.has(dep)) {
        throw new UserError(`only: task ${id} depends on ${dep}, which is neither done nor selected`);
      }
    }
  }
  return selected;
}

function isInside(plan: SpecPlan, task: GraphTask, groupId: string): boolean {
  for (let p = task.parent; p !== undefined; p = plan.graph.byId.get(p)?.parent)
    if (p === groupId) return true;
  return false;
}
