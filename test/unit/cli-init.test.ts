import { lstat, mkdir, mkdtemp, readFile, readlink, rm, symlink, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { INIT_SOURCES } from '../../src/cli/commands/init.js';
import { defaultConfig, GITHUB_CONFIG_FILE, resolveConfig } from '../../src/config/index.js';
import { isSettingKey } from '../../src/config/validate-source.js';
import { gitTestRepo } from '../support/git-test-repo.js';
import { runCli } from '../support/run-cli.js';
import { PROJECT_ROOT } from '../support/shared-specs.js';
import { tempRepo } from '../support/temp-repo.js';

const WORKFLOW = '.github/workflows/quantumwala.yml';
const SOURCE_WORKFLOW = path.join(PROJECT_ROOT, WORKFLOW);
const TEMPLATE = path.join(PROJECT_ROOT, 'templates/quantumwala.yml');

const outside: string[] = [];
afterEach(async () => {
  await Promise.all(outside.splice(0).map((d) => rm(d, { recursive: true, force: true })));
});

async function outsideDir(): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'qw-outside-'));
  outside.push(dir);
  return dir;
}

const init = (repo: string, ...extra: string[]) => runCli(['init', '--repo', repo, ...extra], { cwd: '/' });

/** The template with the first level of comments removed from its settings part: every default setting on. */
function uncomment(text: string, onlySection?: string): string {
  let inSettings = false;
  let section: string | undefined;
  return text
    .split('\n')
    .map((line) => {
      const top = /^# ([a-z_]+):/.exec(line);
      if (top) {
        inSettings = true;
        section = top[1];
      }
      if (!inSettings || !line.startsWith('# ')) return line;
      if (onlySection !== undefined && section !== onlySection) return line;
      return line.slice(2);
    })
    .join('\n');
}

