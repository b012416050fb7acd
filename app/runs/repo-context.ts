import type { GitHubRestClient } from '../../src/github/octokit.js';

/** Where the app's messages go: strings only (never a token, never a request's headers). */
export interface AppLog {
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

/** One repository as a webhook handler sees it: an installation client, the clock and id source. */
export interface RepoContext {
  octokit: GitHubRestClient;
  owner: string;
  repo: string;
  /** The repository's web address (https://github.com/owner/repo, or a GitHub Enterprise one). */
  htmlUrl: string;
  log: AppLog;
  now: () => Date;
  newId: () => string;
}
