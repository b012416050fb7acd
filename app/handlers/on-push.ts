import type { Context } from 'probot';
import { ConfigError } from '../../src/config/index.js';
import { errorMessage, UserError } from '../../src/errors.js';
import { DEFAULT_GIT_IDENTITY } from '../../src/git/git-identity.js';
import { githubSpecSource } from '../../src/github/github-spec-source.js';
import { locateSpecs } from '../../src/spec/locate-specs.js';
import { isBot } from '../github/authorize.js';
import { startRun } from '../runs/start-run.js';
import { repoConfig, repoContext, type AppDeps } from './app-deps.js';

/**
 * A push to the default branch that adds or changes a spec's tasks file starts a run of that spec,
 * when `github.triggers.push` is on. Pushes by bots (this app, the jobs' GITHUB_TOKEN), to other
 * branches (work branches, the state branch), and commits made by runs are ignored before any API call.
 */
export async function onPush(context: Context<'push'>, deps: AppDeps): Promise<void> {
  const { ref, repository, sender, after, deleted, commits } = context.payload;
  if (deleted || ref !== `refs/heads/${repository.default_branch}` || isBot(sender)) return;
  // Commits made by runs (landed tasks, ticked checkboxes) start nothing; a person's commits do.
  const byPeople = commits.filter((c) => c.committer.email !== DEFAULT_GIT_IDENTITY.email);
  const changed = new Set(byPeople.flatMap((c) => [...(c.added ?? []), ...(c.modified ?? [])]));
  if (![...changed].some((f) => /(^|\/)([\w.-]+-)?tasks\.md$/i.test(f))) return;
  const ctx = repoContext(context, deps);
  let config;
  try {
    config = await repoConfig(context, deps);
  } catch (err) {
    if (err instanceof ConfigError) return ctx.log.warn(`push ${after}: ${err.message}`);
    throw err;
  }
  if (!config.github.triggers.push) return;
  const source = githubSpecSource({ octokit: ctx.octokit, owner: ctx.owner, repo: ctx.repo, commit: after });
  const specs = locateSpecs(await source.listFiles(), config.workflow.spec_globs).filter(
    (s) => s.tasksFile !== undefined && changed.has(s.tasksFile),
  );
  for (const spec of specs) {
    try {
      const result = await startRun(ctx, {
        spec: spec.dir,
        includeOptional: false,
        commit: after,
        defaultBranch: repository.default_branch,
        requestedBy: sender?.login ?? context.payload.pusher.name,
        source,
        runId: `p${after.slice(0, 12)}-${spec.name.replace(/[^\w.-]/g, '_')}`,
        config,
      });
      ctx.log.info(`push ${after.slice(0, 12)}: ${spec.name}: ${result.kind}`);
    } catch (err) {
      if (!(err instanceof UserError)) throw err;
      ctx.log.warn(`push ${after.slice(0, 12)}: ${spec.name} not started: ${errorMessage(err)}`);
    }
  }
}
