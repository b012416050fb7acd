import type { RunRecord } from '../../src/state/state-schema.js';
import { renderCheckRun } from '../checks/render-check-run.js';
import { planCancel, planRetry, selectRetry } from '../dispatch/run-decisions.js';
import { advanceRun, sentTasks } from './advance-run.js';
import { latestRunOf } from './find-run.js';
import { openStateStore } from './open-state-store.js';
import { reconcileRun } from './reconcile-run.js';
import type { RepoContext } from './repo-context.js';
import { cancelDispatchedRuns } from './workflow-runs.js';

/** What a cancel, retry or status did, in words for the reply. */
export interface OperationResult {
  ok: boolean;
  message: string;
  /** Tasks dispatched by this operation (a 🚀 when there are any). */
  dispatched: string[];
  run?: RunRecord;
}

async function findRun(
  ctx: RepoContext,
  stateBranch: string,
  spec: string,
  runId?: string,
): Promise<RunRecord | undefined> {
  const { state } = await openStateStore(ctx, stateBranch).read();
  return runId ? state.runs[runId] : latestRunOf(state, spec);
}

/** Stops a running run: recorded first, then its workflow runs are cancelled. */
export async function cancelRun(
  ctx: RepoContext,
  stateBranch: string,
  by: string,
  target: { spec: string; runId?: string },
): Promise<OperationResult> {
  const run = await findRun(ctx, stateBranch, target.spec, target.runId);
  if (!run || run.status !== 'running') {
    return { ok: false, message: `No run of \`${target.spec}\` is in progress.`, dispatched: [] };
  }
  const result = await advanceRun(ctx, stateBranch, run.id, (current) =>
    current ? planCancel(current, by, { now: ctx.now(), newId: ctx.newId }) : [],
  );
  if (!result.written.some((e) => e.type === 'run_finished')) {
    return { ok: false, message: `Run \`${run.id}\` had already finished.`, dispatched: [] };
  }
  const stopped = await cancelDispatchedRuns(ctx, result.run ?? run);
  return {
    ok: true,
    message: `Cancelled run \`${run.id}\` of \`${run.spec}\`; ${stopped} workflow run(s) asked to stop.`,
    dispatched: [],
    ...(result.run ? { run: result.run } : {}),
  };
}

/** Runs failed, interrupted and not-run tasks (or the named ones) of the spec's latest run again. */
export async function retryRun(
  ctx: RepoContext,
  stateBranch: string,
  by: string,
  target: { spec: string; runId?: string; ids: string[] },
): Promise<OperationResult> {
  const run = await findRun(ctx, stateBranch, target.spec, target.runId);
  if (!run) return { ok: false, message: `There is no run of \`${target.spec}\` to retry.`, dispatched: [] };
  const selection = selectRetry(run, target.ids);
  if (!selection.ok) return { ok: false, message: `Nothing retried: ${selection.error}.`, dispatched: [] };
  let rejected = '';
  const result = await advanceRun(
    ctx,
    stateBranch,
    run.id,
    (current) => {
      if (!current) return [];
      const again = selectRetry(current, target.ids);
      if (!again.ok) {
        rejected = again.error;
        return [];
      }
      return planRetry(current, again.tasks, by, { now: ctx.now(), newId: ctx.newId });
    },
    { newCheckRun: run.status !== 'running' },
  );
  if (rejected || !result.written.some((e) => e.type === 'tasks_requeued')) {
    return {
      ok: false,
      message: `Nothing retried: ${rejected || 'someone else retried it first'}.`,
      dispatched: [],
    };
  }
  const dispatched = sentTasks(result);
  return {
    ok: true,
    message:
      `Retrying ${selection.tasks.map((id) => `\`${id}\``).join(', ')} of run \`${run.id}\`` +
      (dispatched.length > 0 ? `; dispatched ${dispatched.map((id) => `\`${id}\``).join(', ')}.` : '.'),
    dispatched,
    ...(result.run ? { run: result.run } : {}),
  };
}

/** The status of a spec's latest run (or every run in progress), each caught up with GitHub first. */
export async function statusReport(
  ctx: RepoContext,
  stateBranch: string,
  spec?: string,
): Promise<OperationResult> {
  const { state } = await openStateStore(ctx, stateBranch).read();
  const runs = spec
    ? [latestRunOf(state, spec)].filter((r): r is RunRecord => r !== undefined)
    : Object.values(state.runs).filter((r) => r.mode === 'github' && r.status === 'running');
  if (runs.length === 0) {
    return {
      ok: true,
      message: spec ? `No run of \`${spec}\` yet.` : 'No run is in progress.',
      dispatched: [],
    };
  }
  const parts: string[] = [];
  const dispatched: string[] = [];
  for (const found of runs.slice(0, 10)) {
    const result =
      found.status === 'running' ? await reconcileRun(ctx, stateBranch, found) : { run: found, written: [] };
    const run = result.run ?? found;
    dispatched.push(...sentTasks(result));
    const { title } = renderCheckRun(run, { now: ctx.now() });
    const check = run.github?.check_run_id ? ` — ${ctx.htmlUrl}/runs/${run.github.check_run_id}` : '';
    parts.push(`- \`${run.spec}\` run \`${run.id}\` (${run.status}): ${title}${check}`);
  }
  return { ok: true, message: parts.join('\n'), dispatched };
}
