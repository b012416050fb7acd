import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import type { PlanJson } from '../../src/cli/format-plan.js';
import { VERSION } from '../../src/version.js';
import { runCli } from '../support/run-cli.js';
import { describeCorpus, PROJECT_ROOT, SHARED_SPECS } from '../support/shared-specs.js';
import { tempRepo } from '../support/temp-repo.js';

const TASKS = [
  '# Tasks',
  '- [x] 1. Scaffold',
  '- [ ] 2. Parser',
  '  - _Requirements: 1.1_',
  '- [ ] 3. Graph',
  '  - [ ] 3.1 Build',
  '  - [ ]* 3.2 Fuzz it',
  '- [ ] 4. "CLI" <plan>',
].join('\n');
const REQUIREMENTS = '# Requirements\n### Requirement 1: Parse\n#### Acceptance Criteria\n1. WHEN a THEN b\n';

describe('quantumwala CLI', () => {
  it('plan --format json prints the documented object', async () => {
    const repo = await tempRepo({
      '.kiro/specs/demo/tasks.md': TASKS,
      '.kiro/specs/demo/requirements.md': REQUIREMENTS,
    });
    const r = await runCli(['plan', 'demo', '--format', 'json'], { cwd: repo });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const plan = JSON.parse(r.stdout) as PlanJson;
    expect(Object.keys(plan)).toEqual([
      'spec',
      'format',
      'path',
      'tasks',
      'waves',
      'criticalPath',
      'warnings',
    ]);
    expect(plan).toMatchObject({ spec: 'demo', format: 'kiro', path: '.kiro/specs/demo' });
    expect(plan.tasks.map((t) => [t.id, t.status, t.group, t.optional, t.parent, t.deps])).toEqual([
      ['1', 'done', false, false, null, []],
      ['2', 'pending', false, false, null, ['1']],
      ['3', 'pending', true, false, null, []],
      ['3.1', 'pending', false, false, '3', ['2']],
      ['3.2', 'pending', false, true, '3', ['3.1']],
      ['4', 'pending', false, false, null, ['3.1']],
    ]);
    expect(plan.tasks[1]).toMatchObject({
      requirements: ['1.1'],
      agent: null,
      file: '.kiro/specs/demo/tasks.md',
      line: 3,
    });
    expect(Object.keys(plan.tasks[0] ?? {})).toEqual([
      'id',
      'title',
      'status',
      'group',
      'optional',
      'parallel',
      'parent',
      'deps',
      'requirements',
      'agent',
      'file',
      'line',
    ]);
    expect(plan.waves).toEqual([['2'], ['3.1'], ['4']]);
    expect(plan.criticalPath).toEqual(['2', '3.1', '4']);
    expect(plan.warnings).toEqual([]);
  });

  it('--include-optional schedules optional tasks', async () => {
    const repo = await tempRepo({ '.kiro/specs/demo/tasks.md': TASKS });
    const r = await runCli(['plan', 'demo', '--format', 'json', '--include-optional'], { cwd: '/', env: {} });
    expect(r.code).toBe(1); // cwd "/" has no such spec: --repo is what points at a repository
    const ok = await runCli(['plan', 'demo', '--format', 'json', '--include-optional', '--repo', repo], {
      cwd: '/',
    });
    expect((JSON.parse(ok.stdout) as PlanJson).waves).toEqual([['2'], ['3.1'], ['3.2'], ['4']]);
  });

  it('plan --format mermaid prints a flowchart with groups and escaped labels', async () => {
    const repo = await tempRepo({ '.kiro/specs/demo/tasks.md': TASKS });
    const r = await runCli(['plan', 'demo', '--format', 'mermaid'], { cwd: repo });
    expect(r.code).toBe(0);
    const lines = r.stdout.split('\n');
    expect(lines[0]).toBe('flowchart TD');
    expect(lines).toContain('  subgraph t_3["3: Graph"]');
    expect(lines).toContain('    t_3_1["3.1: Build"]');
    expect(lines).toContain('  t_4["4: #quot;CLI#quot; #lt;plan#gt;"]');
    expect(lines).toContain('  t_2 --> t_3_1');
    expect(lines).toContain('  class t_1 done');
    expect(lines).toContain('  class t_3_2 skipped');
  });

  it('plan prints a readable text plan by default', async () => {
    const repo = await tempRepo({ '.kiro/specs/demo/tasks.md': TASKS });
    const r = await runCli(['plan', 'demo'], { cwd: repo });
    expect(r.stdout).toContain('demo (kiro) — .kiro/specs/demo/tasks.md');
    expect(r.stdout).toContain('5 tasks: 1 done, 3 to run, 1 optional skipped · dependencies: sequential');
    expect(r.stdout).toContain('Critical path (3): 2 → 3.1 → 4');
  });

  it('list shows every spec with its format and progress', async () => {
    const repo = await tempRepo({
      '.kiro/specs/demo/tasks.md': TASKS,
      'specs/002-other/tasks.md': '- [ ] T001 one\n- [x] T002 two\n',
      '.claude/specs/empty/requirements.md': 'x',
    });
    const r = await runCli(['list'], { cwd: repo });
    expect(r.code).toBe(0);
    expect(r.stdout.split('\n').filter(Boolean)).toEqual([
      'NAME       FORMAT                     TASKS        PATH',
      'empty      claude-code-spec-workflow  no tasks.md  .claude/specs/empty',
      'demo       kiro                       1/5 done     .kiro/specs/demo',
      '002-other  spec-kit                   1/2 done     specs/002-other',
    ]);
  });

  it('validate exits 1 on errors, names file and line, and checks every spec when none is named', async () => {
    const repo = await tempRepo({
      '.kiro/specs/good/tasks.md': '- [ ] 1. a\n- [ ] 2. b\n  - _Depends: All earlier work_\n',
      '.kiro/specs/bad/tasks.md': '- [ ] 1. a\n  - _Depends: 7_\n',
    });
    const r = await runCli(['validate'], { cwd: repo });
    expect(r.code).toBe(1);
    expect(r.stdout.split('\n').filter(Boolean)).toEqual([
      'FAIL bad (.kiro/specs/bad)',
      '  error: .kiro/specs/bad/tasks.md:2: task 1 depends on "7", which names no task in this file',
      'ok good (.kiro/specs/good): 2 tasks, 2 waves, 2 to run',
      '  warning: .kiro/specs/good/tasks.md:3: task 2 depends on "All earlier work", which is not a task ID: taken as every earlier task (1)',
      '1 of 2 specs valid',
    ]);
    const good = await runCli(['validate', 'good'], { cwd: repo });
    expect(good.code).toBe(0);
  });

  it('spec errors: not found, ambiguous, and names that leave the repository', async () => {
    const repo = await tempRepo({
      '.kiro/specs/a/tasks.md': '- [ ] 1. a\n',
      '.claude/specs/a/tasks.md': '- [ ] 1. a\n',
    });
    expect(await runCli(['plan', 'zzz'], { cwd: repo })).toMatchObject({
      code: 1,
      stderr: 'quantumwala: spec "zzz" not found; known specs: a, a\n',
    });
    expect((await runCli(['plan', 'a'], { cwd: repo })).stderr).toBe(
      'quantumwala: spec name "a" is ambiguous; it matches: .claude/specs/a, .kiro/specs/a (name it by folder path, e.g. ".claude/specs/a")\n',
    );
    expect(await runCli(['plan', '../../etc'], { cwd: repo })).toMatchObject({
      code: 1,
      stderr:
        'quantumwala: spec name "../../etc" is not allowed: spec names never leave the repository (no "..", no absolute paths)\n',
    });
    expect((await runCli(['plan', '.kiro/specs/a'], { cwd: repo })).code).toBe(0);
  });

  it('an invalid config value is an error naming key, source and value', async () => {
    const repo = await tempRepo({
      '.kiro/specs/a/tasks.md': '- [ ] 1. a\n',
      '.quantumwala.yml': 'workflow:\n  implicit_dependencies: random\n',
    });
    const r = await runCli(['plan', 'a'], { cwd: repo });
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(
      'quantumwala: invalid config: workflow.implicit_dependencies = "random" (from .quantumwala.yml): expected one of sequential, parallel\n',
    );
    const env = await runCli(['plan', 'a'], {
      cwd: await tempRepo({ '.kiro/specs/a/tasks.md': '- [ ] 1. a\n' }),
      env: { QUANTUMWALA_IMPLICIT_DEPENDENCIES: 'x' },
    });
    expect(env.stderr).toBe(
      'quantumwala: invalid config: workflow.implicit_dependencies = "x" (from QUANTUMWALA_IMPLICIT_DEPENDENCIES): expected one of sequential, parallel\n',
    );
  });

  it('the implicit policy comes from config', async () => {
    const repo = await tempRepo({
      '.kiro/specs/a/tasks.md': '- [ ] 1. a\n- [ ] 2. b\n',
      '.claude/settings.local.json': JSON.stringify({ workflow: { implicit_dependencies: 'parallel' } }),
    });
    const r = await runCli(['plan', 'a', '--format', 'json'], { cwd: repo });
    expect((JSON.parse(r.stdout) as PlanJson).waves).toEqual([['1', '2']]);
  });

  it('bad usage exits 2 with the usage', async () => {
    for (const args of [
      ['plan'],
      ['frobnicate'],
      ['plan', 'a', '--format', 'xml'],
      ['list', '--bogus'],
      [],
    ]) {
      const r = await runCli(args, { cwd: '/' });
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr).toContain('Usage: quantumwala <command> [options]');
    }
    expect((await runCli(['--help'], { cwd: '/' })).code).toBe(0);
    expect((await runCli(['--version'], { cwd: '/' })).stdout).toBe(`${VERSION}\n`);
  });

  it('VERSION matches package.json', () => {
    const pkg = JSON.parse(readFileSync(path.join(PROJECT_ROOT, 'package.json'), 'utf8')) as {
      version: string;
    };
    expect(VERSION).toBe(pkg.version);
  });
});

describeCorpus('quantumwala CLI on the corpus', () => {
  it('validate passes on every spec of every corpus repository, warnings allowed', async () => {
    for (const repo of ['quantumwala', 'claude-code-spec-workflow', 'cc-sdd', 'kiro', 'spec-kit']) {
      const r = await runCli(['validate', '--repo', path.join(SHARED_SPECS, repo)], { cwd: '/' });
      expect(r.code, r.stdout).toBe(0);
    }
  });

  it('the installed bin runs: quantumwala plan on the corpus', async () => {
    const bin = path.join(PROJECT_ROOT, 'lib/src/cli/main.js');
    const { stdout } = await promisify(execFile)(process.execPath, [
      bin,
      'plan',
      'test-demo',
      '--format',
      'json',
      '--repo',
      path.join(SHARED_SPECS, 'quantumwala'),
    ]);
    expect((JSON.parse(stdout) as PlanJson).waves).toEqual([['1'], ['2'], ['2.1', '2.2'], ['3']]);
  });
});
