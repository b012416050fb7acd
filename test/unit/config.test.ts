import { mkdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  ConfigError,
  defaultConfig,
  isValidRefName,
  loadConfig,
  resolveConfig,
  workBranchFor,
  type ConfigFlag,
} from '../../src/config/index.js';
import { tempRepo } from '../support/temp-repo.js';

const SEED = path.join(import.meta.dirname, '../fixtures/config/seed-settings.local.json');

function errorOf(fn: () => unknown): ConfigError {
  try {
    fn();
  } catch (err) {
    if (err instanceof ConfigError) return err;
    throw err;
  }
  throw new Error('expected a ConfigError');
}

const messageOf = (fn: () => unknown) => errorOf(fn).message;

async function asyncErrorOf(promise: Promise<unknown>): Promise<ConfigError> {
  try {
    await promise;
  } catch (err) {
    if (err instanceof ConfigError) return err;
    throw err;
  }
  throw new Error('expected a ConfigError');
}

describe('loadConfig sources', () => {
  it('uses defaults when there are no files, variables or flags', async () => {
    const config = await loadConfig({ repoDir: await tempRepo() });
    expect(config.resources.max_concurrent_tasks).toBe(4);
    expect(config.execution.default_timeout).toBe(1800);
    expect(config.workflow.work_branch).toBe('quantumwala/{spec}');
  });

  it('each source overrides the weaker ones: yaml < settings json < env < flags', async () => {
    const repoDir = await tempRepo({
      '.quantumwala.yml': [
        'resources:',
        '  max_concurrent_tasks: 2',
        '  cpu_limit_percent: 50',
        '  memory_limit_percent: 60',
        'execution:',
        '  default_timeout: 100',
        '  extra_args: [--a, --b]',
        'workflow:',
        '  implicit_dependencies: parallel',
        '  spec_globs: [specs/*]',
      ].join('\n'),
      '.claude/settings.local.json': JSON.stringify({
        resources: { max_concurrent_tasks: 3, cpu_limit_percent: 55 },
        execution: { extra_args: ['--c'] },
        permissions: { allow: [] },
      }),
    });
    const flags: ConfigFlag[] = [
      { key: 'resources.max_concurrent_tasks', value: 7, source: '--max-concurrent' },
      { key: 'workflow.include_optional', value: true, source: '--include-optional' },
    ];
    const env = { QUANTUMWALA_MAX_CONCURRENT: '5', QUANTUMWALA_CPU_LIMIT: '65', QUANTUMWALA_UNKNOWN: 'x' };

    const yamlOnly = await loadConfig({ repoDir, env: {} });
    expect(yamlOnly.resources.memory_limit_percent).toBe(60);
    expect(yamlOnly.execution.default_timeout).toBe(100);
    expect(yamlOnly.workflow.implicit_dependencies).toBe('parallel');
    expect(yamlOnly.workflow.spec_globs).toEqual(['specs/*']);
    // settings json beats yaml; arrays replace rather than concatenate
    expect(yamlOnly.resources.max_concurrent_tasks).toBe(3);
    expect(yamlOnly.resources.cpu_limit_percent).toBe(55);
    expect(yamlOnly.execution.extra_args).toEqual(['--c']);

    const withEnv = await loadConfig({ repoDir, env });
    expect(withEnv.resources.max_concurrent_tasks).toBe(5);
    expect(withEnv.resources.cpu_limit_percent).toBe(65);

    const withFlags = await loadConfig({ repoDir, env, flags });
    expect(withFlags.resources.max_concurrent_tasks).toBe(7);
    expect(withFlags.resources.cpu_limit_percent).toBe(65);
    expect(withFlags.workflow.include_optional).toBe(true);
  });

  it("loads the seed project's real settings.local.json", async () => {
    const settingsJson = await readFile(SEED, 'utf8');
    const repoDir = await tempRepo({ '.claude/settings.local.json': settingsJson });
    const config = await loadConfig({ repoDir, env: {} });
    expect(config.resources).toMatchObject({
      max_concurrent_tasks: 8,
      cpu_limit_percent: 80,
      memory_limit_percent: 75,
      memory_reserve_mb: 1024,
      resource_check_interval: 2,
    });
    expect(config.execution).toMatchObject({
      default_timeout: 300,
      agent_timeout: 600,
      orchestration_timeout: 1800,
      max_retries: 3,
      retry_base_delay_ms: 5000,
    });
    expect(config.hooks.pre_task?.script).toBe('.claude/hooks/pre-task.sh');
    expect(config.hooks.pre_task?.timeout).toBe(10);
    expect(config.hooks.post_command?.script).toBe('.claude/hooks/phase-complete.sh');
    expect(config.hooks).not.toHaveProperty('preserve_context');
    expect(config.logging.level).toBe('info');
    expect(config).not.toHaveProperty('permissions');
    expect(config.workflow).not.toHaveProperty('max_retries');
    expect(config.execution).not.toHaveProperty('simulate_mode');
  });

  it('the GitHub App can name its own yaml file', () => {
    const config = resolveConfig({
      yaml: 'resources: { max_concurrent_tasks: 6 }',
      yamlSource: '.github/quantumwala.yml',
    });
    expect(config.resources.max_concurrent_tasks).toBe(6);
    expect(
      messageOf(() => resolveConfig({ yaml: 'resources: 3', yamlSource: '.github/quantumwala.yml' })),
    ).toBe('invalid config: resources = 3 (from .github/quantumwala.yml): expected an object');
  });

  it('an unreadable file is an error', async () => {
    const repoDir = await tempRepo();
    await mkdir(path.join(repoDir, '.quantumwala.yml'));
    const err = await asyncErrorOf(loadConfig({ repoDir }));
    expect(err.message).toMatch(/^invalid config: \.quantumwala\.yml: cannot read file: .*EISDIR/);
    expect(err.source).toBe('.quantumwala.yml');
  });
});

