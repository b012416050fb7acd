import { setTimeout as sleep } from 'node:timers/promises';
import { flipTaskCheckbox, restoreCheckboxes } from './flip-task-checkbox.js';
import { type GitIdentity, identityEnv } from './git-identity.js';
import { MergeConflictError } from './merge-conflict-error.js';
import { gitLine, runGit } from './run-git.js';
import { readTreeFile, writeTreeWithFile } from './tree-file.js';
import { branchTip, casUpdateBranch } from './work-branch.js';

/** Signing would need a key and may prompt; the orchestrator's commits are never signed. */
const NO_SIGN = ['-c', 'commit.gpgSign=false'];

export interface CommitTaskChangesOptions {
  worktree: string;
  message: string;
  identity?: GitIdentity;
  /** Run the repository's pre-commit and commit-msg hooks (default: no). */
  verify?: boolean;
}

/**
 * Commits everything the session left in its worktree (`git add -A`) and returns the worktree's HEAD.
 * Never null and never an empty commit: when nothing changed, the HEAD is returned as it is (the
 * base, or the session's own commits), and landTask still lands a commit that ticks the task's box.
 */
export async function commitTaskChanges(options: CommitTaskChangesOptions): Promise<string> {
  const cwd = options.worktree;
  await runGit(['add', '-A'], { cwd });
  const staged = await runGit(['diff', '--cached', '--quiet'], { cwd, allowFail: true });
  if (staged.exitCode > 1) throw new Error(`git diff --cached failed in ${cwd}: ${staged.stderr.trim()}`);
  if (staged.exitCode === 1) {
    const verify = options.verify ? [] : ['--no-verify'];
    await runGit([...NO_SIGN, 'commit', '--quiet', ...verify, '-m', options.message], {
      cwd,
      env: identityEnv(options.identity),
    });
  }
  return gitLine(['rev-parse', 'HEAD'], { cwd });
}

export interface LandTaskOptions {
  repoDir: string;
  /** The task's worktree. Landing works on objects only, so it is left exactly as it is. */
  worktreePath?: string;
  branch: string;
  /** The task's code: commitTaskChanges's result (may be `base` when nothing changed). */
  codeCommit: string;
  /** The commit the task's worktree started from. */
  base: string;
  /** Repo-relative path of the tasks file whose checkbox to tick. */
  tasksFile: string;
  taskLine: number;
  taskId: string;
  /** `<spec> <id>: <title>`. */
  message: string;
  maxAttempts?: number;
  identity?: GitIdentity;
}

export interface LandTaskResult {
  commit: string;
  /** 1 unless another task landed between reading the tip and moving it. */
  attempts: number;
}

/**
 * The task's change as one commit on `base`, with any checkbox it ticked in the tasks file undone
 * (landTask ticks the box itself, on the tip's version of the file).
 */
async function squashCode(o: LandTaskOptions, env: Record<string, string>): Promise<string> {
  const cwd = o.repoDir;
  let tree = await gitLine(['rev-parse', '--verify', `${o.codeCommit}^{tree}`], { cwd });
  const before = await readTreeFile(cwd, o.base, o.tasksFile);
  const after = await readTreeFile(cwd, tree, o.tasksFile);
  if (before && after && before.oid !== after.oid) {
    const content = restoreCheckboxes(before.content, after.content);
    if (content !== after.content)
      tree = await writeTreeWithFile(cwd, tree, { ...after, content, path: o.tasksFile });
  }
  return gitLine([...NO_SIGN, 'commit-tree', tree, '-p', o.base, '-m', o.message], { cwd, env });
}

/** The tree of the code applied on the tip: a three-way merge with `base` as the merge base. */
async function applyOnTip(cwd: string, tip: string, code: string, taskId: string): Promise<string> {
  // merge-tree --write-tree (git ≥ 2.38) merges without a worktree or index: nothing is left half
  // done on a conflict, and the session's worktree needs no checkout per attempt.
  const r = await runGit(['merge-tree', '--write-tree', '-z', '--name-only', '--no-messages', tip, code], {
    cwd,
    allowFail: true,
  });
  const [tree = '', ...rest] = r.stdout.split('\0');
  if (r.exitCode === 0) return tree.trim();
  if (r.exitCode === 1)
    throw new MergeConflictError(
      taskId,
      rest.filter((f) => f !== ''),
    );
  throw new Error(`git merge-tree failed in ${cwd}: ${r.stderr.trim() || `exit ${r.exitCode}`}`);
}

/**
 * Lands a task on the work branch as one commit on its tip: the task's change, rebased onto the tip,
 * plus its checkbox ticked in the tip's version of the tasks file (so tasks whose boxes sit on
 * adjacent lines never conflict). The branch is moved with a compare-and-swap; when another task
 * landed in between, it starts again on the new tip. The user's checkout is never touched.
 */
export async function landTask(options: LandTaskOptions): Promise<LandTaskResult> {
  const { repoDir: cwd, branch, taskId } = options;
  const maxAttempts = Math.max(1, options.maxAttempts ?? 10);
  const env = identityEnv(options.identity);
  const code = await squashCode(options, env);
  for (let attempt = 1; attempt <= maxAttempts; attempt++) {
    const tip = await branchTip(cwd, branch);
    if (tip === null) throw new Error(`cannot land task ${taskId}: branch ${branch} does not exist`);
    const ancestor = await runGit(['merge-base', '--is-ancestor', options.base, tip], {
      cwd,
      allowFail: true,
    });
    if (ancestor.exitCode !== 0) {
      throw new Error(
        `cannot land task ${taskId}: branch ${branch} no longer contains its base ${options.base}`,
      );
    }
    const merged = await applyOnTip(cwd, tip, code, taskId);
    const tasks = await readTreeFile(cwd, merged, options.tasksFile);
    if (!tasks) throw new Error(`cannot land task ${taskId}: ${options.tasksFile} is not on ${branch}`);
    const content = flipTaskCheckbox(tasks.content, {
      taskId,
      taskLine: options.taskLine,
      file: options.tasksFile,
    });
    const tree =
      content === tasks.content
        ? merged
        : await writeTreeWithFile(cwd, merged, { ...tasks, content, path: options.tasksFile });
    const commit = await gitLine([...NO_SIGN, 'commit-tree', tree, '-p', tip, '-m', options.message], {
      cwd,
      env,
    });
    if (await casUpdateBranch(cwd, branch, commit, tip, `quantumwala: land ${taskId}`)) {
      return { commit, attempts: attempt };
    }
    if (attempt < maxAttempts) await sleep(Math.round(attempt * (5 + Math.random() * 20)));
  }
  throw new Error(`cannot land task ${taskId}: branch ${branch} kept moving (${maxAttempts} attempts)`);
}
