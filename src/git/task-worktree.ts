import { createHash } from 'node:crypto';
import { mkdir, readdir, realpath, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { gitLine, runGit } from './run-git.js';
import { resolveCommit } from './work-branch.js';

export interface TaskWorktree {
  /** Absolute, canonical path of the worktree. */
  path: string;
  /** The commit it was created at (resolved). */
  base: string;
  /** Unregisters the worktree and deletes its folder; safe to call twice. */
  remove(): Promise<void>;
}

export interface CreateTaskWorktreeOptions {
  repoDir: string;
  runId: string;
  taskId: string;
  /** A revision; the worktree is detached at the commit it names. */
  base: string;
}

/** A name safe as one path segment: never empty, `.` or `..`, and nothing that separates paths. */
export function sanitizeSegment(value: string): string {
  const cleaned = value.replace(/[^A-Za-z0-9._-]/g, '_').slice(0, 100);
  return /^\.*$/.test(cleaned) ? `_${cleaned}` : cleaned;
}

/**
 * Where this repository's task worktrees live: under the system temp folder, outside the user's
 * working tree (so they never show in `git status`) and outside .git (which Claude Code treats
 * specially). Keyed by the real common git dir, so linked worktrees of one repository share it.
 */
export async function worktreeRoot(repoDir: string): Promise<string> {
  const common = await gitLine(['rev-parse', '--git-common-dir'], { cwd: repoDir });
  const commonReal = await realpath(path.resolve(repoDir, common));
  const hash = createHash('sha256').update(commonReal).digest('hex').slice(0, 16);
  return path.join(await realpath(os.tmpdir()), 'quantumwala-worktrees', hash);
}

async function removeWorktreeAt(repoDir: string, dir: string): Promise<void> {
  // Twice --force also removes a locked worktree (one whose `git worktree add` was interrupted).
  await runGit(['worktree', 'remove', '--force', '--force', dir], { cwd: repoDir, allowFail: true });
  await rm(dir, { recursive: true, force: true });
}

export async function createTaskWorktree(options: CreateTaskWorktreeOptions): Promise<TaskWorktree> {
  const { repoDir } = options;
  const base = await resolveCommit(repoDir, options.base);
  if (base === null) throw new Error(`cannot create a worktree: "${options.base}" names no commit`);
  const root = await worktreeRoot(repoDir);
  const dir = path.join(root, sanitizeSegment(options.runId), sanitizeSegment(options.taskId));
  // Left over from an earlier attempt of the same task in the same run.
  await removeWorktreeAt(repoDir, dir);
  await mkdir(path.dirname(dir), { recursive: true });
  await runGit(['worktree', 'add', '--detach', dir, base], { cwd: repoDir });
  let removed: Promise<void> | undefined;
  return {
    path: dir,
    base,
    remove() {
      removed ??= removeWorktreeAt(repoDir, dir);
      return removed;
    },
  };
}

export interface WorktreeEntry {
  path: string;
  head: string | null;
  locked: boolean;
  prunable: boolean;
}

/** `git worktree list`, main worktree first. */
export async function listWorktrees(repoDir: string): Promise<WorktreeEntry[]> {
  const out = (await runGit(['worktree', 'list', '--porcelain', '-z'], { cwd: repoDir })).stdout;
  const entries: WorktreeEntry[] = [];
  let current: WorktreeEntry | undefined;
  for (const field of out.split('\0')) {
    if (field === '') {
      current = undefined;
      continue;
    }
    const [key = '', ...rest] = field.split(' ');
    const value = rest.join(' ');
    if (key === 'worktree') {
      current = { path: value, head: null, locked: false, prunable: false };
      entries.push(current);
    } else if (current && key === 'HEAD') current.head = value;
    else if (current && key === 'locked') current.locked = true;
    else if (current && key === 'prunable') current.prunable = true;
  }
  return entries;
}

async function canonical(p: string): Promise<string> {
  try {
    return await realpath(p);
  } catch {
    return path.resolve(p);
  }
}

/**
 * Removes this repository's task worktrees left behind by earlier runs (after a crash), except those
 * of `keepRunIds`, plus stray folders under the worktree root, then prunes git's records. Returns the
 * removed paths.
 */
export async function cleanupStaleWorktrees(
  repoDir: string,
  options: { keepRunIds?: readonly string[] } = {},
): Promise<string[]> {
  const root = await worktreeRoot(repoDir);
  const keep = new Set((options.keepRunIds ?? []).map(sanitizeSegment));
  const isStale = (p: string): boolean => {
    const rel = path.relative(root, p);
    if (rel === '' || rel.startsWith('..') || path.isAbsolute(rel)) return false;
    return !keep.has(rel.split(path.sep)[0] ?? '');
  };
  const removed: string[] = [];
  for (const entry of await listWorktrees(repoDir)) {
    const p = await canonical(entry.path);
    if (!isStale(p)) continue;
    await removeWorktreeAt(repoDir, p);
    removed.push(p);
  }
  // Folders git no longer knows (a crash during `git worktree add`, or records already pruned).
  let runs: string[] = [];
  try {
    runs = await readdir(root);
  } catch {
    runs = [];
  }
  for (const run of runs) {
    const runDir = path.join(root, run);
    if (!isStale(runDir)) continue;
    let tasks: string[] = [];
    try {
      tasks = await readdir(runDir);
    } catch {
      tasks = [];
    }
    for (const task of tasks) {
      const p = path.join(runDir, task);
      if (!removed.includes(p)) removed.push(p);
    }
    await rm(runDir, { recursive: true, force: true });
  }
  await runGit(['worktree', 'prune'], { cwd: repoDir });
  return removed;
}
