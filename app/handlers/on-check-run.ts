import type { Context } from 'probot';
import { CANCEL_ACTION, RETRY_FAILED_ACTION } from '../checks/render-check-run.js';
import { authorize, isBot } from '../github/authorize.js';
import { openStateStore } from '../runs/open-state-store.js';
import { reconcileRun } from '../runs/reconcile-run.js';
import { cancelRun, retryRun } from '../runs/run-operations.js';
import { repoConfig, repoContext, type AppDeps } from './app-deps.js';

type CheckRunContext = Context<'check_run.requested_action' | 'check_run.rerequested'>;

/**
 * The check run's buttons: Cancel and Retry failed (`requested_action`), and GitHub's Re-run
 * (`rerequested`: retry what failed, or catch a running run up). The run is the check run's
 * `external_id`; only people with write permission may press them (others get nothing done).
 */
export async function onCheckRun(context: CheckRunContext, deps: AppDeps): Promise<void> {
  const { check_run: checkRun, sender } = context.payload;
  const runId = checkRun.external_id;
  if (!runId || !checkRun.name.startsWith('quantumwala: ') || isBot(sender)) return;
  const ctx = repoContext(context, deps);
  const auth = await authorize(ctx.octokit, ctx.owner, ctx.repo, sender.login);
  if (!auth.allowed) {
    ctx.log.info(`check run ${checkRun.id}: ${sender.login} (${auth.role}) may not change runs`);
    return;
  }
  const config = await repoConfig(context, deps);
  const branch = config.workflow.state_branch;
  const spec = checkRun.name.slice('quantumwala: '.length);
  const action =
    'requested_action' in context.payload ? context.payload.requested_action?.identifier : 'rerun';
  if (action === CANCEL_ACTION.identifier) {
    await cancelRun(ctx, branch, sender.login, { spec, runId });
  } else if (action === RETRY_FAILED_ACTION.identifier || action === 'rerun') {
    const { state } = await openStateStore(ctx, branch).read();
    const run = state.runs[runId];
    if (!run) return;
    const hasFailed = Object.values(run.tasks).some((t) =>
      ['failed', 'interrupted', 'not_run'].includes(t.status),
    );
    if (hasFailed) await retryRun(ctx, branch, sender.login, { spec, runId, ids: [] });
    else if (run.status === 'running') await reconcileRun(ctx, branch, run);
  }
}