describe('config errors name the key, the source and the value', () => {
  it('from the yaml file', () => {
    const err = errorOf(() => resolveConfig({ yaml: 'execution:\n  default_timeout: -5\n' }));
    expect(err.message).toBe(
      'invalid config: execution.default_timeout = -5 (from .quantumwala.yml): expected a positive number of seconds',
    );
    expect(err).toMatchObject({ key: 'execution.default_timeout', source: '.quantumwala.yml', value: -5 });
    expect(err).toBeInstanceOf(Error);
  });

  it('from the settings file', () => {
    const settingsJson = JSON.stringify({ workflow: { implicit_dependencies: 'random' } });
    expect(messageOf(() => resolveConfig({ settingsJson }))).toBe(
      'invalid config: workflow.implicit_dependencies = "random" (from .claude/settings.local.json): expected one of sequential, parallel',
    );
  });

  it('from an environment variable', () => {
    const err = errorOf(() => resolveConfig({ env: { QUANTUMWALA_MAX_CONCURRENT: 'abc' } }));
    expect(err.message).toBe(
      'invalid config: resources.max_concurrent_tasks = "abc" (from QUANTUMWALA_MAX_CONCURRENT): expected a positive integer',
    );
    expect(err).toMatchObject({
      key: 'resources.max_concurrent_tasks',
      source: 'QUANTUMWALA_MAX_CONCURRENT',
    });
  });

  it('from a flag', () => {
    const flags: ConfigFlag[] = [
      { key: 'resources.max_concurrent_tasks', value: 0, source: '--max-concurrent' },
    ];
    expect(messageOf(() => resolveConfig({ flags }))).toBe(
      'invalid config: resources.max_concurrent_tasks = 0 (from --max-concurrent): expected a positive integer',
    );
  });

  it('flags are typed by key', () => {
    // @ts-expect-error a string is not a number of tasks
    const bad: ConfigFlag = { key: 'resources.max_concurrent_tasks', value: '3', source: '--max-concurrent' };
    const hook: ConfigFlag = { key: 'hooks.pre_task.script', value: 'x.sh', source: '--pre-task' };
    expect([bad.key, hook.key]).toEqual(['resources.max_concurrent_tasks', 'hooks.pre_task.script']);
  });

  it('a flag with an unknown key', () => {
    const flags = [{ key: 'resources.nope', value: 1, source: '--nope' }] as unknown as ConfigFlag[];
    expect(messageOf(() => resolveConfig({ flags }))).toBe(
      'invalid config: resources.nope = 1 (from --nope): unknown setting',
    );
  });

  it('a section of the wrong shape', () => {
    expect(messageOf(() => resolveConfig({ yaml: 'resources: 3' }))).toBe(
      'invalid config: resources = 3 (from .quantumwala.yml): expected an object',
    );
    expect(messageOf(() => resolveConfig({ settingsJson: '[1]' }))).toBe(
      'invalid config: .claude/settings.local.json: expected an object at the top level',
    );
  });

  it('bad YAML', () => {
    const err = errorOf(() => resolveConfig({ yaml: 'a: [1' }));
    expect(err.message).toMatch(/^invalid config: \.quantumwala\.yml: not valid YAML: Flow sequence/);
    expect(err.key).toBeUndefined();
  });

  it('bad JSON', () => {
    let expected = '';
    try {
      JSON.parse('{"workflow":');
    } catch (e) {
      expected = (e as Error).message;
    }
    expect(messageOf(() => resolveConfig({ settingsJson: '{"workflow":' }))).toBe(
      `invalid config: .claude/settings.local.json: not valid JSON: ${expected}`,
    );
  });

  it('empty files are fine', () => {
    expect(resolveConfig({ yaml: '', settingsJson: '  \n' }).resources.max_concurrent_tasks).toBe(4);
    expect(resolveConfig({ yaml: 'resources:\n' }).resources.max_concurrent_tasks).toBe(4);
  });

  it('unknown sections and keys are ignored, known keys inside them still checked', () => {
    const settingsJson = JSON.stringify({
      monitoring: { dashboard_port: 'x' },
      logging: { log_retention_days: 'x' },
      hooks: { PreToolUse: [{ matcher: 'Bash' }] },
    });
    expect(() => resolveConfig({ settingsJson })).not.toThrow();
    expect(
      messageOf(() => resolveConfig({ settingsJson: JSON.stringify({ logging: { level: 'loud' } }) })),
    ).toBe(
      'invalid config: logging.level = "loud" (from .claude/settings.local.json): expected one of debug, info, warn, error',
    );
  });
});

