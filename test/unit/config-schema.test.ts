import { describe, expect, it } from 'vitest';
import {
  ConfigError,
  configSchema,
  defaultConfig,
  ENV_VARIABLES,
  parseEnvValue,
  resolveConfig,
  type ConfigFlag,
} from '../../src/config/index.js';

function messageOf(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    if (err instanceof ConfigError) return err.message;
    throw err;
  }
  throw new Error('expected a ConfigError');
}

const json = (value: unknown) => JSON.stringify(value);

describe('defaults', () => {
  it('every setting has its documented default', () => {
    expect(defaultConfig()).toEqual({
      execution: {
        default_timeout: 1800,
        agent_timeout: 600,
        orchestration_timeout: 0,
        kill_grace_period: 10,
        extra_args: [],
        permission_mode: 'acceptEdits',
        allowed_tools: ['Read', 'Glob', 'Grep', 'LS', 'TodoWrite'],
        disallowed_tools: [],
        max_retries: 3,
        retry_base_delay_ms: 2000,
        retry_max_delay_ms: 60000,
        claude_max_retries: 2,
      },
      resources: {
        max_concurrent_tasks: 4,
        cpu_limit_percent: 80,
        memory_limit_percent: 75,
        memory_reserve_mb: 1024,
        task_memory_estimate_mb: 512,
        queue_timeout: 600,
        queue_max_length: 1000,
        resource_check_interval: 1,
      },
      workflow: {
        auto_progression: true,
        implicit_dependencies: 'sequential',
        spec_globs: [],
        work_branch: 'quantumwala/{spec}',
        state_branch: 'quantumwala/state',
        include_optional: false,
      },
      hooks: {},
      logging: { level: 'info' },
      github: {
        runner_labels: ['ubuntu-latest'],
        workflow_file: '.github/workflows/quantumwala.yml',
        max_matrix: 256,
        triggers: { push: false, comment: true },
        pull_request: { draft: false },
      },
    });
    expect(resolveConfig({})).toEqual(defaultConfig());
  });

  it('default arrays are not shared between configs', () => {
    const a = defaultConfig();
    a.execution.allowed_tools.push('Bash');
    expect(defaultConfig().execution.allowed_tools).not.toContain('Bash');
  });
});

