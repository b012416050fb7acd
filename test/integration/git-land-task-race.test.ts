import { describe, expect, it, vi } from 'vitest';
import { landTask } from '../../src/git/land-task.js';
import type * as workBranch from '../../src/git/work-branch.js';
import { ensureBranch } from '../../src/git/work-branch.js';
import { BRANCH, prepareTask, TASKS_FILE, tasksMarkdown } from '../support/git-land-fixture.js';
import { checkoutSnapshot, git, gitTestRepo } from '../support/git-test-repo.js';

type WorkBranchModule = typeof workBranch;

// Lets the test run code between landTask's read of the tip and its compare-and-swap.
const beforeCas = vi.hoisted(() => ({ hook: undefined as (() => Promise<void>) | undefined }));

vi.mock('../../src/git/work-branch.js', async (importOriginal) => {
  const real = await importOriginal<WorkBranchModule>();
  return {
    ...real,
    casUpdateBranch: async (...args: Parameters<typeof real.casUpdateBranch>) => {
      const hook = beforeCas.hook;
      beforeCas.hook = undefined;
      if (hook) await hook();
      return real.casUpdateBranch(...args);
    },
  };
});

describe('landTask losing a race', () => {
  it('starts again on the new tip when the branch moved after it read the tip', async () => {
    const repo = await gitTestRepo({ [TASKS_FILE]: tasksMarkdown(2) });
    await ensureBranch(repo, BRANCH);
    const snapshot = await checkoutSnapshot(repo);
    const one = await prepareTask(repo, 1, { 'one.txt': '1\n' });
    const two = await prepareTask(repo, 2, { 'two.txt': '2\n' });

    let sneaked = '';
    beforeCas.hook = async () => {
      sneaked = (await two.land()).commit;
    };
    const result = await one.land();

    expect(result.attempts).toBe(2);
    expect(await git(repo, 'rev-parse', BRANCH)).toBe(result.commit);
    expect(await git(repo, 'rev-parse', `${result.commit}^`)).toBe(sneaked);
    expect(await git(repo, 'show', `${BRANCH}:one.txt`)).toBe('1');
    expect(await git(repo, 'show', `${BRANCH}:two.txt`)).toBe('2');
    expect(await git(repo, 'show', `${BRANCH}:${TASKS_FILE}`)).toContain('- [x] 1.');
    expect(await git(repo, 'show', `${BRANCH}:${TASKS_FILE}`)).toContain('- [x] 2.');
    expect(await checkoutSnapshot(repo)).toEqual(snapshot);
  });

  it('gives up after maxAttempts', async () => {
    const repo = await gitTestRepo({ [TASKS_FILE]: tasksMarkdown(1), 'x.txt': '0\n' });
    await ensureBranch(repo, BRANCH);
    const task = await prepareTask(repo, 1, { 'one.txt': '1\n' });
    let moves = 0;
    const mover = async (): Promise<void> => {
      moves++;
      const tip = await git(repo, 'rev-parse', BRANCH);
      const next = await git(repo, 'commit-tree', `${tip}^{tree}`, '-p', tip, '-m', `move ${moves}`);
      await git(repo, 'update-ref', `refs/heads/${BRANCH}`, next, tip);
      if (moves < 3) beforeCas.hook = mover;
    };
    beforeCas.hook = mover;
    await expect(
      landTask({
        repoDir: repo,
        branch: BRANCH,
        codeCommit: task.code,
        base: task.worktree.base,
        tasksFile: TASKS_FILE,
        taskLine: 3,
        taskId: '1',
        message: 'demo 1: Task number 1',
        maxAttempts: 3,
      }),
    ).rejects.toThrow(/kept moving \(3 attempts\)/);
    expect(moves).toBe(3);
  });
});
