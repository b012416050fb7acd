import path from 'node:path';
import type { QuantumwalaConfig } from '../config/index.js';
import { buildClaudeArgs, claudeEnv } from '../exec/claude-args.js';
import { buildTaskPrompt } from '../exec/build-prompt.js';
import { runClaude } from '../exec/run-claude.js';
import {
  branchTip,
  commitTaskChanges,
  createTaskWorktree,
  landTask,
  MergeConflictError,
} from '../git/index.js';
import type { GraphTask } from '../graph/task-graph.js';
import { runHook } from '../hooks/run-hook.js';
import type { Spec } from '../spec/types.js';
import type { AttemptOutcome, AttemptPlan } from './run-loop.js';

export interface LocalAttemptContext {
  repoDir: string;
  runId: string;
  spec: Spec;
  workBranch: string;
  config: QuantumwalaConfig;
  claudeBin: string;
  env: NodeJS.ProcessEnv;
  /** Where transcripts go: `<logDir>/<task>-<attempt>.jsonl`. */
  logDir: string;
  /** Landings on one branch from one process go one at a time (each still compare-and-swaps). */
  landingLock: <T>(fn: () => Promise<T>) => Promise<T>;
}

function hookEnv(
  ctx: LocalAttemptContext,
  task: GraphTask,
  plan: AttemptPlan,
  extra: Record<string, string>,
) {
  return {
    PATH: ctx.env.PATH,
    HOME: ctx.env.HOME,
    QUANTUMWALA_RUN_ID: ctx.runId,
    QUANTUMWALA_SPEC: ctx.spec.location.name,
    QUANTUMWALA_SPEC_DIR: ctx.spec.location.dir,
    QUANTUMWALA_TASK_ID: task.id,
    QUANTUMWALA_TASK_TITLE: task.title,
    QUANTUMWALA_ATTEMPT: String(plan.attempt),
    QUANTUMWALA_WORK_BRANCH: ctx.workBranch,
    ...extra,
  };
}

function message(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
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
      env: hookEnv(ctx, task, plan, { QUANTUMWALA_WORKTREE: worktree.path }),
    });
    if (pre.ran && !pre.ok) {
      return { ok: false, errorClass: 'hook_failed', message: pre.reason, durationMs: Date.now() - started };
    }

    const { prompt } = buildTaskPrompt(ctx.spec, task.source);
    const agent = plan.agent ?? task.source.agent;
    const args = buildClaudeArgs({ prompt, agent }, ctx.config.execution, {
      ...(plan.model ? { model: plan.model } : {}),
      ...(agent ? { agent } : {}),
    });
    const transcriptPath = path.join(ctx.logDir, `${task.id.replace(/[^\w.-]/g, '_')}-${plan.attempt}.jsonl`);
    const result = await runClaude({
      bin: ctx.claudeBin,
      args,
      env: claudeEnv(ctx.config.execution, ctx.env),
      cwd: worktree.path,
      timeoutMs: plan.timeoutSeconds * 1000,
      killGraceMs: ctx.config.execution.kill_grace_period * 1000,
      transcriptPath,
      signal,
      label: { task: task.id, attempt: plan.attempt },
    });
    const s = result.summary;
    const r = s.result;
    const usage = numericUsage(r?.usage);
    const spent = {
      ...(s.sessionId ? { sessionId: s.sessionId } : {}),
      ...(r?.numTurns !== undefined ? { turns: r.numTurns } : {}),
      ...(r?.totalCostUsd !== undefined ? { costUsd: r.totalCostUsd } : {}),
      ...(usage ? { usage } : {}),
      ...(s.permissionDenials.length > 0
        ? { permissionDenials: s.permissionDenials.map(describeDenial) }
        : {}),
      ...(plan.model ? { model: plan.model } : {}),
      ...(agent ? { agent } : {}),
    };
    if (!result.classification.ok) {
      const c = result.classification;
      return {
        ok: false,
        errorClass: c.errorClass,
        message: `${c.message} (transcript: ${transcriptPath})`,
        ...(c.retryAfterMs !== undefined ? { retryAfterMs: c.retryAfterMs } : {}),
        durationMs: Date.now() - started,
        ...spent,
      };
    }

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
      return { ok: false, errorClass, message: message(err), durationMs: Date.now() - started, ...spent };
    }

    const post = await runHook(ctx.config, 'post_task', {
      repoDir: ctx.repoDir,
      cwd: worktree.path,
      env: hookEnv(ctx, task, plan, { QUANTUMWALA_TASK_STATUS: 'succeeded', QUANTUMWALA_COMMIT: commit }),
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

/** The token counts of a result's usage (the CLI adds nested objects such as server_tool_use). */
function numericUsage(usage: Record<string, unknown> | undefined): Record<string, number> | undefined {
  if (!usage) return undefined;
  const out: Record<string, number> = {};
  for (const [k, v] of Object.entries(usage)) if (typeof v === 'number' && Number.isFinite(v)) out[k] = v;
  return out;
}

/** A permission denial as one line: the tool and what it wanted (`Write src/a.ts`). */
function describeDenial(denial: unknown): string {
  if (typeof denial !== 'object' || denial === null) return String(denial);
  const d = denial as { tool_name?: unknown; tool_input?: unknown };
  const input = d.tool_input as { file_path?: unknown; command?: unknown } | undefined;
  const what =
    typeof input?.file_path === 'string'
      ? input.file_path
      : typeof input?.command === 'string'
        ? input.command
        : '';
  return `${typeof d.tool_name === 'string' ? d.tool_name : 'tool'}${what ? ` ${what}` : ''}`;
}
