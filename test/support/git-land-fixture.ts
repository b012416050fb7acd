import { commitTaskChanges, landTask, type LandTaskResult } from '../../src/git/land-task.js';
import { createTaskWorktree, type TaskWorktree } from '../../src/git/task-worktree.js';
import { branchTip } from '../../src/git/work-branch.js';
import { writeFiles } from './git-test-repo.js';

export const TASKS_FILE = '.claude/specs/demo/tasks.md';
export const BRANCH = 'quantumwala/demo';

/** A tasks file with tasks 1..n, one per line starting at line 3. */
export function tasksMarkdown(n: number): string {
  const lines = ['# Tasks', ''];
  for (let i = 1; i <= n; i++) lines.push(`- [ ] ${i}. Task number ${i}`);
  return `${lines.join('\n')}\n`;
}

export interface PreparedTask {
  taskId: string;
  worktree: TaskWorktree;
  code: string;
  land(): Promise<LandTaskResult>;
}

/** Starts task `n` in a worktree at the work branch's tip, writes its files and commits them. */
export async function prepareTask(
  repo: string,
  n: number,
  files: Record<string, string>,
): Promise<PreparedTask> {
  const taskId = String(n);
  const base = await branchTip(repo, BRANCH);
  if (base === null) throw new Error('no work branch');
  const worktree = await createTaskWorktree({ repoDir: repo, runId: 'run', taskId, base });
  await writeFiles(worktree.path, files);
  const message = `demo ${taskId}: Task number ${taskId}`;
  const code = await commitTaskChanges({ worktree: worktree.path, message });
  return {
    taskId,
    worktree,
    code,
    land: () =>
      landTask({
        repoDir: repo,
        worktreePath: worktree.path,
        branch: BRANCH,
        codeCommit: code,
        base: worktree.base,
        tasksFile: TASKS_FILE,
        taskLine: n + 2,
        taskId,
        message,
      }),
  };
}
