import { errorMessage } from '../../src/errors.js';
import type { RunRecord } from '../../src/state/state-schema.js';
import { parseJobName, parseRunTitle } from '../dispatch/job-name.js';
import { workflowId } from './dispatch-workflow.js';
import type { EndedJob } from './job-ends.js';
import type { RepoContext } from './repo-context.js';

export interface DispatchedWorkflowRun {
  id: number;
  dispatch: number;
  status: string;
  createdAt: string;
}

/** The workflow runs of a run's dispatches (found by their title), newest first; one call per 100. */
export async function listDispatchedRuns(
  ctx: RepoContext,
  run: RunRecord,
  since: string,
): Promise<DispatchedWorkflowRun[]> {
  const github = run.github;
  if (!github) return [];
  const found: DispatchedWorkflowRun[] = [];
  for (let page = 1; page <= 10; page++) {
    const { data } = await ctx.octokit.rest.actions.listWorkflowRuns({
      owner: ctx.owner,
      repo: ctx.repo,
      workflow_id: workflowId(github.workflow_file),
      event: 'workflow_dispatch',
      created: `>=${since.slice(0, 19)}Z`,
      per_page: 100,
      page,
    });
    for (const r of data.workflow_runs) {
      const ref = parseRunTitle(r.display_title);
      if (ref?.runId === run.id)
        found.push({ id: r.id, dispatch: ref.dispatch, status: r.status ?? '', createdAt: r.created_at });
    }
    if (data.workflow_runs.length < 100) break;
  }
  return found;
}

/** The ended jobs of a workflow run that belong to `runId` (mapped to tasks by their names). */
export async function endedJobsOf(
  ctx: RepoContext,
  workflowRunId: number,
  runId: string,
): Promise<EndedJob[]> {
  const jobs: EndedJob[] = [];
  for (let page = 1; page <= 10; page++) {
    const { data } = await ctx.octokit.rest.actions.listJobsForWorkflowRun({
      owner: ctx.owner,
      repo: ctx.repo,
      run_id: workflowRunId,
      filter: 'latest',
      per_page: 100,
      page,
    });
    for (const j of data.jobs) {
      const ref = parseJobName(j.name);
      if (!ref || ref.runId !== runId || j.status !== 'completed') continue;
      jobs.push({
        taskId: ref.taskId,
        dispatch: ref.dispatch,
        jobId: j.id,
        url: j.html_url ?? undefined,
        conclusion: j.conclusion ?? 'unknown',
      });
    }
    if (data.jobs.length < 100) break;
  }
  return jobs;
}

/** Cancels every workflow run of the run that has not completed. Returns how many were asked to stop. */
export async function cancelDispatchedRuns(ctx: RepoContext, run: RunRecord): Promise<number> {
  let cancelled = 0;
  for (const r of await listDispatchedRuns(ctx, run, run.started_at)) {
    if (r.status === 'completed') continue;
    try {
      await ctx.octokit.rest.actions.cancelWorkflowRun({ owner: ctx.owner, repo: ctx.repo, run_id: r.id });
      cancelled += 1;
    } catch (err) {
      // 409: it completed meanwhile.
      ctx.log.warn(`run ${run.id}: cancel workflow run ${r.id}: ${errorMessage(err)}`);
    }
  }
  return cancelled;
}
