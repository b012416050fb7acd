import { errorMessage } from '../errors.js';
import { commitTaskChanges, MergeConflictError, runGit } from '../git/index.js';
import type { GraphTask } from '../graph/task-graph.js';
import { runHook } from '../hooks/run-hook.js';
import { taskHookEnv } from '../hooks/task-hook-env.js';
import type { AttemptOutcome, AttemptPlan } from '../engine/run-loop.js';
import { runSession, type SessionContext } from '../engine/run-session.js';
import { fetchTip, landAndPush } from './land-and-push.js';

export interface ActionAttemptContext extends SessionContext {
  workspace: string;
  runId: string;
  workBranch: string;
}

/**
 * One attempt in a job: the job's checkout is the task's isolation. It is reset to the work branch's
 * current tip, the session runs there, and its change is committed, landed and pushed.
 */
export async function runActionAttempt(
  ctx: ActionAttemptContext,
  task: GraphTask,
  plan: AttemptPlan,
  signal: AbortSignal,
): Promise<AttemptOutcome> {
  const started = Date.now();
  const fail = (errorClass: AttemptOutcome['errorClass'], text: string): AttemptOutcome => ({
    ok: false,
    ...(errorClass ? { errorClass } : {}),
    message: text,
    durationMs: Date.now() - started,
  });
  const base = await fetchTip(ctx.workspace, ctx.workBranch);
  if (base === null)
    return fail('state_inconsistency', `the work branch ${ctx.workBranch} does not exist on origin`);
  // A fresh start for every attempt: what an earlier attempt left behind must not leak into this one.
  await runGit(['checkout', '--quiet', '--force', '--detach', base], { cwd: ctx.workspace });
  await runGit(['clean', '-fdq'], { cwd: ctx.workspace });

  const hookEnv = (extra: Record<string, string>) =>
    taskHookEnv(ctx, task, plan.attempt, { QUANTUMWALA_WORKTREE: ctx.workspace, ...extra });
  const pre = await runHook(ctx.config, 'pre_task', { repoDir: ctx.workspace, env: hookEnv({}) });
  if (pre.ran && !pre.ok) return fail('hook_failed', pre.reason);

  const session = await runSession(ctx, task, plan, ctx.workspace, signal);
  if (session.failure) return { ...session.failure, durationMs: Date.now() - started };
  const title = `${ctx.spec.location.name} ${task.id}: ${task.title}`;
  let commit: string;
  try {
    const code = await commitTaskChanges({ worktree: ctx.workspace, message: title });
    commit = (
      await landAndPush({
        workspace: ctx.workspace,
        branch: ctx.workBranch,
        codeCommit: code,
        base,
        tasksFile: ctx.spec.tasks.file,
        taskLine: task.source.line,
        taskId: task.id,
        message: title,
      })
    ).commit;
  } catch (err) {
    const errorClass = err instanceof MergeConflictError ? 'merge_conflict' : 'state_inconsistency';
    return { ...fail(errorClass, errorMessage(err)), ...session.spent };
  }
  const post = await runHook(ctx.config, 'post_task', {
    repoDir: ctx.workspace,
    env: hookEnv({ QUANTUMWALA_TASK_STATUS: 'succeeded', QUANTUMWALA_COMMIT: commit }),
  });
  return {
    ok: true,
    commit,
    durationMs: Date.now() - started,
    ...session.spent,
    ...(post.ran && !post.ok ? { message: `warning: ${post.reason}` } : {}),
  };
}
