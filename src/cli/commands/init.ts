import { lstat, mkdir, readFile, readlink, realpath, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { GITHUB_CONFIG_FILE } from '../../config/index.js';
import { errorMessage, UserError } from '../../errors.js';
import { runGit } from '../../git/index.js';
import type { CliIo } from '../io.js';

/** Where `init` writes the matrix workflow, relative to the repository. */
export const WORKFLOW_FILE = '.github/workflows/quantumwala.yml';

/**
 * The package's root: this file is src/cli/commands/init.ts (under tsx) or lib/src/cli/commands/init.js
 * (built). The files `init` copies are shipped in package.json's "files".
 */
const PACKAGE_ROOT = fileURLToPath(
  new URL(import.meta.url.includes('/lib/src/') ? '../../../../' : '../../../', import.meta.url),
);

/** What `init` writes: the project's own matrix workflow, and the commented config template. */
export const INIT_SOURCES = {
  workflow: path.join(PACKAGE_ROOT, WORKFLOW_FILE),
  config: path.join(PACKAGE_ROOT, 'templates', 'quantumwala.yml'),
} as const;

export interface InitOptions {
  /** The repository to write into (relative paths are taken from io.cwd). */
  repoDir: string;
  /** Overwrite files that exist. */
  force: boolean;
}

interface Target {
  /** Repository-relative, with forward slashes. */
  rel: string;
  source: string;
  what: string;
  exists: boolean;
}

/**
 * `quantumwala init`: writes the matrix workflow and a commented `.github/quantumwala.yml` into a
 * repository. Checks everything before writing anything: an existing file (without --force) or a path
 * that leads out of the repository writes nothing.
 */
export async function initCommand(options: InitOptions, io: CliIo): Promise<number> {
  const repoDir = path.resolve(io.cwd, options.repoDir);
  const repoReal = await repositoryRoot(repoDir);

  const targets: Target[] = [];
  for (const [rel, source, what] of [
    [WORKFLOW_FILE, INIT_SOURCES.workflow, 'the matrix workflow the app dispatches'],
    [GITHUB_CONFIG_FILE, INIT_SOURCES.config, 'the settings, commented out at their defaults'],
  ] as const) {
    targets.push({ rel, source, what, exists: await checkTarget(repoDir, repoReal, rel) });
  }
  const existing = targets.filter((t) => t.exists);
  if (existing.length > 0 && !options.force) {
    const names = existing.map((t) => path.join(repoDir, t.rel)).join(' and ');
    throw new UserError(
      `${names} already ${existing.length > 1 ? 'exist' : 'exists'}; use --force to overwrite`,
    );
  }

  const contents = await Promise.all(targets.map((t) => readSource(t.source)));
  for (const [i, target] of targets.entries()) {
    const file = path.join(repoDir, target.rel);
    try {
      await mkdir(path.dirname(file), { recursive: true });
      // 'wx' fails on anything that appeared since the check, a symlink included.
      await writeFile(file, contents[i] as Buffer, { flag: target.exists ? 'w' : 'wx' });
    } catch (err) {
      throw new UserError(`cannot write ${file}: ${errorMessage(err)}`);
    }
  }

  const width = Math.max(...targets.map((t) => t.rel.length));
  const lines = targets.map((t) => `${t.exists ? 'overwrote' : 'wrote'} ${t.rel.padEnd(width)}  ${t.what}`);
  const top = await gitTopLevel(repoDir);
  if (top === undefined) {
    lines.push(
      '',
      `note: ${repoDir} is not in a git repository; GitHub reads .github/ at a repository's root`,
    );
  } else if (top !== repoReal) {
    lines.push(
      '',
      `note: ${repoDir} is not the top of its git repository (${top}); GitHub reads .github/ only there`,
    );
  }
  lines.push(
    '',
    'Next steps:',
    '  1. Commit both files and push them to the default branch (a dispatched workflow must be there).',
    "  2. Install the Quantumwala GitHub App on the repository (or register your own from Quantumwala's app.yml).",
    '  3. Add the repository secret ANTHROPIC_API_KEY (Settings > Secrets and variables > Actions).',
    '  4. Comment `/quantumwala run <spec>` on an issue or pull request.',
  );
  io.stdout(lines.join('\n'));
  return 0;
}

/** The real path of the repository directory; it must exist and be a directory. */
async function repositoryRoot(repoDir: string): Promise<string> {
  try {
    if (!(await stat(repoDir)).isDirectory()) throw new UserError(`--repo ${repoDir}: not a directory`);
    return await realpath(repoDir);
  } catch (err) {
    if (err instanceof UserError) throw err;
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') throw new UserError(`--repo ${repoDir}: no such directory`);
    throw new UserError(`--repo ${repoDir}: ${errorMessage(err)}`);
  }
}

function isInside(root: string, candidate: string): boolean {
  const rel = path.relative(root, candidate);
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
}

/**
 * Whether the target exists. Throws when any existing part of its path (the folders or the file
 * itself) is a symlink that leads out of the repository, a dangling symlink, or not what it should be.
 */
async function checkTarget(repoDir: string, repoReal: string, rel: string): Promise<boolean> {
  const parts = rel.split('/');
  for (let i = 1; i <= parts.length; i++) {
    const partial = parts.slice(0, i).join('/');
    const full = path.join(repoDir, partial);
    const isFile = i === parts.length;
    const info = await lstat(full).catch((err: NodeJS.ErrnoException) => {
      if (err.code === 'ENOENT') return undefined;
      throw new UserError(`cannot check ${full}: ${errorMessage(err)}`);
    });
    if (info === undefined) return false; // missing: it and everything below it will be created
    let real = full;
    if (info.isSymbolicLink()) {
      const resolved = await realpath(full).catch(() => undefined);
      if (resolved === undefined) {
        const target = await readlink(full).catch(() => '?');
        throw new UserError(
          `${full} is a symlink to ${target}, which does not exist; refusing to write through it`,
        );
      }
      if (!isInside(repoReal, resolved)) {
        throw new UserError(
          `${full} is a symlink to ${resolved}, outside ${repoReal}; refusing to write there`,
        );
      }
      real = resolved;
    }
    const kind = await stat(real);
    if (isFile && !kind.isFile()) throw new UserError(`${full} exists and is not a file`);
    if (!isFile && !kind.isDirectory()) throw new UserError(`${full} exists and is not a directory`);
  }
  return true;
}

async function readSource(file: string): Promise<Buffer> {
  try {
    return await readFile(file);
  } catch (err) {
    throw new UserError(`cannot read ${file}, which this package should ship: ${errorMessage(err)}`);
  }
}

/** The top of the git repository holding `dir`, or undefined when it is in none (or git is missing). */
async function gitTopLevel(dir: string): Promise<string | undefined> {
  try {
    const result = await runGit(['rev-parse', '--show-toplevel'], { cwd: dir, allowFail: true });
    if (result.exitCode !== 0) return undefined;
    return await realpath(result.stdout.trim());
  } catch {
    return undefined;
  }
}
