import type { Context } from 'probot';
import type { QuantumwalaConfig } from '../../src/config/index.js';
import { appConfig } from '../github/load-app-config.js';
import type { RepoContext } from '../runs/repo-context.js';

/** What every handler shares: the clock, ids, and a short-lived cache of each repository's config. */
export interface AppDeps {
  now: () => Date;
  newId: () => string;
  /** How long a repository's `.github/quantumwala.yml` is reused (ms; 0 = read it for every event). */
  configTtlMs: number;
  configCache: Map<string, { at: number; raw: unknown }>;
}

type RepoEvent = Context<'issue_comment' | 'push' | 'workflow_job' | 'workflow_run' | 'check_run'>;

/** The repository of a webhook as the run code sees it. */
export function repoContext(context: RepoEvent, deps: AppDeps): RepoContext {
  const { owner, repo } = context.repo();
  return {
    // Probot's client is @octokit/core with the REST endpoint methods, retries and throttling.
    octokit: context.octokit,
    owner,
    repo,
    htmlUrl: context.payload.repository.html_url,
    log: {
      info: (m) => context.log.info(m),
      warn: (m) => context.log.warn(m),
      error: (m) => context.log.error(m),
    },
    now: deps.now,
    newId: deps.newId,
  };
}

/**
 * `.github/quantumwala.yml` through Probot's `context.config` (which applies `_extends`), through the
 * shared schema. Cached briefly per repository: job and run webhooks come in bursts.
 */
export async function repoConfig(context: RepoEvent, deps: AppDeps): Promise<QuantumwalaConfig> {
  const key = context.payload.repository.full_name;
  const hit = deps.configCache.get(key);
  const now = deps.now().getTime();
  let raw: unknown;
  if (hit && now - hit.at < deps.configTtlMs) raw = hit.raw;
  else {
    raw = await context.config('quantumwala.yml');
    deps.configCache.set(key, { at: now, raw });
  }
  return appConfig(raw);
}
