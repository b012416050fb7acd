import { graphOptions, workBranchFor, type QuantumwalaConfig } from '../../src/config/index.js';
import { githubSpecSource, type GitHubSpecSource } from '../../src/github/github-spec-source.js';
import { planSpec } from '../../src/graph/plan-spec.js';
import { selectTasks } from '../../src/graph/select-tasks.js';
import { loadSpec } from '../../src/spec/load-spec.js';
import { findSpec } from '../../src/spec/resolve-spec.js';
import type { RunStartedEvent } from '../../src/state/events.js';
import type { RunRecord } from '../../src/state/state-schema.js';
import { advanceRun, sentTasks } from './advance-run.js';
import type { RepoContext } from './repo-context.js';

export interface StartRunRequest {
  spec: string;
  maxConcurrent?: number;
  only?: string[];
  includeOptional: boolean;
  /** The commit the spec is read from (the default branch's tip, or a same-repo pull request's head). */
  commit: string;
  /** The repository's default branch: workflows are dispatched on it and the pull request goes to it. */
  defaultBranch: string;
  requestedBy: string;
  issueNumber?: number;
  /** Derived from what asked (the comment, the push), so a redelivered webhook finds its run. */
  runId: string;
  config: QuantumwalaConfig;
  /** The files at `commit`, when the caller has listed them already (the push trigger). */
  source?: GitHubSpecSource;
}

export type StartRunResult =
  | { kind: 'started'; run: RunRecord; dispatched: string[]; warnings: string[] }
  | { kind: 'exists'; run: RunRecord }
  | { kind: 'busy'; other: RunRecord }
  | { kind: 'nothing'; message: string };

/**
 * Starts a run of a spec: reads the spec at `commit` through the API into the shared parser, plans
 * it, makes sure the work branch exists, and records the run together with its first dispatch in
 * one compare-and-swap; then dispatches, creates the check run. Throws UserError (a SpecError names
 * file and line) for a spec that cannot run.
 */
export async function startRun(ctx: RepoContext, req: StartRunRequest): Promise<StartRunResult> {
  const { config } = req;
  const globs = config.workflow.spec_globs;
  const source =
    req.source ??
    githubSpecSource({
      octokit: ctx.octokit,
      owner: ctx.owner,
      repo: ctx.repo,
      commit: req.commit,
    });
  const location = await findSpec(source, req.spec, globs);
  const spec = await loadSpec(source, location);
  const options = graphOptions(config);
  const plan = planSpec(spec, {
    ...options,
    includeOptional: req.includeOptional || options.includeOptional,
  });
  const selected = selectTasks(plan, req.only);
  if (selected.size === 0) {
    return {
      kind: 'nothing',
      message: `every task of ${spec.tasks.file} is done (or blocked): nothing to run`,
    };
  }
  const workBranch = workBranchFor(config, location.name);
  await ensureWorkBranch(ctx, workBranch, req.commit);

  const doneInFile = new Set(plan.graph.units.filter((u) => u.status === 'done').map((u) => u.id));
  const started: RunStartedEvent = {
    type: 'run_started',
    id: `run_started:${req.runId}`,
    at: ctx.now().toISOString(),
    runId: req.runId,
    spec: location.name,
    specDir: location.dir,
    format: location.format,
    workBranch,
    requestedBy: req.requestedBy,
    mode: 'github',
    maxConcurrent: req.maxConcurrent ?? config.resources.max_concurrent_tasks,
    ...(config.execution.run_budget_usd ? { budgetUsd: config.execution.run_budget_usd } : {}),
    github: {
      headSha: req.commit,
      baseBranch: config.github.pull_request.base ?? req.defaultBranch,
      ...(req.issueNumber ? { issueNumber: req.issueNumber } : {}),
      workflowFile: config.github.workflow_file,
      runnerLabels: config.github.runner_labels,
      maxMatrix: config.github.max_matrix,
      stateBranch: config.workflow.state_branch,
      jobRetries: config.execution.max_retries,
      draft: config.github.pull_request.draft,
    },
    // Dependencies done in the file are met; the rest are tasks of this run (or block their dependents).
    tasks: plan.graph.units
      .filter((u) => selected.has(u.id))
      .map((u) => ({
        id: u.id,
        title: u.title,
        deps: u.deps.filter((d) => !doneInFile.has(d)),
        ...(u.source.agent ? { agent: u.source.agent } : {}),
      })),
  };

  let busy: RunRecord | undefined;
  const result = await advanceRun(ctx, config.workflow.state_branch, req.runId, (run, state) => {
    busy = undefined;
    if (run) return [];
    busy = Object.values(state.runs).find(
      (r) => r.spec === location.name && r.mode === 'github' && r.status === 'running',
    );
    return busy ? [] : [started];
  });
  if (busy) return { kind: 'busy', other: busy };
  if (!result.run) throw new Error(`run ${req.runId} was not recorded`);
  if (!result.written.some((e) => e.type === 'run_started')) return { kind: 'exists', run: result.run };
  const dispatched = sentTasks(result);
  return {
    kind: 'started',
    run: result.run,
    dispatched,
    warnings: plan.warnings.map((w) => `${w.file}${w.line ? `:${w.line}` : ''}: ${w.message}`),
  };
}

/** Creates the work branch at `commit` unless it exists (tasks landed there earlier stay done). */
async function ensureWorkBranch(ctx: RepoContext, branch: string, commit: string): Promise<void> {
  try {
    await ctx.octokit.rest.git.getRef({ owner: ctx.owner, repo: ctx.repo, ref: `heads/${branch}` });
    return;
  } catch (err) {
    if ((err as { status?: number }).status !== 404) throw err;
  }
  try {
    await ctx.octokit.rest.git.createRef({
      owner: ctx.owner,
      repo: ctx.repo,
      ref: `refs/heads/${branch}`,
      sha: commit,
    });
  } catch (err) {
    // Created meanwhile by a webhook for the same run: fine.
    if ((err as { status?: number }).status !== 422) throw err;
  }
}