describe('seed aliases', () => {
  it('workflow.max_retries sets execution.max_retries unless the same or a stronger source sets that', () => {
    expect(resolveConfig({ yaml: 'workflow: { max_retries: 5 }' }).execution.max_retries).toBe(5);
    // same source: the canonical key wins
    const both = 'workflow: { max_retries: 5 }\nexecution: { max_retries: 1 }';
    expect(resolveConfig({ yaml: both }).execution.max_retries).toBe(1);
    // stronger source's alias beats weaker source's canonical key
    const strongerAlias = resolveConfig({
      yaml: 'execution: { max_retries: 1 }',
      settingsJson: json({ workflow: { max_retries: 6 } }),
    });
    expect(strongerAlias.execution.max_retries).toBe(6);
    // stronger source's canonical key beats weaker source's alias
    const strongerCanonical = resolveConfig({
      yaml: 'workflow: { max_retries: 6 }',
      settingsJson: json({ execution: { max_retries: 2 } }),
      env: {},
    });
    expect(strongerCanonical.execution.max_retries).toBe(2);
    expect(
      resolveConfig({
        settingsJson: json({ workflow: { max_retries: 6 } }),
        env: { QUANTUMWALA_RETRY_MAX: '0' },
      }).execution.max_retries,
    ).toBe(0);
    expect(strongerAlias.workflow).not.toHaveProperty('max_retries');
  });

  it('workflow.retry_delay (seconds) sets execution.retry_base_delay_ms', () => {
    expect(resolveConfig({ yaml: 'workflow: { retry_delay: 1.5 }' }).execution.retry_base_delay_ms).toBe(
      1500,
    );
    const config = resolveConfig({
      yaml: 'execution: { retry_base_delay_ms: 100 }',
      settingsJson: json({ workflow: { retry_delay: 5 } }),
    });
    expect(config.execution.retry_base_delay_ms).toBe(5000);
    const flags: ConfigFlag[] = [
      { key: 'execution.retry_base_delay_ms', value: 10, source: '--retry-delay-ms' },
    ];
    expect(resolveConfig({ yaml: 'workflow: { retry_delay: 5 }', flags }).execution.retry_base_delay_ms).toBe(
      10,
    );
  });

  it('workflow.max_concurrent_tasks sets resources.max_concurrent_tasks', () => {
    expect(
      resolveConfig({ yaml: 'workflow: { max_concurrent_tasks: 9 }' }).resources.max_concurrent_tasks,
    ).toBe(9);
    const config = resolveConfig({
      yaml: 'workflow: { max_concurrent_tasks: 9 }',
      env: { QUANTUMWALA_MAX_CONCURRENT: '2' },
    });
    expect(config.resources.max_concurrent_tasks).toBe(2);
  });

  it('alias values are validated under their own key', () => {
    expect(messageOf(() => resolveConfig({ yaml: 'workflow: { max_retries: -1 }' }))).toBe(
      'invalid config: workflow.max_retries = -1 (from .quantumwala.yml): expected a non-negative integer',
    );
  });

  it('enable_parallel_execution: false forces one task at a time', () => {
    const config = resolveConfig({
      yaml: 'resources: { max_concurrent_tasks: 8 }',
      settingsJson: json({ workflow: { enable_parallel_execution: false } }),
      env: { QUANTUMWALA_MAX_CONCURRENT: '6' },
    });
    expect(config.resources.max_concurrent_tasks).toBe(1);
    expect(config.workflow).not.toHaveProperty('enable_parallel_execution');
    const parallel = resolveConfig({
      yaml: 'workflow: { enable_parallel_execution: true, max_concurrent_tasks: 8 }',
    });
    expect(parallel.resources.max_concurrent_tasks).toBe(8);
  });

  it('configSchema resolves aliases within one object too', () => {
    const config = configSchema.parse({ workflow: { max_retries: 7, enable_parallel_execution: false } });
    expect(config.execution.max_retries).toBe(7);
    expect(config.resources.max_concurrent_tasks).toBe(1);
  });
});

describe('hooks', () => {
  it('fills in hook defaults and merges a hook across sources', () => {
    const config = resolveConfig({
      yaml: 'hooks:\n  pre_task:\n    script: scripts/pre.sh\n',
      settingsJson: json({ hooks: { pre_task: { timeout: 5 } } }),
    });
    expect(config.hooks.pre_task).toEqual({ enabled: true, script: 'scripts/pre.sh', timeout: 5 });
    expect(config.hooks.post_task).toBeUndefined();
  });

  it('refuses scripts outside the repository', () => {
    expect(messageOf(() => resolveConfig({ yaml: 'hooks: { pre_task: { script: ../evil.sh } }' }))).toBe(
      'invalid config: hooks.pre_task.script = "../evil.sh" (from .quantumwala.yml): hook scripts must stay inside the repository (use a relative path without "..")',
    );
    const settingsJson = json({ hooks: { post_task: { script: 'a/../../b.sh' } } });
    expect(messageOf(() => resolveConfig({ settingsJson }))).toMatch(
      /^invalid config: hooks\.post_task\.script = /,
    );
    expect(messageOf(() => resolveConfig({ yaml: 'hooks: { post_command: { script: /etc/x.sh } }' }))).toBe(
      'invalid config: hooks.post_command.script = "/etc/x.sh" (from .quantumwala.yml): hook scripts must stay inside the repository (use a relative path without "..")',
    );
    expect(resolveConfig({ yaml: 'hooks: { pre_task: { script: a..b/x.sh } }' }).hooks.pre_task?.script).toBe(
      'a..b/x.sh',
    );
  });

  it('a hook without a script names the source that set the hook', () => {
    expect(
      messageOf(() => resolveConfig({ settingsJson: json({ hooks: { pre_task: { timeout: 5 } } }) })),
    ).toBe(
      'invalid config: hooks.pre_task.script is missing (from .claude/settings.local.json): expected a repository-relative path to a script',
    );
  });
});