describe('branch names', () => {
  it('checks git ref name rules', () => {
    for (const good of ['main', 'quantumwala/state', 'feature/x-1', 'a.b'])
      expect(isValidRefName(good)).toBe(true);
    const bad = [
      '',
      'a b',
      'a..b',
      '-x',
      'a~1',
      'a^',
      'a:b',
      'a?',
      'a*',
      'a[',
      'a\\b',
      'x.lock',
      'x/',
      'a//b',
      '.a',
      'a@{1}',
    ];
    for (const name of bad) expect(isValidRefName(name), name).toBe(false);
  });

  it('validates work_branch (with {spec}) and state_branch', () => {
    expect(resolveConfig({ yaml: 'workflow: { work_branch: "qw/{spec}/work" }' }).workflow.work_branch).toBe(
      'qw/{spec}/work',
    );
    expect(messageOf(() => resolveConfig({ env: { QUANTUMWALA_STATE_BRANCH: 'bad branch' } }))).toBe(
      'invalid config: workflow.state_branch = "bad branch" (from QUANTUMWALA_STATE_BRANCH): expected a valid git branch name',
    );
    expect(messageOf(() => resolveConfig({ yaml: 'workflow: { work_branch: "qw/{spec}.lock" }' }))).toBe(
      'invalid config: workflow.work_branch = "qw/{spec}.lock" (from .quantumwala.yml): expected a valid git branch name (may contain {spec})',
    );
  });

  it('workBranchFor fills in the spec name', () => {
    expect(workBranchFor(defaultConfig(), '001-auth')).toBe('quantumwala/001-auth');
    expect(() => workBranchFor(defaultConfig(), 'has space')).toThrow('invalid branch name');
  });
});