/** Also removes the second level: the example values of the settings without a default. */
function uncommentTwice(text: string): string {
  return uncomment(text).replace(/^(\s+)# ([a-z_]+: )/gm, '$1$2');
}

/** Every leaf key path of a parsed YAML object (`github.triggers.push`). */
function leafKeys(value: unknown, prefix = ''): string[] {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return [prefix];
  return Object.entries(value).flatMap(([k, v]) => leafKeys(v, prefix ? `${prefix}.${k}` : k));
}

const resolveTemplate = (yaml: string) => resolveConfig({ yaml, yamlSource: GITHUB_CONFIG_FILE });

describe('quantumwala init', () => {
  it('writes the workflow and the commented config into a git repository', async () => {
    const repo = await gitTestRepo();
    const r = await init(repo);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`wrote ${WORKFLOW}`);
    expect(r.stdout).toContain(`wrote ${GITHUB_CONFIG_FILE}`);
    expect(r.stdout).toContain('ANTHROPIC_API_KEY');
    expect(r.stdout).toContain('/quantumwala run <spec>');
    expect(r.stdout).toMatch(/Install the Quantumwala GitHub App/);
    expect(r.stdout).not.toContain('note:');

    const written = await readFile(path.join(repo, WORKFLOW));
    expect(written.equals(await readFile(SOURCE_WORKFLOW))).toBe(true);
    expect(await readFile(path.join(repo, GITHUB_CONFIG_FILE), 'utf8')).toBe(
      await readFile(TEMPLATE, 'utf8'),
    );
  });

  it('copies the files the package ships', async () => {
    expect(INIT_SOURCES).toEqual({ workflow: SOURCE_WORKFLOW, config: TEMPLATE });
    const pkg = JSON.parse(await readFile(path.join(PROJECT_ROOT, 'package.json'), 'utf8')) as {
      files: string[];
    };
    expect(pkg.files).toEqual(expect.arrayContaining([WORKFLOW, 'templates']));
  });

  it('the config as written resolves to the defaults', async () => {
    const repo = await tempRepo();
    expect((await init(repo)).code).toBe(0);
    const yaml = await readFile(path.join(repo, GITHUB_CONFIG_FILE), 'utf8');
    expect(resolveTemplate(yaml)).toEqual(defaultConfig());
  });

  it('uncommenting the settings gives valid config: the defaults, each section alone or all at once', async () => {
    const template = await readFile(TEMPLATE, 'utf8');
    const all = uncomment(template);
    expect(all).not.toBe(template);
    expect(resolveTemplate(all)).toEqual(defaultConfig());
    const parsed = parseYaml(all) as Record<string, unknown>;
    expect(Object.keys(parsed)).toEqual(['github', 'execution', 'resources', 'workflow']);
    for (const section of Object.keys(parsed)) {
      const one = uncomment(template, section);
      expect(Object.keys(parseYaml(one) as object), section).toEqual([section]);
      expect(resolveTemplate(one), section).toEqual(defaultConfig());
    }
  });

  it('lists every github setting, and only settings the schema knows', async () => {
    const template = await readFile(TEMPLATE, 'utf8');
    const keys = leafKeys(parseYaml(uncommentTwice(template)));
    expect(keys.filter((k) => !isSettingKey(k))).toEqual([]);
    expect(keys.filter((k) => k.startsWith('github.')).sort()).toEqual(
      [
        'github.runner_labels',
        'github.workflow_file',
        'github.max_matrix',
        'github.triggers.push',
        'github.triggers.comment',
        'github.pull_request.draft',
        'github.pull_request.base',
      ].sort(),
    );
    expect(leafKeys(defaultConfig().github).map((k) => `github.${k}`)).toEqual(
      expect.arrayContaining(keys.filter((k) => k.startsWith('github.') && k !== 'github.pull_request.base')),
    );
    // Each setting line has its explanation on the line above.
    const lines = uncomment(template).split('\n');
    lines.forEach((line, i) => {
      if (/^\s+[a-z_]+: \S/.test(line) && !/^\s+task_memory_estimate_mb:|retry_max_delay_ms:/.test(line)) {
        expect(lines[i - 1], line).toMatch(/^\s+# /);
      }
    });
  });

  it('the settings without a default, uncommented too, are valid and take the example values', async () => {
    const config = resolveTemplate(uncommentTwice(await readFile(TEMPLATE, 'utf8')));
    expect(config.github.pull_request.base).toBe('main');
    expect(config.execution.model).toBe('sonnet');
    expect(config.execution.run_budget_usd).toBe(50);
  });

  it('refuses to overwrite either file without --force, and writes nothing', async () => {
    const repo = await gitTestRepo();
    expect((await init(repo)).code).toBe(0);
    await writeFile(path.join(repo, GITHUB_CONFIG_FILE), 'mine: true\n');
    const r = await init(repo);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain(path.join(repo, WORKFLOW));
    expect(r.stderr).toContain(path.join(repo, GITHUB_CONFIG_FILE));
    expect(r.stderr).toContain('--force');
    expect(await readFile(path.join(repo, GITHUB_CONFIG_FILE), 'utf8')).toBe('mine: true\n');
  });

  it('one existing file stops both: it is named, the other is not written', async () => {
    const repo = await tempRepo({ [GITHUB_CONFIG_FILE]: 'github:\n  max_matrix: 8\n' });
    const r = await init(repo);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(
      `quantumwala: ${path.join(repo, GITHUB_CONFIG_FILE)} already exists; use --force to overwrite\n`,
    );
    await expect(lstat(path.join(repo, WORKFLOW))).rejects.toThrow(/ENOENT/);
  });

  it('--force overwrites both', async () => {
    const repo = await tempRepo({ [WORKFLOW]: 'old\n', [GITHUB_CONFIG_FILE]: 'old: true\n' });
    const r = await init(repo, '--force');
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`overwrote ${WORKFLOW}`);
    expect(r.stdout).toContain(`overwrote ${GITHUB_CONFIG_FILE}`);
    expect((await readFile(path.join(repo, WORKFLOW))).equals(await readFile(SOURCE_WORKFLOW))).toBe(true);
    expect(await readFile(path.join(repo, GITHUB_CONFIG_FILE), 'utf8')).toBe(
      await readFile(TEMPLATE, 'utf8'),
    );
  });

  it('creates .github/workflows beside an existing .github', async () => {
    const repo = await tempRepo({ '.github/CODEOWNERS': '* @me\n' });
    const r = await init(repo);
    expect(r.code).toBe(0);
    expect((await lstat(path.join(repo, WORKFLOW))).isFile()).toBe(true);
    expect(await readFile(path.join(repo, '.github/CODEOWNERS'), 'utf8')).toBe('* @me\n');
  });

  it('takes a relative --repo from the current directory, and the current directory by default', async () => {
    const parent = await tempRepo({ 'a/.keep': '', 'b/.keep': '' });
    const r = await runCli(['init', '--repo', 'a'], { cwd: parent });
    expect(r.code).toBe(0);
    expect((await lstat(path.join(parent, 'a', WORKFLOW))).isFile()).toBe(true);
    expect((await runCli(['init'], { cwd: path.join(parent, 'b') })).code).toBe(0);
    expect((await lstat(path.join(parent, 'b', GITHUB_CONFIG_FILE))).isFile()).toBe(true);
  });

  it('a --repo that is missing or not a directory is an error naming it', async () => {
    const dir = await tempRepo({ 'file.txt': 'x' });
    const missing = path.join(dir, 'nope');
    const r = await init(missing);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(`quantumwala: --repo ${missing}: no such directory\n`);
    const file = path.join(dir, 'file.txt');
    const f = await init(file);
    expect(f.code).toBe(1);
    expect(f.stderr).toBe(`quantumwala: --repo ${file}: not a directory\n`);
  });

  it('refuses a .github symlink that leads out of the repository', async () => {
    const repo = await tempRepo();
    const elsewhere = await outsideDir();
    await symlink(elsewhere, path.join(repo, '.github'));
    for (const args of [[], ['--force']]) {
      const r = await init(repo, ...args);
      expect(r.code).toBe(1);
      expect(r.stderr).toContain(`${path.join(repo, '.github')} is a symlink to`);
      expect(r.stderr).toContain('outside');
    }
    await expect(lstat(path.join(elsewhere, 'workflows'))).rejects.toThrow(/ENOENT/);
    await expect(lstat(path.join(elsewhere, 'quantumwala.yml'))).rejects.toThrow(/ENOENT/);
  });

  it('refuses, even with --force, a target file that is a symlink out of the repository', async () => {
    const repo = await tempRepo({ '.github/workflows/.keep': '' });
    const elsewhere = await outsideDir();
    const victim = path.join(elsewhere, 'victim.txt');
    await writeFile(victim, 'keep me\n');
    await symlink(victim, path.join(repo, GITHUB_CONFIG_FILE));
    const r = await init(repo, '--force');
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`${path.join(repo, GITHUB_CONFIG_FILE)} is a symlink to`);
    expect(await readFile(victim, 'utf8')).toBe('keep me\n');
    await expect(lstat(path.join(repo, WORKFLOW))).rejects.toThrow(/ENOENT/);
  });

  it('refuses a dangling symlink as a target', async () => {
    const repo = await tempRepo({ '.github/.keep': '' });
    const elsewhere = await outsideDir();
    await symlink(path.join(elsewhere, 'later.yml'), path.join(repo, GITHUB_CONFIG_FILE));
    const r = await init(repo, '--force');
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('does not exist');
    await expect(lstat(path.join(elsewhere, 'later.yml'))).rejects.toThrow(/ENOENT/);
  });

  it('writes through a symlink that stays inside the repository', async () => {
    const repo = await tempRepo({ 'ci/.keep': '' });
    await mkdir(path.join(repo, '.github'));
    await symlink(path.join(repo, 'ci'), path.join(repo, '.github/workflows'));
    const r = await init(repo);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(await readlink(path.join(repo, '.github/workflows'))).toBe(path.join(repo, 'ci'));
    expect(
      (await readFile(path.join(repo, 'ci/quantumwala.yml'))).equals(await readFile(SOURCE_WORKFLOW)),
    ).toBe(true);
  });

  it('notes a folder outside any git repository, or below its top', async () => {
    const plain = await tempRepo();
    expect((await init(plain)).stdout).toContain(`note: ${plain} is not in a git repository`);
    const repo = await gitTestRepo();
    await mkdir(path.join(repo, 'sub'));
    const r = await init(path.join(repo, 'sub'));
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('is not the top of its git repository');
  });

  it('bad usage exits 2', async () => {
    const repo = await tempRepo();
    const extra = await runCli(['init', 'extra', '--repo', repo], { cwd: '/' });
    expect(extra.code).toBe(2);
    expect(extra.stderr).toContain('init takes no arguments');
    const force = await runCli(['list', '--force', '--repo', repo], { cwd: '/' });
    expect(force.code).toBe(2);
    expect(force.stderr).toContain('--force goes with init');
    await expect(lstat(path.join(repo, '.github'))).rejects.toThrow(/ENOENT/);
  });

  it('--help lists init and --force', async () => {
    const r = await runCli(['init', '--help'], { cwd: '/' });
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^ {2}init {2,}Write the matrix workflow/m);
    expect(r.stdout).toMatch(/^ {2}--force {2,}init: overwrite/m);
  });
});