describe('environment variables', () => {
  it('parses numbers strictly', () => {
    for (const bad of ['12abc', '0x10', '', ' ', '1e', 'NaN'])
      expect(parseEnvValue(bad, 'integer')).toBe(bad);
    expect(parseEnvValue('12', 'integer')).toBe(12);
    expect(parseEnvValue(' 2.5 ', 'number')).toBe(2.5);
    expect(messageOf(() => resolveConfig({ env: { QUANTUMWALA_MAX_CONCURRENT: '12abc' } }))).toBe(
      'invalid config: resources.max_concurrent_tasks = "12abc" (from QUANTUMWALA_MAX_CONCURRENT): expected a positive integer',
    );
    expect(messageOf(() => resolveConfig({ env: { QUANTUMWALA_RETRY_MAX: '1.5' } }))).toBe(
      'invalid config: execution.max_retries = 1.5 (from QUANTUMWALA_RETRY_MAX): expected a non-negative integer',
    );
  });

  it('parses booleans as true/false/1/0', () => {
    expect([parseEnvValue('true', 'boolean'), parseEnvValue('1', 'boolean')]).toEqual([true, true]);
    expect([parseEnvValue('FALSE', 'boolean'), parseEnvValue('0', 'boolean')]).toEqual([false, false]);
    expect(parseEnvValue('yes', 'boolean')).toBe('yes');
  });

  it('maps every variable to its setting; empty and unknown variables are ignored', () => {
    const config = resolveConfig({
      env: {
        QUANTUMWALA_MEMORY_LIMIT: '50',
        QUANTUMWALA_MEMORY_RESERVE: '0',
        QUANTUMWALA_TIMEOUT_DEFAULT: '90',
        QUANTUMWALA_TIMEOUT_AGENT: '120',
        QUANTUMWALA_LOG_LEVEL: 'DEBUG',
        QUANTUMWALA_CLAUDE_PATH: '/opt/claude',
        QUANTUMWALA_MODEL: 'opus',
        QUANTUMWALA_MAX_TURNS: '20',
        QUANTUMWALA_MAX_BUDGET_USD: '1.25',
        QUANTUMWALA_RUN_BUDGET_USD: '10',
        QUANTUMWALA_STATE_BRANCH: 'qw/state',
        QUANTUMWALA_IMPLICIT_DEPENDENCIES: 'parallel',
        QUANTUMWALA_CPU_LIMIT: '',
        QUANTUMWALA_SOMETHING_ELSE: 'x',
      },
    });
    expect(config.resources).toMatchObject({
      memory_limit_percent: 50,
      memory_reserve_mb: 0,
      cpu_limit_percent: 80,
    });
    expect(config.execution).toMatchObject({
      default_timeout: 90,
      agent_timeout: 120,
      claude_path: '/opt/claude',
      model: 'opus',
      max_turns: 20,
      max_budget_usd: 1.25,
      run_budget_usd: 10,
    });
    expect(config.logging.level).toBe('debug');
    expect(config.workflow).toMatchObject({ state_branch: 'qw/state', implicit_dependencies: 'parallel' });
    expect(new Set(ENV_VARIABLES.map((v) => v.name)).size).toBe(ENV_VARIABLES.length);
  });
});

describe('other values', () => {
  it('accepts the uppercase log levels of the seed and checks ranges', () => {
    expect(resolveConfig({ yaml: 'logging: { level: WARN }' }).logging.level).toBe('warn');
    expect(messageOf(() => resolveConfig({ yaml: 'resources: { cpu_limit_percent: 101 }' }))).toBe(
      'invalid config: resources.cpu_limit_percent = 101 (from .quantumwala.yml): expected a number from 1 to 100',
    );
    expect(messageOf(() => resolveConfig({ yaml: 'github: { runner_labels: [] }' }))).toBe(
      'invalid config: github.runner_labels = [] (from .quantumwala.yml): expected a non-empty list of non-empty strings',
    );
    expect(messageOf(() => resolveConfig({ yaml: 'execution: { permission_mode: yolo }' }))).toBe(
      'invalid config: execution.permission_mode = "yolo" (from .quantumwala.yml): expected one of acceptEdits, bypassPermissions, default, plan',
    );
    const flags: ConfigFlag[] = [{ key: 'github.triggers.push', value: true, source: '--push' }];
    expect(resolveConfig({ flags }).github.triggers).toEqual({ push: true, comment: true });
  });
});
