import path from 'node:path';
import type { QuantumwalaConfig } from '../config/index.js';
import { buildClaudeArgs, claudeEnv } from '../exec/claude-args.js';
import { buildTaskPrompt } from '../exec/build-prompt.js';
import { runClaude, type AttemptResult } from '../exec/run-claude.js';
import type { GraphTask } from '../graph/task-graph.js';
import type { Spec } from '../spec/types.js';
import type { AttemptOutcome, AttemptPlan } from './run-loop.js';

export interface SessionContext {
  spec: Spec;
  config: QuantumwalaConfig;
  claudeBin: string;
  env: NodeJS.ProcessEnv;
  /** Where transcripts go: `<logDir>/<task>-<attempt>.jsonl`. */
  logDir: string;
}

/** What a finished session spent and said, in the shape attempts are recorded in. */
export type SessionSpend = Omit<AttemptOutcome, 'ok' | 'durationMs' | 'errorClass' | 'message' | 'commit'>;

export interface SessionResult {
  result: AttemptResult;
  spent: SessionSpend;
  transcriptPath: string;
  /** The failure as an attempt outcome (without the duration), or null when the session succeeded. */
  failure: Omit<AttemptOutcome, 'durationMs'> | null;
}

/**
 * One Claude Code session for one task in `cwd`: the prompt with only the context the task refers
 * to, the configured arguments, the transcript, and the classification. Shared by the local engine
 * (a worktree) and the GitHub Action (the job's checkout); what happens to the changes is theirs.
 */
export async function runSession(
  ctx: SessionContext,
  task: GraphTask,
  plan: AttemptPlan,
  cwd: string,
  signal: AbortSignal,
): Promise<SessionResult> {
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
    cwd,
    timeoutMs: plan.timeoutSeconds * 1000,
    killGraceMs: ctx.config.execution.kill_grace_period * 1000,
    transcriptPath,
    signal,
    label: { task: task.id, attempt: plan.attempt },
  });
  const s = result.summary;
  const r = s.result;
  const usage = numericUsage(r?.usage);
  const spent: SessionSpend = {
    ...(s.sessionId ? { sessionId: s.sessionId } : {}),
    ...(r?.numTurns !== undefined ? { turns: r.numTurns } : {}),
    ...(r?.totalCostUsd !== undefined ? { costUsd: r.totalCostUsd } : {}),
    ...(usage ? { usage } : {}),
    ...(s.permissionDenials.length > 0 ? { permissionDenials: s.permissionDenials.map(describeDenial) } : {}),
    ...(plan.model ? { model: plan.model } : {}),
    ...(agent ? { agent } : {}),
  };
  const c = result.classification;
  const failure = c.ok
    ? null
    : {
        ok: false,
        errorClass: c.errorClass,
        message: `${c.message} (transcript: ${transcriptPath})`,
        ...(c.retryAfterMs !== undefined ? { retryAfterMs: c.retryAfterMs } : {}),
        ...spent,
      };
  return { result, spent, transcriptPath, failure };
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
