import type { GitHubRestClient } from './octokit.js';
import { UserError } from '../errors.js';
import type { SpecSource } from '../spec/fs-spec-source.js';

/** Spec files bigger than this are not read (a tasks.md is a few kB; this guards the app's memory). */
export const MAX_SPEC_FILE_BYTES = 2 * 1024 * 1024;

export interface GitHubSpecSource extends SpecSource {
  /** True when GitHub cut the tree listing short (over 100,000 entries): some specs may be missing. */
  truncated(): boolean;
}

/**
 * A spec source over a commit on GitHub: one call lists the whole tree (recursive), one call per file
 * read (its blob, by the sha the tree gave). Only paths from the tree can be read, so nothing outside
 * the repository at that commit is reachable, whatever name a user asks for.
 */
export function githubSpecSource(options: {
  octokit: GitHubRestClient;
  owner: string;
  repo: string;
  /** A commit sha (or anything the trees API resolves to one). */
  commit: string;
}): GitHubSpecSource {
  const { octokit, owner, repo, commit } = options;
  let listing: Promise<Map<string, { sha: string; size: number }>> | undefined;
  let cut = false;

  const list = () =>
    (listing ??= octokit.rest.git
      .getTree({ owner, repo, tree_sha: commit, recursive: 'true' })
      .then(({ data }) => {
        cut = data.truncated;
        const blobs = new Map<string, { sha: string; size: number }>();
        for (const entry of data.tree) {
          if (entry.type === 'blob' && entry.path && entry.sha) {
            blobs.set(entry.path, { sha: entry.sha, size: entry.size ?? 0 });
          }
        }
        return blobs;
      }));

  return {
    async listFiles() {
      return [...(await list()).keys()];
    },
    async readFile(relativePath) {
      const blob = (await list()).get(relativePath);
      if (!blob) throw new UserError(`${relativePath}: no such file at ${commit.slice(0, 12)}`);
      if (blob.size > MAX_SPEC_FILE_BYTES) {
        throw new UserError(
          `${relativePath}: ${blob.size} bytes is more than a spec file may have (${MAX_SPEC_FILE_BYTES})`,
        );
      }
      const { data } = await octokit.rest.git.getBlob({ owner, repo, file_sha: blob.sha });
      return Buffer.from(data.content, data.encoding === 'base64' ? 'base64' : 'utf8').toString('utf8');
    },
    truncated: () => cut,
  };
}
