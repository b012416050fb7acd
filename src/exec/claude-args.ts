import type { QuantumwalaConfig } from '../config/config-schema.js';

/** The execution settings the CLI invocation depends on. */
export type ExecutionSettings = QuantumwalaConfig['execution'];

/** What one invocation runs: the full prompt (from buildTaskPrompt) and the task's `_Agent:_`, if any. */
export interface ClaudeInvocation {
  prompt: string;
  agent?: string | undefined;
}

/** Per-attempt changes decided by the retry policy (or a caller); each wins over the config. */
export interface ClaudeArgsOverrides {
  model?: string | undefined;
  agent?: string | undefined;
  maxTurns?: number | undefined;
  maxBudgetUsd?: number | undefined;
}

/**
 * Marks the end of the options: the prompt always comes after it, so a prompt that starts with `-`
 * is never read as an option and a variadic option (`--allowedTools <tools...>`, `--add-dir` in
 * extra_args) never swallows it.
 */
export const END_OF_OPTIONS = '--';

function pushList(args: string[], flag: string, values: readonly string[]): void {
  const list = values.map((v) => v.trim()).filter((v) => v !== '');
  // The CLI's own SDK passes one comma-joined value; the CLI splits it on commas and spaces.
  if (list.length > 0) args.push(flag, list.join(','));
}

/**
 * The argument array for `claude` (never a shell string): print mode with stream-json output,
 * the limits, model, agent, tool permissions, then `execution.extra_args`, then `--` and the prompt.
 *
 * Verified against the CLI 2.1.197 (`claude --help` / its bundled option table): `-p/--print`,
 * `--output-format stream-json` (needs `--verbose` in print mode), `--max-turns <turns>`,
 * `--model <model>`, `--fallback-model <model>` (print mode; must differ from the model),
 * `--agent <agent>` (exits 1 with "--agent 'x' not found" for an unknown agent),
 * `--allowedTools`/`--disallowedTools <tools...>` (comma or space separated),
 * `--max-budget-usd <amount>` (> 0), `--permission-mode <mode>`.
 */
export function buildClaudeArgs(
  task: ClaudeInvocation,
  config: ExecutionSettings,
  overrides: ClaudeArgsOverrides = {},
): string[] {
  const args = ['-p', '--output-format', 'stream-json', '--verbose'];
  const maxTurns = overrides.maxTurns ?? config.max_turns;
  if (maxTurns !== undefined) args.push('--max-turns', String(maxTurns));
  const model = overrides.model ?? config.model;
  if (model !== undefined) args.push('--model', model);
  // The CLI switches to the fallback itself when the model is overloaded or unavailable.
  if (config.fallback_model !== undefined && config.fallback_model !== model) {
    args.push('--fallback-model', config.fallback_model);
  }
  const agent = overrides.agent ?? task.agent;
  if (agent !== undefined && agent.trim() !== '') args.push('--agent', agent.trim());
  pushList(args, '--allowedTools', config.allowed_tools);
  pushList(args, '--disallowedTools', config.disallowed_tools);
  const budget = overrides.maxBudgetUsd ?? config.max_budget_usd;
  if (budget !== undefined && budget > 0) args.push('--max-budget-usd', String(budget));
  args.push('--permission-mode', config.permission_mode);
  args.push(...config.extra_args);
  args.push(END_OF_OPTIONS, task.prompt);
  return args;
}

/** Variables of an enclosing Claude Code session that must not leak into the task's session. */
const PARENT_SESSION_VARIABLES = ['CLAUDECODE', 'CLAUDE_CODE_ENTRYPOINT', 'CLAUDE_CODE_SESSION_ID'];

/**
 * The environment for the CLI: `base` (default process.env) with CLAUDE_CODE_MAX_RETRIES from
 * execution.claude_max_retries (the CLI's own retries of failed API calls; its default is 10 with
 * delays past 30 s, so the orchestrator bounds them and retries whole attempts itself), and without
 * the variables that mark a parent Claude Code session.
 */
export function claudeEnv(
  config: Pick<ExecutionSettings, 'claude_max_retries'>,
  base: NodeJS.ProcessEnv = process.env,
): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...base };
  for (const name of PARENT_SESSION_VARIABLES) delete env[name];
  env.CLAUDE_CODE_MAX_RETRIES = String(config.claude_max_retries);
  return env;
}

/** The args with the prompt (everything after `--`) and any multi-line argument replaced by its size. */
export function redactPrompt(args: readonly string[]): string[] {
  const end = args.indexOf(END_OF_OPTIONS);
  return args.map((arg, i) =>
    (end !== -1 && i > end) || arg.includes('\n') ? `<prompt: ${arg.length} chars>` : arg,
  );
}
