/** What the tests check about the recorded dispatches and the stored run. */
import type { RunRecord } from '../../../src/state/state-schema.js';
import type { FakeDispatch } from './types.js';

/** How often each task id was sent in a dispatch's `tasks` input. */
export function dispatchCountsByTask(dispatches: readonly FakeDispatch[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const d of dispatches) {
    for (const id of JSON.parse(d.inputs.tasks ?? '[]') as string[]) counts[id] = (counts[id] ?? 0) + 1;
  }
  return counts;
}

/** The tasks of a run holding a slot: dispatched, job not ended. */
export function inFlight(run: RunRecord): string[] {
  return Object.entries(run.tasks)
    .filter(([, t]) => t.dispatch !== null && t.dispatch.ended_at === null)
    .map(([id]) => id);
}

/**
 * Why a stored run is not consistent with the dispatches GitHub accepted (empty when it is): the
 * recorded dispatches are numbered 1…n, each one GitHub accepted was sent once with the recorded
 * tasks, none recorded as refused was accepted, each task's dispatch count is the number of
 * recorded dispatches with it, no more tasks in flight than the run allows, no event applied twice.
 */
export function runInconsistencies(run: RunRecord, dispatches: readonly FakeDispatch[]): string[] {
  const problems: string[] = [];
  const sent = dispatches.filter((d) => d.inputs['run-id'] === run.id);
  const numbers = run.dispatches.map((d) => d.n);
  const expected = Array.from({ length: numbers.length }, (_, i) => i + 1);
  if (JSON.stringify(numbers) !== JSON.stringify(expected))
    problems.push(`dispatch numbers ${numbers.join(',')}`);
  for (const d of run.dispatches) {
    const matching = sent.filter((s) => s.inputs.dispatch === String(d.n));
    // A refused dispatch was never accepted; one accepted that produced no workflow run was (once).
    const lost = d.failed_at !== null && /no workflow run appeared/.test(d.message ?? '');
    const times = d.failed_at === null || lost ? 1 : 0;
    if (matching.length !== times) {
      problems.push(
        `dispatch #${d.n} (${d.failed_at === null ? 'accepted' : 'refused'}) was accepted ${matching.length} times`,
      );
    } else if (matching[0] && matching[0].inputs.tasks !== JSON.stringify(d.tasks)) {
      problems.push(
        `dispatch #${d.n} sent ${matching[0].inputs.tasks ?? ''}, recorded ${JSON.stringify(d.tasks)}`,
      );
    }
  }
  const extra = sent.filter((s) => !run.dispatches.some((d) => String(d.n) === s.inputs.dispatch));
  if (extra.length > 0)
    problems.push(`dispatches sent but not recorded: ${extra.map((s) => s.inputs.dispatch).join(',')}`);
  for (const [id, task] of Object.entries(run.tasks)) {
    const recorded = run.dispatches.filter((d) => d.tasks.includes(id)).length;
    // A person's retry gives a task its job retries again: its count restarts then.
    const expected =
      task.requeued_at === null ? task.dispatch_count === recorded : task.dispatch_count <= recorded;
    if (!expected)
      problems.push(`task ${id}: dispatch_count ${task.dispatch_count}, in ${recorded} dispatches`);
  }
  const flying = inFlight(run).length;
  if (flying > run.max_concurrent)
    problems.push(`${flying} tasks in flight, at most ${run.max_concurrent} allowed`);
  if (new Set(run.event_ids).size !== run.event_ids.length) problems.push('an event id appears twice');
  return problems;
}
