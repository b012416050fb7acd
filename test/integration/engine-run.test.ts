import { describe, expect, it } from 'vitest';
import { runCli } from '../support/run-cli.js';
import {
  attemptsOf,
  endpoint,
  engineEnv,
  exampleRepo,
  fileOnBranch,
  git,
  readState,
  run,
} from '../support/engine-fixture.js';

const FILES: Record<string, string> = {
  '1': 'package.json',
  '2.1': 'src/words.js',
  '2.2': 'src/lines.js',
  '2.3': 'src/chars.js',
  '3': 'src/frequency.js',
  '4': 'src/report.js',
  '5': 'bin/text-stats.js',
  '6': 'test/report.test.js',
  '7': 'README.md',
};

describe('quantumwala run with the real claude CLI', () => {
  it('runs a 9-task spec with a diamond and a chain to completion, at most 3 sessions at once', async () => {
    const repo = await exampleRepo();
    const server = await endpoint({ delayMs: 400 });
    const r = await run(repo, ['text-stats', '--max-concurrent', '3'], engineEnv(server));
    expect(r.stderr).toBe('');
    expect(r.code, r.stdout).toBe(0);
    expect(server.stats.maxConcurrentSessions).toBeLessThanOrEqual(3);
    expect(server.stats.maxConcurrentSessions).toBeGreaterThanOrEqual(2);
    expect(server.stats.sessionsStarted).toBe(9);

    for (const [id, file] of Object.entries(FILES)) {
      expect(await fileOnBranch(repo, 'quantumwala/text-stats', file), file).toBe(`done by task ${id}\n`);
    }
    const tasks =
      (await fileOnBranch(repo, 'quantumwala/text-stats', '.kiro/specs/text-stats/tasks.md')) ?? '';
    for (const id of Object.keys(FILES))
      expect(tasks).toMatch(new RegExp(`- \\[x\\] ${id.replace('.', '\\.')}\\.? `));
    expect(tasks).not.toMatch(/- \[ \] \d/);
    // One commit per task, linear, on top of the spec commit; the user's checkout is untouched.
    expect((await git(repo, ['rev-list', '--count', 'main..quantumwala/text-stats'])).trim()).toBe('9');
    expect((await git(repo, ['rev-list', '--merges', 'main..quantumwala/text-stats'])).trim()).toBe('');
    expect(await git(repo, ['status', '--porcelain'])).toBe('');

    const state = await readState(repo);
    expect(Object.keys(state)).toEqual(
      expect.arrayContaining([
        'version',
        'session',
        'workflow',
        'specifications',
        'agents',
        'resources',
        'errors',
        'runs',
      ]),
    );
    const spec = state.specifications['text-stats'];
    expect(spec?.progress).toMatchObject({ total: 9, succeeded: 9, failed: 0, percent: 100 });
    const [only] = Object.values(state.runs);
    expect(only).toMatchObject({ status: 'succeeded', spec: 'text-stats', max_concurrent: 3 });
    expect(only?.peak_concurrent).toBeLessThanOrEqual(3);
    expect(state.resources.total_tasks_executed).toBe(9);
    expect(state.agents.default?.total_executions).toBe(9);
    for (const id of Object.keys(FILES)) {
      const attempt = only?.tasks[id]?.attempts[0];
      expect(attempt?.outcome).toBe('succeeded');
      expect(attempt?.turns).toBeGreaterThanOrEqual(2);
      expect(attempt?.cost_usd).toBeGreaterThan(0);
      expect(attempt?.session_id).toMatch(/^[0-9a-f-]{36}$/);
    }
    expect(attemptsOf(state, '4')).toEqual([['succeeded', null]]);

    // quantumwala status reads the state branch: per task status, attempts, duration, cost; totals.
    const status = await runCli(['status', 'text-stats'], { cwd: repo, env: {} });
    expect(status.code).toBe(0);
    const rows = status.stdout.split('\n').filter((l) => /^\d[\d.]*\s+succeeded/.test(l));
    expect(rows.map((l) => l.split(/\s+/).slice(0, 3))).toEqual(
      ['1', '2.1', '2.2', '2.3', '3', '4', '5', '6', '7'].map((id) => [id, 'succeeded', '1']),
    );
    expect(status.stdout).toMatch(/totals: 9 succeeded · [\d.]+s of sessions · \$\d+\.\d{4}/);
    const json = JSON.parse(
      (await runCli(['status', 'text-stats', '--format', 'json'], { cwd: repo, env: {} })).stdout,
    ) as {
      run: { status: string; tasks: Record<string, unknown> };
      spec: { progress: { percent: number } };
    };
    expect(json.run.status).toBe('succeeded');
    expect(Object.keys(json.run.tasks)).toHaveLength(9);
    expect(json.spec.progress.percent).toBe(100);

    // A rerun resumes: every task is done on the work branch, nothing runs again.
    const again = await run(repo, ['text-stats'], engineEnv(server));
    expect(again.code).toBe(0);
    expect(server.stats.sessionsStarted).toBe(9);
    expect(again.stdout).toContain('0 task(s) succeeded');
  }, 180_000);
});
