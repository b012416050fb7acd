import { errorMessage } from '../../src/errors.js';
import type { RunRecord } from '../../src/state/state-schema.js';
import { renderCheckRun } from '../checks/render-check-run.js';
import type { RepoContext } from './repo-context.js';

export interface PullRequestRef {
  number: number;
  url: string;
  created: boolean;
}

function prBody(run: RunRecord, summary: string): string {
  return [
    `Work of Quantumwala run \`${run.id}\` on spec \`${run.spec}\`` +
      (run.requested_by ? `, asked for by @${run.requested_by}` : '') +
      '.',
    '',
    summary,
  ].join('\n');
}

/**
 * Opens the pull request from the run's work branch to its base, or updates the one already open.
 * Null when there is nothing to propose (no commit on the work branch beyond the base).
 */
export async function openOrUpdatePullRequest(
  ctx: RepoContext,
  run: RunRecord,
): Promise<PullRequestRef | null> {
  const github = run.github;
  if (!github) return null;
  const { summary } = renderCheckRun(run, { now: ctx.now() });
  const body = prBody(run, summary);
  const { data: open } = await ctx.octokit.rest.pulls.list({
    owner: ctx.owner,
    repo: ctx.repo,
    head: `${ctx.owner}:${run.work_branch}`,
    base: github.base_branch,
    state: 'open',
    per_page: 1,
  });
  const existing = open[0];
  if (existing) {
    await ctx.octokit.rest.pulls.update({
      owner: ctx.owner,
      repo: ctx.repo,
      pull_number: existing.number,
      body,
    });
    return { number: existing.number, url: existing.html_url, created: false };
  }
  try {
    const { data } = await ctx.octokit.rest.pulls.create({
      owner: ctx.owner,
      repo: ctx.repo,
      head: run.work_branch,
      base: github.base_branch,
      title: `Quantumwala: ${run.spec}`,
      body,
      draft: github.draft,
      maintainer_can_modify: true,
    });
    return { number: data.number, url: data.html_url, created: true };
  } catch (err) {
    // 422 "No commits between …": nothing landed, so there is nothing to propose.
    if (/no commits between/i.test(errorMessage(err))) return null;
    throw err;
  }
}

const OUTCOME: Record<RunRecord['status'], string> = {
  running: 'is running',
  succeeded: 'succeeded',
  failed: 'failed',
  budget_exceeded: 'stopped: budget spent',
  interrupted: 'was interrupted',
  cancelled: 'was cancelled',
};

/** The reply on the issue the run was asked for on, naming who asked. */
export function finishReply(
  run: RunRecord,
  links: { pr: PullRequestRef | null; checkUrl?: string; prError?: string },
): string {
  const tasks = Object.values(run.tasks);
  const ok = tasks.filter((t) => t.status === 'succeeded').length;
  const lines = [
    `${run.requested_by ? `@${run.requested_by} ` : ''}Quantumwala run \`${run.id}\` of \`${run.spec}\` ${OUTCOME[run.status]}: ` +
      `${ok} of ${tasks.length} task(s) succeeded, $${run.cost_usd.toFixed(4)}.`,
  ];
  const failed = Object.entries(run.tasks).filter(
    ([, t]) => t.status === 'failed' || t.status === 'interrupted',
  );
  if (failed.length > 0) {
    lines.push(
      `Failed: ${failed
        .slice(0, 20)
        .map(
          ([id, t]) => `\`${id}\` (${t.result?.error_class ?? t.attempts.at(-1)?.error_class ?? 'failed'})`,
        )
        .join(
          ', ',
        )}${failed.length > 20 ? ', …' : ''}. Comment \`/quantumwala retry ${run.spec}\` to run them again.`,
    );
  }
  if (links.pr) lines.push(`Pull request: ${links.pr.url}`);
  else if (links.prError) lines.push(`The pull request could not be opened: ${links.prError}`);
  else lines.push('No pull request: nothing landed on the work branch.');
  if (links.checkUrl) lines.push(`Details: ${links.checkUrl}`);
  return lines.join('\n\n');
}

/** End of a run: the pull request, then the reply on the issue. Errors are reported, not thrown. */
export async function finishRun(ctx: RepoContext, run: RunRecord): Promise<void> {
  let pr: PullRequestRef | null = null;
  let prError: string | undefined;
  try {
    pr = await openOrUpdatePullRequest(ctx, run);
  } catch (err) {
    prError = errorMessage(err).slice(0, 300);
    ctx.log.warn(`run ${run.id}: pull request: ${prError}`);
  }
  const issue = run.github?.issue_number;
  if (!issue) return;
  const checkId = run.github?.check_run_id;
  const checkUrl = checkId ? `${ctx.htmlUrl}/runs/${checkId}` : undefined;
  try {
    await ctx.octokit.rest.issues.createComment({
      owner: ctx.owner,
      repo: ctx.repo,
      issue_number: issue,
      body: finishReply(run, { pr, ...(checkUrl ? { checkUrl } : {}), ...(prError ? { prError } : {}) }),
    });
  } catch (err) {
    ctx.log.warn(`run ${run.id}: reply on #${issue}: ${errorMessage(err)}`);
  }
}
