import { generateKeyPairSync } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runGit } from '../../src/git/index.js';
import type { RunRecord } from '../../src/state/state-schema.js';
import { stateOf } from '../support/action-job.js';
import { startAppServer } from '../support/app-server.js';
import { claudeEnv } from '../support/claude-cli.js';
import { endpoint } from '../support/engine-fixture.js';
import { emulatorOctokit, startGitHubEmulator, type GitHubEmulator } from '../support/github-emulator.js';
import type { ScriptedAnthropicOptions } from '../support/scripted-anthropic.js';
import { filesOf } from '../support/files-of.js';
import { PROJECT_ROOT } from '../support/shared-specs.js';
import {
  startWorkflowRunner,
  webhookExample,
  type RunnerFaults,
  type WorkflowRunner,
} from '../support/workflow-runner.js';

/*
 * The whole GitHub-native path on loopback: a signed issue_comment webhook reaches the app's HTTP
 * server; the app reads the spec through the API of the GitHub emulator, records the run and its
 * dispatches on the state branch, dispatches the real matrix workflow; the workflow runner expands
 * that workflow with GitHub's own parser and runs every matrix job as `node dist/index.js` with the
 * real claude CLI against the scripted endpoint, and sends the workflow_job/workflow_run webhooks
 * back to the app, which dispatches what became ready, until the run ends with a pull request.
 */

const SECRET = 'e2e-webhook-secret';
const APP_ID = 31337;
const INSTALLATION = 42;
const OWNER = 'acme';
const REPO = 'widgets';
const SPEC = 'text-stats';
const WORKFLOW = '.github/workflows/quantumwala.yml';
const BIN = path.join(PROJECT_ROOT, 'node_modules', '.bin');
const keys = generateKeyPairSync('rsa', { modulusLength: 2048 });

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c().catch(() => undefined);
});

interface World {
  gh: GitHubEmulator;
  runner: WorkflowRunner;
  app: Awaited<ReturnType<typeof startAppServer>>;
}

async function world(
  options: { faults?: RunnerFaults; anthropic?: ScriptedAnthropicOptions } = {},
): Promise<World> {
  const files = await filesOf(path.join(PROJECT_ROOT, 'examples/text-stats'));
  files[WORKFLOW] = await readFile(path.join(PROJECT_ROOT, WORKFLOW), 'utf8');
  // Quick retries (the scripted endpoint answers at once); the CLI itself does not retry, so each
  // scripted 529 fails an attempt.
  files['.github/quantumwala.yml'] =
    'execution:\n  retry_base_delay_ms: 50\n  retry_max_delay_ms: 200\n  claude_max_retries: 0\n';
  files['README.md'] = '# widgets\n';
  const gh = await startGitHubEmulator({
    owner: OWNER,
    repo: REPO,
    files,
    users: { octocat: { permission: 'admin' } },
    app: {
      id: APP_ID,
      installationId: INSTALLATION,
      publicKeyPem: keys.publicKey.export({ type: 'spki', format: 'pem' }).toString(),
    },
  });
  cleanups.push(() => gh.close());
  const app = await startAppServer({
    appId: APP_ID,
    privateKey: keys.privateKey.export({ type: 'pkcs1', format: 'pem' }).toString(),
    secret: SECRET,
    baseUrl: gh.url,
  });
  cleanups.push(() => app.close());
  const anthropic = await endpoint(options.anthropic ?? {});
  const runner = startWorkflowRunner({
    emulator: gh,
    webhook: { url: app.url, secret: SECRET, installationId: INSTALLATION, appId: APP_ID },
    env: (job) => ({ ...claudeEnv(anthropic.url, job.home), PATH: `${BIN}:${process.env.PATH ?? ''}` }),
    secrets: { ANTHROPIC_API_KEY: 'sk-ant-test-scripted' },
    actionRepository: 'quantumwala/quantumwala',
    ...(options.faults ? { faults: options.faults } : {}),
  });
  cleanups.push(() => runner.stop());
  return { gh, runner, app };
}

/** The issue_comment.created webhook GitHub sends for `body` on issue #1, from GitHub's own example. */
async function commentPayload(gh: GitHubEmulator, body: string): Promise<Record<string, unknown>> {
  // The comment exists on GitHub before its webhook arrives (the app reacts to it).
  const { data: created } = await emulatorOctokit(gh, gh.issueToken()).rest.issues.createComment({
    owner: OWNER,
    repo: REPO,
    issue_number: 1,
    body,
  });
  const p = webhookExample('issue_comment', 'created') as {
    comment: Record<string, unknown> & { user: Record<string, unknown> };
    issue: Record<string, unknown>;
    repository: Record<string, unknown> & { owner: Record<string, unknown> };
    sender: Record<string, unknown>;
    installation?: Record<string, unknown>;
  };
  const user = { ...p.comment.user, login: 'octocat', type: 'User' };
  p.comment = { ...p.comment, id: created.id, body, user };
  p.issue = { ...p.issue, number: 1, pull_request: undefined, user };
  delete p.issue.pull_request;
  p.repository = {
    ...p.repository,
    name: REPO,
    full_name: `${OWNER}/${REPO}`,
    owner: { ...p.repository.owner, login: OWNER },
    default_branch: 'main',
    html_url: `https://github.com/${OWNER}/${REPO}`,
  };
  p.sender = user;
  p.installation = { id: INSTALLATION, node_id: 'MDIzOkludGVncmF0aW9uSW5zdGFsbGF0aW9uNDI=' };
  return p;
}

async function runOf(gh: GitHubEmulator): Promise<RunRecord | undefined> {
  const state = await stateOf(gh.bareRepoDir).catch(() => undefined);
  return state ? Object.values(state.runs)[0] : undefined;
}

