import { describe, expect, it } from 'vitest';
import { runGit } from '../../src/git/index.js';
import { jobCheckout, runActionJob, stateOf } from '../support/action-job.js';
import { claudeBinPath, claudeEnv } from '../support/claude-cli.js';
import { endpoint } from '../support/engine-fixture.js';
import { startGitHubEmulator, type GitHubEmulator } from '../support/github-emulator.js';

const TASKS = Array.from(
  { length: 16 },
  (_, i) => `- [ ] ${i + 1}. Task ${i + 1} in \`out/${i + 1}.txt\`\n  - _Depends: none_\n`,
).join('');

async function emulatorWithSpec(tasks: string): Promise<GitHubEmulator> {
  const gh = await startGitHubEmulator({
    owner: 'acme',
    repo: 'widgets',
    files: { '.kiro/specs/s/tasks.md': tasks, 'README.md': '# widgets\n' },
    users: { octocat: { permission: 'write' } },
  });
  // The app creates the work branch when it dispatches a run; here the test does.
  const main = (await runGit(['rev-parse', 'refs/heads/main'], { cwd: gh.bareRepoDir })).stdout.trim();
  await runGit(['update-ref', 'refs/heads/quantumwala/s', main], { cwd: gh.bareRepoDir });
  return gh;
}

function inputs(task: string, extra: Record<string, string> = {}): Record<string, string> {
  return {
    spec: 's',
    'task-id': task,
    'run-id': 'run-1',
    'github-token': 'ghs_testtoken',
    'claude-path': claudeBinPath(),
    'claude-version': '2.1.197',
    'use-bedrock': 'false',
    'use-vertex': 'false',
    ...extra,
  };
}

// Each test runs real claude sessions and a bundle per job; on a loaded 2-core machine they take minutes.
describe(
  'the action (node dist/index.js) in a job against the GitHub API emulator',
  { timeout: 600_000 },
  () => {
    it('runs a task: the work branch gets its commit, state.json records it, outputs and summary are written', async () => {
      const gh = await emulatorWithSpec(TASKS);
      const server = await endpoint();
      try {
        const workspace = await jobCheckout(gh.bareRepoDir, 'quantumwala/s');
        const job = await runActionJob({
          workspace,
          repository: 'acme/widgets',
          apiUrl: gh.url,
          inputs: inputs('3'),
          env: claudeEnv(server.url, `${workspace}-home`),
        });
        expect(job.code, job.stdout + job.stderr).toBe(0);
        const file = await runGit(['cat-file', 'blob', 'quantumwala/s:out/3.txt'], { cwd: gh.bareRepoDir });
        expect(file.stdout).toBe('done by task 3\n');
        const tasks = await runGit(['cat-file', 'blob', 'quantumwala/s:.kiro/specs/s/tasks.md'], {
          cwd: gh.bareRepoDir,
        });
        expect(tasks.stdout).toContain('- [x] 3. Task 3');
        expect(job.outputs).toMatchObject({ conclusion: 'success', 'error-class': '' });
        expect(Number(job.outputs.cost)).toBeGreaterThan(0);
        expect(Number(job.outputs.turns)).toBeGreaterThanOrEqual(2);
        expect(job.outputs['commit-sha']).toMatch(/^[0-9a-f]{40}$/);
        expect(job.outputs['session-id']).toMatch(/^[0-9a-f-]{36}$/);
        const state = await stateOf(gh.bareRepoDir);
        const attempt = state.runs['run-1']?.tasks['3']?.attempts[0];
        expect(attempt).toMatchObject({ outcome: 'succeeded', turns: Number(job.outputs.turns) });
        expect(attempt?.cost_usd).toBeGreaterThan(0);
        expect(state.runs['run-1']?.mode).toBe('github');
        expect(job.summary).toContain('s 3: Task 3 in');
        expect(job.summary).toContain('success');
        // The token is masked first thing, and appears nowhere else.
        expect(job.stdout.split('\n')[0]).toBe('::add-mask::ghs_testtoken');
        expect(job.stdout.split('ghs_testtoken')).toHaveLength(2);
        gh.assertNoRejections();
        gh.assertNoViolations();
      } finally {
        await gh.close();
      }
    });

    it('a failing task: non-zero exit, the error class in outputs, the failure in state', async () => {
      const gh = await emulatorWithSpec(TASKS);
      const server = await endpoint({ faults: { '5': Array.from({ length: 5 }, () => ({ status: 401 })) } });
      try {
        const workspace = await jobCheckout(gh.bareRepoDir, 'quantumwala/s');
        const job = await runActionJob({
          workspace,
          repository: 'acme/widgets',
          apiUrl: gh.url,
          inputs: inputs('5'),
          env: claudeEnv(server.url, `${workspace}-home`),
        });
        expect(job.code).toBe(1);
        expect(job.outputs).toMatchObject({ conclusion: 'failure', 'error-class': 'auth_error' });
        expect(job.stdout).toMatch(/::error .*task 5 failed: auth_error/);
        expect(job.summary).toContain('Last lines of the transcript');
        const state = await stateOf(gh.bareRepoDir);
        expect(state.runs['run-1']?.tasks['5']?.attempts.map((a) => a.error_class)).toEqual(['auth_error']);
        gh.assertNoRejections();
      } finally {
        await gh.close();
      }
    });

    it('16 jobs for 16 tasks at once: every result lands and is in state.json', async () => {
      const gh = await emulatorWithSpec(TASKS);
      const server = await endpoint();
      try {
        const ids = Array.from({ length: 16 }, (_, i) => String(i + 1));
        const workspaces = await Promise.all(ids.map(() => jobCheckout(gh.bareRepoDir, 'quantumwala/s')));
        const jobs = await Promise.all(
          ids.map((id, i) =>
            runActionJob({
              workspace: workspaces[i] as string,
              repository: 'acme/widgets',
              apiUrl: gh.url,
              inputs: inputs(id),
              env: claudeEnv(server.url, `${workspaces[i]}-home`),
            }),
          ),
        );
        for (const job of jobs) expect(job.code, job.stdout.slice(-2000)).toBe(0);
        const state = await stateOf(gh.bareRepoDir);
        const run = state.runs['run-1'];
        expect(ids.map((id) => run?.tasks[id]?.status)).toEqual(ids.map(() => 'succeeded'));
        const log = (await runGit(['log', '--format=%s', 'main..quantumwala/s'], { cwd: gh.bareRepoDir }))
          .stdout;
        expect(log.trim().split('\n')).toHaveLength(16);
        const calls = gh.requests.length / 16;
        console.log(`GitHub API calls per task with 16 jobs at once: ${calls.toFixed(1)}`);
        gh.assertNoRejections();
      } finally {
        await gh.close();
      }
    }, 600_000);
  },
);
