import type { StateEvent } from '../../src/state/events.js';
import { isoMs } from '../../src/state/iso-time.js';
import type { RunRecord } from '../../src/state/state-schema.js';
import { inFlight } from '../dispatch/run-decisions.js';
import { advanceRun, type AdvanceResult } from './advance-run.js';
import { jobEndEvents, type EndedJob } from './job-ends.js';
import type { RepoContext } from './repo-context.js';
import { endedJobsOf, listDispatchedRuns } from './workflow-runs.js';

/** A dispatch that has no workflow run after this long is taken as lost. */
export const DISPATCH_LOST_AFTER_MS = 10 * 60 * 1000;

/**
 * Catches a run up with what GitHub knows, for when webhooks were lost: the jobs of its dispatched
 * workflow runs that ended, and dispatches that never produced a workflow run. Then the run's next
 * step is decided as after any webhook. Costs one listing, plus one per completed workflow run that
 * still has a task in flight.
 */
export async function reconcileRun(
  ctx: RepoContext,
  stateBranch: string,
  run: RunRecord,
): Promise<AdvanceResult> {
  const flying = Object.values(run.tasks).filter(inFlight);
  if (run.status !== 'running' || flying.length === 0) return advanceRun(ctx, stateBranch, run.id);
  const since = flying.reduce(
    (min, t) => (t.dispatch && t.dispatch.at < min ? t.dispatch.at : min),
    run.started_at,
  );
  const workflowRuns = await listDispatchedRuns(ctx, run, since);
  const open = new Set(flying.map((t) => t.dispatch?.n));
  const ended: EndedJob[] = [];
  for (const wr of workflowRuns) {
    if (wr.status === 'completed' && open.has(wr.dispatch))
      ended.push(...(await endedJobsOf(ctx, wr.id, run.id)));
  }
  const seen = new Set(workflowRuns.map((r) => r.dispatch));
  const lost = run.dispatches.filter(
    (d) => open.has(d.n) && !seen.has(d.n) && ctx.now().getTime() - isoMs(d.at) > DISPATCH_LOST_AFTER_MS,
  );
  return advanceRun(ctx, stateBranch, run.id, (current) => {
    if (!current) return [];
    const dctx = { now: ctx.now(), newId: ctx.newId };
    const failed: StateEvent[] = lost
      .filter((d) =>
        Object.values(current.tasks).some((t) => t.dispatch?.n === d.n && t.dispatch.ended_at === null),
      )
      .map((d) => ({
        type: 'dispatch_failed',
        id: ctx.newId(),
        at: dctx.now.toISOString(),
        runId: current.id,
        dispatch: d.n,
        message: `no workflow run appeared for dispatch #${d.n} within ${DISPATCH_LOST_AFTER_MS / 60000} minutes`,
      }));
    return [...jobEndEvents(current, ended, dctx), ...failed];
  });
}
