import { existsSync } from 'node:fs';
import { mkdir, readFile, realpath, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  cleanupStaleWorktrees,
  createTaskWorktree,
  listWorktrees,
  sanitizeSegment,
  worktreeRoot,
} from '../../src/git/task-worktree.js';
import { runGit } from '../../src/git/run-git.js';
import { ensureBranch } from '../../src/git/work-branch.js';
import { checkoutSnapshot, commitFiles, git, gitTestRepo, writeFiles } from '../support/git-test-repo.js';

describe('task worktrees', () => {
  it('creates a detached worktree at the tip, outside the repository, and removes it', async () => {
    const repo = await gitTestRepo({ 'a.txt': 'main\n' });
    await writeFiles(repo, { 'a.txt': 'uncommitted\n', 'new.txt': 'untracked\n' });
    const before = await checkoutSnapshot(repo);
    await git(repo, 'branch', 'work');
    await git(repo, 'worktree', 'add', '-q', path.join(repo, '..', `${path.basename(repo)}-side`), 'work');
    const sideCommit = await commitFiles(path.join(repo, '..', `${path.basename(repo)}-side`), {
      'a.txt': 'work\n',
    });
    const tip = await ensureBranch(repo, 'work');
    expect(tip).toBe(sideCommit);

    const wt = await createTaskWorktree({ repoDir: repo, runId: 'run-1', taskId: '2.1', base: 'work' });
    const tmp = await realpath(os.tmpdir());
    expect(wt.base).toBe(tip);
    expect(wt.path.startsWith(path.join(tmp, 'quantumwala-worktrees') + path.sep)).toBe(true);
    expect(wt.path.endsWith(path.join('run-1', '2.1'))).toBe(true);
    expect(await git(wt.path, 'rev-parse', 'HEAD')).toBe(tip);
    expect(await git(wt.path, 'status', '--porcelain')).toBe('');
    expect(await readFile(path.join(wt.path, 'a.txt'), 'utf8')).toBe('work\n');
    expect((await runGit(['symbolic-ref', '-q', 'HEAD'], { cwd: wt.path, allowFail: true })).exitCode).toBe(
      1,
    );
    expect(await checkoutSnapshot(repo)).toEqual(before);

    await wt.remove();
    await wt.remove();
    expect(existsSync(wt.path)).toBe(false);
    expect((await listWorktrees(repo)).map((w) => w.path)).not.toContain(wt.path);
    expect(await checkoutSnapshot(repo)).toEqual(before);
    await git(repo, 'worktree', 'remove', '--force', path.join(repo, '..', `${path.basename(repo)}-side`));
  });

  it('reuses the path of an earlier attempt of the same task', async () => {
    const repo = await gitTestRepo();
    const first = await createTaskWorktree({ repoDir: repo, runId: 'r', taskId: 'T1', base: 'HEAD' });
    await writeFiles(first.path, { 'junk.txt': 'left over\n' });
    const next = await commitFiles(repo, { 'b.txt': 'b\n' });
    const second = await createTaskWorktree({ repoDir: repo, runId: 'r', taskId: 'T1', base: next });
    expect(second.path).toBe(first.path);
    expect(await git(second.path, 'rev-parse', 'HEAD')).toBe(next);
    expect(existsSync(path.join(second.path, 'junk.txt'))).toBe(false);
    expect(await listWorktrees(repo)).toHaveLength(2);
  });

  it('keeps every path segment inside its folder', () => {
    expect(sanitizeSegment('../../etc')).toBe('.._.._etc');
    expect(sanitizeSegment('..')).toBe('_..');
    expect(sanitizeSegment('a/b c')).toBe('a_b_c');
    expect(sanitizeSegment('')).toBe('_');
  });

  it('cleans up worktrees left behind by a crashed run', async () => {
    const repo = await gitTestRepo();
    const before = await checkoutSnapshot(repo);
    const crashed = await Promise.all(
      ['1', '2', '3'].map((taskId) =>
        createTaskWorktree({ repoDir: repo, runId: 'crashed', taskId, base: 'HEAD' }),
      ),
    );
    const current = await createTaskWorktree({ repoDir: repo, runId: 'current', taskId: '1', base: 'HEAD' });
    await writeFiles(crashed[0]?.path ?? '', { 'dirty.txt': 'uncommitted work\n' });
    await git(repo, 'worktree', 'lock', crashed[1]?.path ?? '');
    // A worktree whose folder is already gone, and a folder git never registered.
    const gone = path.join(await worktreeRoot(repo), 'gone', 'x');
    await git(repo, 'worktree', 'add', '-q', '--detach', gone);
    await rm(gone, { recursive: true });
    const stray = path.join(await worktreeRoot(repo), 'half-made', '7');
    await mkdir(stray, { recursive: true });

    const removed = await cleanupStaleWorktrees(repo, { keepRunIds: ['current'] });
    expect(removed.sort()).toEqual([...crashed.map((w) => w.path), gone, stray].sort());
    for (const w of crashed) expect(existsSync(w.path)).toBe(false);
    expect(existsSync(current.path)).toBe(true);
    expect((await listWorktrees(repo)).map((w) => w.path)).toEqual([await realpath(repo), current.path]);

    await cleanupStaleWorktrees(repo);
    expect((await listWorktrees(repo)).map((w) => w.path)).toEqual([await realpath(repo)]);
    expect(await git(repo, 'worktree', 'list', '--porcelain')).not.toMatch(/prunable|locked/);
    expect(await checkoutSnapshot(repo)).toEqual(before);
  });

  it('keys the folder by repository', async () => {
    const a = await gitTestRepo();
    const b = await gitTestRepo();
    expect(await worktreeRoot(a)).not.toBe(await worktreeRoot(b));
    await mkdir(path.join(a, 'sub'));
    expect(await worktreeRoot(path.join(a, 'sub'))).toBe(await worktreeRoot(a));
  });
});
