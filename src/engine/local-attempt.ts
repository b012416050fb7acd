import { errorMessage } from '../errors.js';
import {
  branchTip,
  commitTaskChanges,
  createTaskWorktree,
  landTask,
  MergeConflictError,
} from '../git/index.js';
import type { GraphTask } from '../graph/task-graph.js';
import { runHook } from '../hooks/run-hook.js';
import { taskHookEnv } from '../hooks/task-hook-env.js';
import type { AttemptOutcome, AttemptPlan } from './run-loop.js';
import { runSession, type SessionContext } from './run-session.js';

export interface LocalAttemptContext extends SessionContext {
  repoDir: string;
  runId: string;
  workBranch: string;
  /** Landings on one branch from one process go one at a time (each still compare-and-swaps). */
  landingLock: <T>(fn: () => Promise<T>) => Promise<T>;
}

/**
 * One attempt at one task on this machine: a worktree at the work branch's tip, the pre_task hook,
 * a real `claude` session with the task's prompt, then commit, land on the work branch (checkbox
 * ticked) and the post_task hook. The worktree is removed whatever happens.
 */
export async function runLocalAttempt(
  ctx: LocalAttemptContext,
  task: GraphTask,
  plan: AttemptPlan,
  signal: AbortSignal,
): Promise<AttemptOutcome> {
  const started = Date.now();
  const base = await branchTip(ctx.repoDir, ctx.workBranch);
  if (base === null) {
    return {
      ok: false,
      errorClass: 'state_inconsistency',
      message: `work branch ${ctx.workBranch} is gone`,
      durationMs: 0,
    };
  }
  const worktree = await createTaskWorktree({
    repoDir: ctx.repoDir,
    runId: ctx.runId,
    taskId: task.id,
    base,
  });
  try {
    const pre = await runHook(ctx.config, 'pre_task', {
      repoDir: ctx.repoDir,
      cwd: worktree.path,
      env: taskHookEnv(ctx, task, plan.attempt, { QUANTUMWALA_WORKTREE: worktree.path }),
    });
    if (pre.ran && !pre.ok) {
      return { ok: false, errorClass: 'hook_failed', message: pre.reason, durationMs: Date.now() - started };
    }

    const session = await runSession(ctx, task, plan, worktree.path, signal);
    if (session.failure) return { ...session.failure, durationMs: Date.now() - started };
    const { spent } = session;

    const title = `${ctx.spec.location.name} ${task.id}: ${task.title}`;
    let commit: string;
    try {
      const code = await commitTaskChanges({ worktree: worktree.path, message: title });
      const landed = await ctx.landingLock(() =>
        landTask({
          repoDir: ctx.repoDir,
          branch: ctx.workBranch,
          codeCommit: code,
          base,
          tasksFile: ctx.spec.tasks.file,
          taskLine: task.source.line,
          taskId: task.id,
          message: title,
        }),
      );
      commit = landed.commit;
    } catch (err) {
      const errorClass = err instanceof MergeConflictError ? 'merge_conflict' : 'state_inconsistency';
      return {
        ok: false,
        errorClass,
        message: errorMessage(err),
        durationMs: Date.now() - started,
        ...spent,
      };
    }

    const post = await runHook(ctx.config, 'post_task', {
      repoDir: ctx.repoDir,
      cwd: worktree.path,
      env: taskHookEnv(ctx, task, plan.attempt, {
        QUANTUMWALA_TASK_STATUS: 'succeeded',
        QUANTUMWALA_COMMIT: commit,
      }),
    });
    return {
      ok: true,
      commit,
      durationMs: Date.now() - started,
      ...spent,
      ...(post.ran && !post.ok ? { message: `warning: ${post.reason}` } : {}),
    };
  } finally {
    await worktree.remove().catch(() => undefined);
  }
}
