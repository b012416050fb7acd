import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import {
  endpoint,
  engineEnv,
  exampleRepo,
  fileOnBranch,
  git,
  readState,
  run,
} from '../support/engine-fixture.js';
import { PROJECT_ROOT } from '../support/shared-specs.js';

const BRANCH = 'quantumwala/text-stats';

/** The CLI as its own process (so it can be killed), run from source through tsx. */
function spawnRunner(repo: string, args: string[], env: NodeJS.ProcessEnv): ChildProcess {
  // tsx resolves from the working directory, so the runner starts in the project and gets --repo.
  return spawn(
    process.execPath,
    ['--import', 'tsx', path.join(PROJECT_ROOT, 'src/cli/main.ts'), 'run', ...args, '--repo', repo],
    { cwd: PROJECT_ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] },
  );
}

async function landed(repo: string): Promise<number> {
  const r = await git(repo, ['rev-list', '--count', `main..${BRANCH}`]).catch(() => '0');
  return Number(r.trim());
}

async function until(what: string, check: () => Promise<boolean>, ms = 60_000): Promise<void> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (await check()) return;
    await sleep(100);
  }
  throw new Error(`timed out waiting for ${what}`);
}

function exited(child: ChildProcess): Promise<number | null> {
  return new Promise((resolve) => child.on('exit', (code) => resolve(code)));
}

describe('quantumwala run: crash and interrupt', () => {
  it('kill -9 of the runner mid-run, then a rerun finishes the remaining tasks, each landed once', async () => {
    const repo = await exampleRepo();
    const server = await endpoint({ delayMs: 600 });
    const env = engineEnv(server);
    const runner = spawnRunner(repo, ['text-stats', '--max-concurrent', '2'], env);
    const gone = exited(runner);
    await until('three tasks to land', async () => (await landed(repo)) >= 3);
    runner.kill('SIGKILL');
    await gone;
    const before = await landed(repo);
    expect(before).toBeLessThan(9);

    const r = await run(repo, ['text-stats', '--max-concurrent', '3'], env);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    const subjects = (await git(repo, ['log', '--format=%s', `main..${BRANCH}`])).trim().split('\n');
    expect(subjects).toHaveLength(9);
    expect(new Set(subjects).size).toBe(9);
    expect(await fileOnBranch(repo, BRANCH, 'README.md')).toBe('done by task 7\n');
    const tasks = (await fileOnBranch(repo, BRANCH, '.kiro/specs/text-stats/tasks.md')) ?? '';
    expect(tasks).not.toMatch(/- \[ \]/);

    const state = await readState(repo);
    const runs = Object.values(state.runs).sort((a, b) => a.started_at.localeCompare(b.started_at));
    expect(runs.map((x) => x.status)).toEqual(['interrupted', 'succeeded']);
    expect(runs[0]?.message).toMatch(/the runner stopped without finishing; found by run /);
    expect(Object.keys(runs[1]?.tasks ?? {})).toHaveLength(9 - before);
    // The crashed run's worktrees were cleaned up by the rerun.
    expect((await git(repo, ['worktree', 'list'])).trim().split('\n')).toHaveLength(1);
  }, 120_000);

  it('Ctrl-C stops cleanly: running sessions terminated, tasks recorded as interrupted', async () => {
    const repo = await exampleRepo();
    const server = await endpoint({ faults: { '1': 'hang' } });
    const runner = spawnRunner(repo, ['text-stats'], engineEnv(server));
    let out = '';
    runner.stdout?.on('data', (d: Buffer) => (out += d.toString()));
    const gone = exited(runner);
    await until(
      'task 1 to start',
      async () => server.stats.sessionsStarted >= 1 && out.includes('1 started'),
    );
    runner.kill('SIGINT');
    expect(await gone).toBe(1);
    const state = await readState(repo);
    const [runRecord] = Object.values(state.runs);
    expect(runRecord?.status).toBe('interrupted');
    expect(runRecord?.tasks['1']?.status).toBe('interrupted');
    expect(runRecord?.tasks['1']?.attempts.map((a) => a.error_class)).toEqual(['interrupted']);
    expect(runRecord?.tasks['7']?.status).toBe('not_run');
    expect(await landed(repo)).toBe(0);
    expect((await git(repo, ['worktree', 'list'])).trim().split('\n')).toHaveLength(1);
    expect(out).toMatch(/run interrupted/);
  }, 120_000);
});
