import { createGitHubStateStore, type GitHubStateStore } from '../../src/state/github-state-store.js';
import type { RepoContext } from './repo-context.js';

/** The run state of a repository on its state branch, written by compare-and-swap through the API. */
export function openStateStore(ctx: RepoContext, branch: string): GitHubStateStore {
  return createGitHubStateStore({
    octokit: ctx.octokit,
    owner: ctx.owner,
    repo: ctx.repo,
    branch,
    onWarning: (m) => ctx.log.warn(m),
    now: ctx.now,
    // Probot's client spaces writes itself; the store need not wait for it after a lost race.
    writeSpacingMs: 0,
  });
}
