import { z } from 'zod';
import { resolveAliases } from './resolve-aliases.js';
import {
  bool,
  branchName,
  intRange,
  megabytes,
  milliseconds,
  nonEmptyStringList,
  nonNegativeInt,
  nonNegativeSeconds,
  oneOf,
  oneOfIgnoringCase,
  percent,
  positiveInt,
  positiveSeconds,
  repoScriptPath,
  stringList,
  text,
  usd,
} from './value-schemas.js';

/**
 * The tools a task may use without asking, unless the config says otherwise. File edits are NOT
 * listed: they come from `permission_mode: acceptEdits`, which confines them to the session's working
 * directory (the task's worktree). A bare `Write` or `Edit` here would let a session write anywhere
 * on the machine (observed with Claude Code 2.1.197).
 */
export const DEFAULT_ALLOWED_TOOLS = ['Read', 'Glob', 'Grep', 'LS', 'TodoWrite'];

/** The placeholder in `workflow.work_branch` replaced by the spec's name. */
export const SPEC_PLACEHOLDER = '{spec}';

const hookSchema = z.object({
  enabled: bool().default(true),
  script: repoScriptPath(),
  timeout: positiveSeconds().default(30),
  description: z.string().optional(),
});

/**
 * Every setting, as one source may write it (times in seconds unless the name says ms). Sections a source
 * leaves out get their defaults. The seed project's keys are accepted too: some are aliases (see
 * resolve-aliases.ts) and some have no effect; `configSchema` removes both from the parsed result.
 */
export const configObjectSchema = z.object({
  execution: z
    .object({
      default_timeout: positiveSeconds().default(1800),
      /** Timeout for tasks that name an agent. */
      agent_timeout: positiveSeconds().default(600),
      /** Limit for a whole run; 0 means no limit. */
      orchestration_timeout: nonNegativeSeconds('a non-negative number of seconds (0 = no limit)').default(0),
      /** Time between SIGTERM and SIGKILL when a session is stopped. */
      kill_grace_period: nonNegativeSeconds().default(10),
      model: text().optional(),
      fallback_model: text().optional(),
      fallback_agent: text().optional(),
      max_turns: positiveInt().optional(),
      /** Budget per task. */
      max_budget_usd: usd().optional(),
      /** Budget per run. */
      run_budget_usd: usd().optional(),
      claude_path: text().optional(),
      extra_args: stringList().default(() => []),
      permission_mode: oneOf(['acceptEdits', 'bypassPermissions', 'default', 'plan']).default('acceptEdits'),
      allowed_tools: stringList().default(() => [...DEFAULT_ALLOWED_TOOLS]),
      disallowed_tools: stringList().default(() => []),
      max_retries: nonNegativeInt().default(3),
      retry_base_delay_ms: milliseconds().default(2000),
      retry_max_delay_ms: milliseconds().default(60000),
      /** Passed to the Claude CLI as CLAUDE_CODE_MAX_RETRIES. */
      claude_max_retries: nonNegativeInt().default(2),
      /** Seed key, accepted for compatibility; no effect (execution is always real). */
      enable_real_execution: bool().optional(),
      /** Seed key, accepted for compatibility; no effect. */
      simulate_mode: bool().optional(),
    })
    .prefault({}),
  resources: z
    .object({
      max_concurrent_tasks: positiveInt().default(4),
      cpu_limit_percent: percent().default(80),
      memory_limit_percent: percent().default(75),
      memory_reserve_mb: megabytes().default(1024),
      task_memory_estimate_mb: megabytes().default(512),
      queue_timeout: positiveSeconds().default(600),
      queue_max_length: positiveInt().default(1000),
      resource_check_interval: positiveSeconds().default(1),
    })
    .prefault({}),
  workflow: z
    .object({
      auto_progression: bool().default(true),
      implicit_dependencies: oneOf(['sequential', 'parallel']).default('sequential'),
      spec_globs: stringList().default(() => []),
      work_branch: branchName(SPEC_PLACEHOLDER).default(`quantumwala/${SPEC_PLACEHOLDER}`),
      state_branch: branchName().default('quantumwala/state'),
      include_optional: bool().default(false),
      /** Seed alias of execution.max_retries. */
      max_retries: nonNegativeInt().optional(),
      /** Seed alias of execution.retry_base_delay_ms, in seconds. */
      retry_delay: nonNegativeSeconds().optional(),
      /** Seed alias of resources.max_concurrent_tasks. */
      max_concurrent_tasks: positiveInt().optional(),
      /** Seed key: false forces resources.max_concurrent_tasks to 1. */
      enable_parallel_execution: bool().optional(),
      /** Seed key, accepted for compatibility; no effect. */
      suggestion_file: text().optional(),
      /** Seed key, accepted for compatibility; no effect. */
      state_file: text().optional(),
    })
    .prefault({}),
  /** Other hook names (the seed's preserve_context, Claude Code's own events) are ignored. */
  hooks: z
    .object({
      pre_task: hookSchema.optional(),
      post_task: hookSchema.optional(),
      post_command: hookSchema.optional(),
    })
    .prefault({}),
  logging: z
    .object({
      level: oneOfIgnoringCase(['debug', 'info', 'warn', 'error']).default('info'),
    })
    .prefault({}),
  github: z
    .object({
      runner_labels: nonEmptyStringList().default(() => ['ubuntu-latest']),
      workflow_file: text().default('.github/workflows/quantumwala.yml'),
      max_matrix: intRange(1, 256).default(256),
      triggers: z.object({ push: bool().default(false), comment: bool().default(true) }).prefault({}),
      pull_request: z.object({ draft: bool().default(false), base: text().optional() }).prefault({}),
    })
    .prefault({}),
});

type ParsedSections = z.output<typeof configObjectSchema>;

/** Drops the seed's aliases and no-op keys and applies enable_parallel_execution. */
function finalize(config: ParsedSections) {
  const {
    max_retries: _maxRetries,
    retry_delay: _retryDelay,
    max_concurrent_tasks: _maxConcurrent,
    enable_parallel_execution: parallel,
    suggestion_file: _suggestionFile,
    state_file: _stateFile,
    ...workflow
  } = config.workflow;
  const { enable_real_execution: _real, simulate_mode: _simulate, ...execution } = config.execution;
  const max_concurrent_tasks = parallel === false ? 1 : config.resources.max_concurrent_tasks;
  return { ...config, execution, workflow, resources: { ...config.resources, max_concurrent_tasks } };
}

/**
 * The whole config of one repository. Parsing one object resolves the seed's aliases within it, fills in
 * defaults and returns only the settings consumers should read.
 */
export const configSchema = z.preprocess(resolveAliases, configObjectSchema).transform(finalize);

export type QuantumwalaConfig = z.infer<typeof configSchema>;

/** The config of a repository with no config files, environment variables or flags. */
export function defaultConfig(): QuantumwalaConfig {
  return configSchema.parse({});
}
