import { chmod, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { claudeBinPath } from '../support/claude-cli.js';
import {
  attemptsOf,
  endpoint,
  engineEnv,
  fileOnBranch,
  git,
  gitRepo,
  readState,
  run,
} from '../support/engine-fixture.js';

const SPEC = '.kiro/specs/s/tasks.md';
const BRANCH = 'quantumwala/s';

/** Tasks `- [ ] <id>. Task <id> in \`<id>.txt\``, with the given dependencies ('' for none). */
function tasks(deps: Record<string, string>): string {
  return Object.entries(deps)
    .map(([id, d]) => `- [ ] ${id}. Task ${id} in \`out/${id}.txt\`\n  - _Depends: ${d || 'none'}_\n`)
    .join('');
}

function config(yaml: string): Record<string, string> {
  return { '.quantumwala.yml': yaml };
}

async function timeoutsOf(repo: string, id: string): Promise<(number | null)[]> {
  const state = await readState(repo);
  const runRecord = Object.values(state.runs).at(-1);
  return (runRecord?.tasks[id]?.attempts ?? []).map((a) => a.timeout_seconds);
}

describe('quantumwala run: faults, each recorded with its class, no other result lost', () => {
  it('a session that hangs past its timeout is killed and retried with twice the timeout', async () => {
    const repo = await gitRepo({
      [SPEC]: tasks({ 1: '', 2: '' }),
      ...config('execution:\n  default_timeout: 5\n  kill_grace_period: 1\n  max_retries: 1\n'),
    });
    const server = await endpoint({ faults: { '1': 'hang' } });
    const r = await run(repo, ['s', '--max-concurrent', '2'], engineEnv(server));
    expect(r.code, r.stdout).toBe(0);
    const state = await readState(repo);
    expect(attemptsOf(state, '1')).toEqual([
      ['failed', 'timeout'],
      ['succeeded', null],
    ]);
    expect(await timeoutsOf(repo, '1')).toEqual([5, 10]);
    expect(attemptsOf(state, '2')).toEqual([['succeeded', null]]);
    expect(await fileOnBranch(repo, BRANCH, 'out/1.txt')).toBe('done by task 1\n');
    expect(await fileOnBranch(repo, BRANCH, 'out/2.txt')).toBe('done by task 2\n');
  });

  it('an endpoint that answers 529 is retried after backing off, then succeeds', async () => {
    const repo = await gitRepo({
      [SPEC]: tasks({ 1: '', 2: '' }),
      ...config('execution:\n  claude_max_retries: 0\n  retry_base_delay_ms: 200\n'),
    });
    const server = await endpoint({ faults: { '1': [{ status: 529 }] } });
    const r = await run(repo, ['s'], engineEnv(server));
    expect(r.code, r.stdout).toBe(0);
    const state = await readState(repo);
    expect(attemptsOf(state, '1')).toEqual([
      ['failed', 'overloaded'],
      ['succeeded', null],
    ]);
    expect(server.requests.some((q) => q.status === 529)).toBe(true);
    expect(attemptsOf(state, '2')).toEqual([['succeeded', null]]);
  });

  it('401 is an auth_error, never retried; its dependents do not run, the rest do', async () => {
    const repo = await gitRepo({ [SPEC]: tasks({ 1: '', 2: '1', 3: '' }) });
    const server = await endpoint({ faults: { '1': Array.from({ length: 10 }, () => ({ status: 401 })) } });
    const r = await run(repo, ['s', '--max-concurrent', '2'], engineEnv(server));
    expect(r.code).toBe(1);
    const state = await readState(repo);
    expect(attemptsOf(state, '1')).toEqual([['failed', 'auth_error']]);
    const runRecord = Object.values(state.runs).at(-1);
    expect(runRecord?.tasks['2']?.status).toBe('not_run');
    expect(runRecord?.tasks['3']?.status).toBe('succeeded');
    expect(runRecord?.status).toBe('failed');
    expect(state.errors.map((e) => e.class)).toEqual(['auth_error']);
    expect(await fileOnBranch(repo, BRANCH, 'out/3.txt')).toBe('done by task 3\n');
    expect(r.stdout).toMatch(/1\s+failed\s+1\s+.*auth_error/);
  });

  it('a per-task budget stop is budget_exceeded and is not retried', async () => {
    const repo = await gitRepo({
      [SPEC]: tasks({ 1: '', 2: '' }),
      ...config('execution:\n  max_budget_usd: 0.001\n'),
    });
    const server = await endpoint();
    const r = await run(repo, ['s', '--only', '1'], engineEnv(server));
    expect(r.code).toBe(1);
    expect(attemptsOf(await readState(repo), '1')).toEqual([['failed', 'budget_exceeded']]);
    expect(await fileOnBranch(repo, BRANCH, 'out/1.txt')).toBeNull();
  });

  it('a missing claude binary stops the run before anything starts, saying how to install it', async () => {
    const repo = await gitRepo({ [SPEC]: tasks({ 1: '' }) });
    const server = await endpoint();
    const r = await run(repo, ['s'], engineEnv(server, { QUANTUMWALA_CLAUDE_PATH: '/nonexistent/claude' }));
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('npm install -g @anthropic-ai/claude-code');
    expect(r.stderr).toContain('execution.claude_path');
    expect(server.stats.sessionsStarted).toBe(0);
    expect((await git(repo, ['branch', '--list', 'quantumwala/state'])).trim()).toBe('');
  });

  it('a session that exits non-zero is an agent_failure, retried up to the limit', async () => {
    const repo = await gitRepo({
      [SPEC]: tasks({ 1: '', 2: '' }),
      ...config('execution:\n  max_retries: 1\n  retry_base_delay_ms: 50\n'),
    });
    // A claude that crashes on task 2 and is the real CLI otherwise.
    const wrapper = path.join(path.dirname(repo), 'claude-crashes-on-2.cjs');
    await writeFile(
      wrapper,
      [
        '#!/usr/bin/env node',
        "const { spawnSync } = require('node:child_process');",
        'const args = process.argv.slice(2);',
        "if (args.some((a) => a.includes('Task ID: 2'))) { process.stderr.write('simulated crash\\n'); process.exit(3); }",
        `const r = spawnSync(${JSON.stringify(claudeBinPath())}, args, { stdio: 'inherit' });`,
        'process.exit(r.status ?? 1);',
      ].join('\n'),
    );
    await chmod(wrapper, 0o755);
    const server = await endpoint();
    const r = await run(repo, ['s'], engineEnv(server, { QUANTUMWALA_CLAUDE_PATH: wrapper }));
    expect(r.code).toBe(1);
    const state = await readState(repo);
    expect(attemptsOf(state, '2')).toEqual([
      ['failed', 'agent_failure'],
      ['failed', 'agent_failure'],
    ]);
    expect(attemptsOf(state, '1')).toEqual([['succeeded', null]]);
    expect(await fileOnBranch(repo, BRANCH, 'out/1.txt')).toBe('done by task 1\n');
  });

  it('two parallel tasks that write the same file: the second is a merge_conflict, retried on the new tip', async () => {
    const repo = await gitRepo({
      [SPEC]:
        '- [ ] 1. One in `shared.txt`\n  - _Depends: none_\n- [ ] 2. Two in `shared.txt`\n  - _Depends: none_\n',
    });
    const server = await endpoint({ delayMs: 300 });
    const r = await run(repo, ['s', '--max-concurrent', '2'], engineEnv(server));
    expect(r.code, r.stdout).toBe(0);
    const state = await readState(repo);
    const attempts = [attemptsOf(state, '1'), attemptsOf(state, '2')];
    // Whichever landed second met the first one's file.
    expect(attempts).toContainEqual([['succeeded', null]]);
    expect(attempts).toContainEqual([
      ['failed', 'merge_conflict'],
      ['succeeded', null],
    ]);
    const first = attempts[0]?.length === 1 ? '1' : '2';
    expect(await fileOnBranch(repo, 'quantumwala/s', 'shared.txt')).toBe(`done by task ${first}\n`);
  });

  it('a run budget reached mid-run: no task starts after it, the run says what was spent', async () => {
    const repo = await gitRepo({
      [SPEC]: tasks({ 1: '', 2: '', 3: '', 4: '' }),
      ...config('execution:\n  run_budget_usd: 0.3\n'),
    });
    const server = await endpoint();
    const r = await run(repo, ['s', '--max-concurrent', '1'], engineEnv(server));
    expect(r.code).toBe(1);
    const state = await readState(repo);
    const runRecord = Object.values(state.runs).at(-1);
    expect(runRecord?.status).toBe('budget_exceeded');
    const started = Object.values(runRecord?.tasks ?? {}).filter((t) => t.attempts.length > 0);
    expect(started).toHaveLength(2);
    expect(runRecord?.cost_usd).toBeGreaterThanOrEqual(0.3);
    expect(runRecord?.message).toMatch(/^run budget \$0\.3 reached: spent \$0\.\d{4}; not run: \d, \d$/);
    expect(server.stats.sessionsStarted).toBe(2);
  });
});
