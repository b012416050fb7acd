import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { gitLine, runGit } from './run-git.js';

export interface TreeFile {
  mode: string;
  oid: string;
  content: string;
}

/** A regular file at a repo-relative path in a commit or tree, or null when there is none. */
export async function readTreeFile(repoDir: string, treeish: string, file: string): Promise<TreeFile | null> {
  // --full-tree: the path is relative to the repository's root whatever repoDir is.
  const listed = await runGit(['ls-tree', '--full-tree', '-z', treeish, '--', file], { cwd: repoDir });
  const entry = listed.stdout.split('\0').find((e) => e.endsWith(`\t${file}`));
  const m = entry ? /^(\d+) blob ([0-9a-f]+)\t/.exec(entry) : null;
  if (!m || !m[1] || !m[2] || !/^100(644|755)$/.test(m[1])) return null;
  const content = (await runGit(['cat-file', 'blob', m[2]], { cwd: repoDir })).stdout;
  return { mode: m[1], oid: m[2], content };
}

/**
 * A new tree: `tree` with one file's content replaced. Built in a throwaway index, so no worktree's
 * index (least of all the user's) is touched.
 */
export async function writeTreeWithFile(
  repoDir: string,
  tree: string,
  file: TreeFile & { path: string },
): Promise<string> {
  const tmp = await mkdtemp(path.join(os.tmpdir(), 'quantumwala-index-'));
  try {
    const env = { GIT_INDEX_FILE: path.join(tmp, 'index') };
    await runGit(['read-tree', tree], { cwd: repoDir, env });
    const blob = await gitLine(['hash-object', '-w', '--stdin'], { cwd: repoDir, input: file.content });
    await runGit(['update-index', '--add', '--cacheinfo', `${file.mode},${blob},${file.path}`], {
      cwd: repoDir,
      env,
    });
    return await gitLine(['write-tree'], { cwd: repoDir, env });
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
}
