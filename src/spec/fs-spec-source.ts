import { errorMessage } from '../errors.js';
import { lstat, readdir, readFile, realpath } from 'node:fs/promises';
import path from 'node:path';
import { globBase } from './glob.js';
import { SPEC_ROOTS } from './locate-specs.js';

/** Reads a repository's files for spec discovery: the local checkout, or the GitHub API in the app. */
export interface SpecSource {
  /** Repo-relative, `/`-separated paths of the files that may belong to specs. */
  listFiles(): Promise<string[]>;
  readFile(relativePath: string): Promise<string>;
}

const SKIP_DIRS = new Set(['node_modules', '.git']);
const MAX_DEPTH = 6;
const MAX_FILES = 20_000;

/**
 * A spec source over a local checkout. It walks only the spec roots and the static prefixes of the
 * configured globs, and never reads a file whose real path is outside the repository (symbolic links
 * included).
 */
export function fsSpecSource(repoDir: string, globs: readonly string[] = []): SpecSource {
  const root = path.resolve(repoDir);
  let realRoot: Promise<string> | undefined;

  async function walk(rel: string, depth: number, out: Set<string>): Promise<void> {
    if (depth > MAX_DEPTH || out.size >= MAX_FILES) return;
    let entries;
    try {
      entries = await readdir(path.join(root, rel), { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries) {
      const child = rel === '' ? e.name : `${rel}/${e.name}`;
      if (e.isDirectory()) {
        if (!SKIP_DIRS.has(e.name)) await walk(child, depth + 1, out);
      } else if (e.isFile() || e.isSymbolicLink()) {
        out.add(child);
      }
    }
  }

  return {
    async listFiles() {
      const out = new Set<string>();
      const bases = [...SPEC_ROOTS, ...globs.map(globBase)];
      for (const base of new Set(bases)) {
        if (base.split('/').includes('..') || path.isAbsolute(base)) continue;
        await walk(base, base === '' ? 0 : base.split('/').length, out);
      }
      return [...out].sort();
    },
    async readFile(relativePath) {
      const target = path.resolve(root, relativePath);
      realRoot ??= realpath(root);
      let targetReal: string;
      try {
        targetReal = await realpath(target);
      } catch (err) {
        throw new Error(describeFsError(err));
      }
      const rootReal = await realRoot;
      if (targetReal !== rootReal && !targetReal.startsWith(rootReal + path.sep)) {
        throw new Error('it resolves outside the repository');
      }
      try {
        const info = await lstat(targetReal);
        if (!info.isFile()) throw Object.assign(new Error('not a regular file'), { code: 'EISDIR' });
        return await readFile(targetReal, 'utf8');
      } catch (err) {
        throw new Error(describeFsError(err));
      }
    },
  };
}

/** A short reason for a failed read that names no absolute path (messages quote repo-relative paths). */
function describeFsError(err: unknown): string {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  switch (code) {
    case 'ENOENT':
      return 'no such file (a broken symbolic link?)';
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'EISDIR':
      return 'not a regular file';
    case 'ELOOP':
      return 'too many symbolic links';
    default:
      return code ?? errorMessage(err);
  }
}
