import { errorMessage } from '../../src/errors.js';
import type { StateEvent } from '../../src/state/events.js';
import type { RunRecord } from '../../src/state/state-schema.js';
import { dispatchInputs } from '../dispatch/dispatch-inputs.js';
import type { RepoContext } from './repo-context.js';

/** The workflow file's name, as the dispatch API takes it (`.github/workflows/x.yml` → `x.yml`). */
export function workflowId(file: string): string {
  return file.replace(/^\.github\/workflows\//, '');
}

/**
 * Carries out the dispatches an update wrote (and only those): one `workflow_dispatch` each, on the
 * branch the spec was read from. Returns the dispatch numbers GitHub refused, with why.
 */
export async function dispatchWorkflows(
  ctx: RepoContext,
  run: RunRecord,
  written: readonly StateEvent[],
): Promise<{ dispatch: number; message: string }[]> {
  const github = run.github;
  if (!github) return [];
  const failed: { dispatch: number; message: string }[] = [];
  for (const e of written) {
    if (e.type !== 'tasks_dispatched' || e.runId !== run.id) continue;
    try {
      await ctx.octokit.rest.actions.createWorkflowDispatch({
        owner: ctx.owner,
        repo: ctx.repo,
        workflow_id: workflowId(github.workflow_file),
        ref: github.base_branch,
        inputs: dispatchInputs(run, e.dispatch, e.tasks),
      });
      ctx.log.info(`run ${run.id}: dispatch #${e.dispatch} of ${e.tasks.join(', ')}`);
    } catch (err) {
      const message = `workflow_dispatch of ${github.workflow_file} failed: ${errorMessage(err).slice(0, 300)}`;
      ctx.log.warn(`run ${run.id}: ${message}`);
      failed.push({ dispatch: e.dispatch, message });
    }
  }
  return failed;
}
