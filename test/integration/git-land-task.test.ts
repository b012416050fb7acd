import { existsSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { gitSpecSource } from '../../src/git/git-spec-source.js';
import { MergeConflictError } from '../../src/git/merge-conflict-error.js';
import { ensureBranch } from '../../src/git/work-branch.js';
import { BRANCH, prepareTask, TASKS_FILE, tasksMarkdown } from '../support/git-land-fixture.js';
import { checkoutSnapshot, git, gitTestRepo, writeFiles } from '../support/git-test-repo.js';

async function setup(taskCount: number): Promise<{ repo: string; snapshot: Record<string, string> }> {
  const repo = await gitTestRepo({
    [TASKS_FILE]: tasksMarkdown(taskCount),
    'shared.txt': 'one\ntwo\nthree\n',
  });
  await ensureBranch(repo, BRANCH);
  // The user keeps working while the run lands tasks: none of this may change.
  await writeFiles(repo, { 'shared.txt': 'user edit\n', 'user-new.txt': 'untracked\n' });
  await writeFiles(repo, { 'staged.txt': 'staged\n' });
  await git(repo, 'add', 'staged.txt');
  return { repo, snapshot: await checkoutSnapshot(repo) };
}

async function tasksOnBranch(repo: string): Promise<string[]> {
  const text = await gitSpecSource(repo, BRANCH).readFile(TASKS_FILE);
  return text.split('\n').filter((l) => l.startsWith('- ['));
}

async function history(repo: string): Promise<string[]> {
  return (await git(repo, 'log', '--format=%s|%P', BRANCH)).split('\n');
}

describe('landTask', () => {
  it('lands two parallel tasks on different files as a linear history with both boxes ticked', async () => {
    const { repo, snapshot } = await setup(2);
    const one = await prepareTask(repo, 1, { 'src/one.ts': 'export const one = 1;\n' });
    const two = await prepareTask(repo, 2, { 'src/two.ts': 'export const two = 2;\n' });
    const first = await one.land();
    const second = await two.land();
    expect(first.attempts).toBe(1);
    expect(second.attempts).toBe(1);

    expect(await git(repo, 'rev-parse', BRANCH)).toBe(second.commit);
    expect(await git(repo, 'rev-parse', `${second.commit}^`)).toBe(first.commit);
    expect(await git(repo, 'rev-list', '--merges', '--count', BRANCH)).toBe('0');
    const log = await history(repo);
    expect(log.slice(0, 2).map((l) => l.split('|')[0])).toEqual([
      'demo 2: Task number 2',
      'demo 1: Task number 1',
    ]);
    expect(await git(repo, 'show', `${BRANCH}:src/one.ts`)).toBe('export const one = 1;');
    expect(await git(repo, 'show', `${BRANCH}:src/two.ts`)).toBe('export const two = 2;');
    expect(await tasksOnBranch(repo)).toEqual(['- [x] 1. Task number 1', '- [x] 2. Task number 2']);
    expect(await git(repo, 'log', '-1', '--format=%an <%ae>|%cn <%ce>', BRANCH)).toBe(
      'Quantumwala <quantumwala@users.noreply.github.com>|Quantumwala <quantumwala@users.noreply.github.com>',
    );
    // Each landed commit changes only its own files and its own box.
    expect(
      (await git(repo, 'diff', '--name-only', `${first.commit}..${second.commit}`)).split('\n').sort(),
    ).toEqual([TASKS_FILE, 'src/two.ts'].sort());
    expect(await checkoutSnapshot(repo)).toEqual(snapshot);
    await one.worktree.remove();
    await two.worktree.remove();
    expect(await checkoutSnapshot(repo)).toEqual(snapshot);
  });

  it('lands tasks whose boxes are on adjacent lines, even when the sessions ticked them', async () => {
    const { repo, snapshot } = await setup(3);
    const ticked = (n: number): string => tasksMarkdown(3).replace(`- [ ] ${n}.`, `- [x] ${n}.`);
    const tasks = await Promise.all([
      prepareTask(repo, 1, { 'a.txt': 'a\n' }),
      prepareTask(repo, 2, { 'b.txt': 'b\n', [TASKS_FILE]: ticked(2) }),
      prepareTask(repo, 3, { [TASKS_FILE]: ticked(3) }),
    ]);
    for (const t of tasks) await t.land();
    expect(await tasksOnBranch(repo)).toEqual([
      '- [x] 1. Task number 1',
      '- [x] 2. Task number 2',
      '- [x] 3. Task number 3',
    ]);
    expect(await checkoutSnapshot(repo)).toEqual(snapshot);
  });

  it('lands a task that changed nothing as a commit that ticks its box', async () => {
    const { repo, snapshot } = await setup(1);
    const task = await prepareTask(repo, 1, {});
    expect(task.code).toBe(task.worktree.base);
    const { commit } = await task.land();
    expect(await git(repo, 'diff', '--name-only', `${commit}^`, commit)).toBe(TASKS_FILE);
    expect(await tasksOnBranch(repo)).toEqual(['- [x] 1. Task number 1']);
    expect(await checkoutSnapshot(repo)).toEqual(snapshot);
  });

  it('throws MergeConflictError naming the file, and keeps the branch and worktree clean', async () => {
    const { repo, snapshot } = await setup(2);
    const one = await prepareTask(repo, 1, { 'shared.txt': 'one\nTWO from task 1\nthree\n' });
    const two = await prepareTask(repo, 2, { 'shared.txt': 'one\n2 from task 2\nthree\n' });
    const first = await one.land();
    const err = await two.land().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(MergeConflictError);
    expect((err as MergeConflictError).errorClass).toBe('merge_conflict');
    expect((err as MergeConflictError).files).toEqual(['shared.txt']);
    expect((err as Error).message).toContain('shared.txt');

    expect(await git(repo, 'rev-parse', BRANCH)).toBe(first.commit);
    expect(await tasksOnBranch(repo)).toEqual(['- [x] 1. Task number 1', '- [ ] 2. Task number 2']);
    expect(await git(two.worktree.path, 'status', '--porcelain')).toBe('');
    expect(await git(two.worktree.path, 'rev-parse', 'HEAD')).toBe(two.code);
    const gitDir = await git(two.worktree.path, 'rev-parse', '--absolute-git-dir');
    for (const state of ['rebase-merge', 'rebase-apply', 'CHERRY_PICK_HEAD', 'MERGE_HEAD']) {
      expect(existsSync(path.join(gitDir, state))).toBe(false);
    }
    expect(await checkoutSnapshot(repo)).toEqual(snapshot);
  });

  it(
    'lands 8 concurrent tasks: every race lost is retried, nothing is lost',
    { timeout: 90_000 },
    async () => {
      const { repo, snapshot } = await setup(8);
      const base = await git(repo, 'rev-parse', BRANCH);
      const ids = [1, 2, 3, 4, 5, 6, 7, 8];
      const tasks = await Promise.all(
        ids.map((n) => prepareTask(repo, n, { [`src/f${n}.ts`]: `export const n = ${n};\n` })),
      );
      const results = await Promise.all(tasks.map((t) => t.land()));

      expect(await git(repo, 'rev-list', '--count', `${base}..${BRANCH}`)).toBe('8');
      expect(await git(repo, 'rev-list', '--merges', '--count', BRANCH)).toBe('0');
      const landed = new Set((await git(repo, 'rev-list', `${base}..${BRANCH}`)).split('\n'));
      for (const r of results) expect(landed.has(r.commit)).toBe(true);
      for (const n of ids)
        expect(await git(repo, 'show', `${BRANCH}:src/f${n}.ts`)).toBe(`export const n = ${n};`);
      expect(await tasksOnBranch(repo)).toEqual(ids.map((n) => `- [x] ${n}. Task number ${n}`));
      expect(await checkoutSnapshot(repo)).toEqual(snapshot);
    },
  );
});
