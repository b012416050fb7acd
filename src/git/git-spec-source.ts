import path from 'node:path';
import type { SpecSource } from '../spec/fs-spec-source.js';
import { globBase } from '../spec/glob.js';
import { SPEC_ROOTS } from '../spec/locate-specs.js';
import { runGit } from './run-git.js';
import { readTreeFile } from './tree-file.js';
import { resolveCommit } from './work-branch.js';

interface Entry {
  mode: string;
  oid: string;
}

function isUnder(file: string, base: string): boolean {
  return base === '' || file === base || file.startsWith(`${base}/`);
}

/**
 * A spec source over a git ref instead of the working tree: the work branch holds the ticked boxes
 * the user's checkout does not. The ref is resolved once, so every read sees the same commit. Only
 * regular files are listed and read (a symbolic link's blob is its target's name, not the file).
 */
export function gitSpecSource(repoDir: string, ref: string, globs: readonly string[] = []): SpecSource {
  const bases = [...new Set([...SPEC_ROOTS, ...globs.map(globBase)])].filter(
    (b) => !b.split('/').includes('..') && !path.isAbsolute(b),
  );
  let resolved: Promise<string> | undefined;
  let tree: Promise<Map<string, Entry>> | undefined;

  async function resolve(): Promise<string> {
    const commit = await resolveCommit(repoDir, ref);
    if (commit === null) throw new Error(`"${ref}" names no commit`);
    return commit;
  }

  async function load(): Promise<Map<string, Entry>> {
    resolved ??= resolve();
    const commit = await resolved;
    const pathspec = bases.includes('') ? [] : bases;
    const out = await runGit(['ls-tree', '-r', '--full-tree', '-z', commit, '--', ...pathspec], {
      cwd: repoDir,
    });
    const entries = new Map<string, Entry>();
    for (const record of out.stdout.split('\0')) {
      const m = /^(\d+) blob ([0-9a-f]+)\t(.*)$/s.exec(record);
      if (m?.[1] && m[2] && m[3] !== undefined && bases.some((b) => isUnder(m[3] ?? '', b))) {
        entries.set(m[3], { mode: m[1], oid: m[2] });
      }
    }
    return entries;
  }

  return {
    async listFiles() {
      tree ??= load();
      return [...(await tree).entries()]
        .filter(([, e]) => e.mode === '100644' || e.mode === '100755')
        .map(([file]) => file)
        .sort();
    },
    async readFile(relativePath) {
      const parts = relativePath.split(/[\\/]/);
      if (path.isAbsolute(relativePath) || parts.includes('..') || parts.includes('.')) {
        throw new Error('not a repository-relative path');
      }
      tree ??= load();
      const entry = (await tree).get(relativePath);
      if (entry) {
        if (entry.mode !== '100644' && entry.mode !== '100755') throw new Error('not a regular file');
        return (await runGit(['cat-file', 'blob', entry.oid], { cwd: repoDir })).stdout;
      }
      // Outside the listed folders (a file a spec refers to): look it up on its own.
      resolved ??= resolve();
      const file = await readTreeFile(repoDir, await resolved, relativePath);
      if (!file) throw new Error(`no such regular file in ${ref}`);
      return file.content;
    },
  };
}