/** Waits (bounded) until the run has finished and the runner has nothing left to do. */
async function untilFinished(w: World, timeoutMs: number): Promise<RunRecord> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const run = await runOf(w.gh);
    if (run && run.status !== 'running') {
      await w.runner.idle(Math.max(1000, deadline - Date.now()));
      return (await runOf(w.gh)) as RunRecord;
    }
    if (Date.now() > deadline) {
      throw new Error(
        `run not finished after ${timeoutMs} ms: ${JSON.stringify(run ? Object.fromEntries(Object.entries(run.tasks).map(([id, t]) => [id, [t.status, t.dispatch]])) : null)}\n` +
          `runner errors: ${w.runner.errors.join('\n')}`,
      );
    }
    await new Promise((r) => setTimeout(r, 500));
  }
}

function report(label: string, w: World, run: RunRecord): void {
  const tasks = Object.keys(run.tasks).length;
  const total = w.gh.requests.length;
  const app = w.app.apiCalls();
  console.log(
    `${label}: ${tasks} tasks, ${w.runner.stats.jobsStarted} jobs, at most ${w.runner.stats.maxInFlight} at once; ` +
      `GitHub API calls: ${total} (${(total / tasks).toFixed(1)} per task), of which the app ${app} ` +
      `(${(app / tasks).toFixed(1)} per task) and the jobs ${total - app}`,
  );
}

async function expectFinished(w: World, run: RunRecord): Promise<void> {
  for (const j of w.runner.stats.jobs) {
    if (j.conclusion !== 'success' && j.ended !== 'lost-runner') {
      console.log(`${j.name}: ${j.conclusion}\n${j.stdoutTail}\n${j.stderrTail}`);
    }
  }
  expect(w.runner.errors).toEqual([]);
  expect(run.status).toBe('succeeded');
  expect(Object.fromEntries(Object.entries(run.tasks).map(([id, t]) => [id, t.status]))).toEqual(
    Object.fromEntries(['1', '2.1', '2.2', '2.3', '3', '4', '5', '6', '7'].map((id) => [id, 'succeeded'])),
  );
  expect(w.runner.stats.maxInFlight).toBeLessThanOrEqual(3);
  expect(w.runner.stats.maxInFlight).toBeGreaterThanOrEqual(2);

  const checks = w.gh.checkRuns.filter((c) => c.name === `quantumwala: ${SPEC}`);
  expect(checks.map((c) => [c.status, c.conclusion, c.external_id])).toEqual([
    ['completed', 'success', run.id],
  ]);
  expect(w.gh.pulls.map((p) => [p.head, p.base, p.state])).toEqual([[`quantumwala/${SPEC}`, 'main', 'open']]);
  // Every task's file is on the work branch, and its checkbox is ticked.
  const tasksMd = (
    await runGit(['show', `quantumwala/${SPEC}:.kiro/specs/${SPEC}/tasks.md`], { cwd: w.gh.bareRepoDir })
  ).stdout;
  expect(tasksMd).not.toMatch(/- \[ \]/);
  const replies = w.gh.issueComments.map((c) => c.body);
  expect(
    replies.some((b) => b.startsWith('@octocat ') && b.includes('succeeded') && b.includes('/pull/')),
  ).toBe(true);
  expect(w.gh.reactions.map((r) => r.content)).toEqual(expect.arrayContaining(['eyes', 'rocket']));
  w.gh.assertNoRejections();
}

describe(
  'the app end to end on loopback (app server, API emulator, workflow runner, real claude)',
  { timeout: 400_000 },
  () => {
    it('/quantumwala run text-stats --max-concurrent 3: every task done, never more than 3 jobs, check run success, a pull request', async () => {
      const w = await world();
      const delivery = await w.runner.deliver(
        'issue_comment',
        await commentPayload(w.gh, `/quantumwala run ${SPEC} --max-concurrent 3`),
      );
      // 200, or 202 when the work took longer than the handler's deadline (it goes on).
      expect([200, 202]).toContain(delivery.status);
      const run = await untilFinished(w, 300_000);
      report('run', w, run);
      await expectFinished(w, run);
      expect(run.max_concurrent).toBe(3);
      // Each task was dispatched once: one job per task, no duplicate from concurrent webhooks.
      expect(Object.values(run.tasks).map((t) => t.dispatch_count)).toEqual(Array(9).fill(1));
      expect(w.runner.stats.jobsStarted).toBe(9);
      expect(run.requested_by).toBe('octocat');
    });

    it('a task that fails twice, then succeeds on retry, and a runner killed mid-task: the run still completes', async () => {
      const w = await world({
        anthropic: { faults: { '4': [{ status: 529 }, { status: 529 }] } },
        faults: { killTask: { taskId: '2.2' } },
      });
      await w.runner.deliver(
        'issue_comment',
        await commentPayload(w.gh, `/quantumwala run ${SPEC} --max-concurrent 3`),
      );
      const run = await untilFinished(w, 300_000);
      report('run with faults', w, run);
      await expectFinished(w, run);
      const four = run.tasks['4'];
      expect(four?.attempts.map((a) => [a.n, a.outcome, a.error_class])).toEqual([
        [1, 'failed', 'overloaded'],
        [2, 'failed', 'overloaded'],
        [3, 'succeeded', null],
      ]);
      const lost = run.tasks['2.2'];
      expect(lost?.dispatch_count).toBe(2);
      expect(lost?.attempts[0]?.outcome).toBe('interrupted');
      expect(lost?.attempts.at(-1)?.outcome).toBe('succeeded');
      expect(w.runner.stats.jobs.filter((j) => j.ended === 'lost-runner')).toHaveLength(1);
    });
  },
);
