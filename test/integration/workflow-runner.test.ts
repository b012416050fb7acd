import { generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runGit } from '../../src/git/index.js';
import { stateOf } from '../support/action-job.js';
import { claudeEnv } from '../support/claude-cli.js';
import { endpoint } from '../support/engine-fixture.js';
import {
  emulatorOctokit,
  failure,
  startGitHubEmulator,
  type GitHubEmulator,
} from '../support/github-emulator.js';
import type { ScriptedAnthropic } from '../support/scripted-anthropic.js';
import { filesOf } from '../support/files-of.js';
import { PROJECT_ROOT } from '../support/shared-specs.js';
import { planRun } from '../support/workflow-runner/expand-run.js';
import { checkDispatchInputs, parseWorkflowFile } from '../support/workflow-runner/workflow-file.js';
import {
  startWorkflowRunner,
  verifyWebhookSignature,
  type WorkflowRunner,
  type WorkflowRunnerOptions,
} from '../support/workflow-runner.js';

const SECRET = 'webhook-secret';
const APP_ID = 4711;
const INSTALLATION = 7;
const WORKFLOW = '.github/workflows/quantumwala.yml';
const BIN = path.join(PROJECT_ROOT, 'node_modules', '.bin');
const REPO = { owner: 'acme', repo: 'widgets' };

interface Received {
  event: string;
  delivery: string;
  signed: boolean;
  payload: {
    action: string;
    installation?: { id: number };
    repository: { full_name: string };
    workflow_job?: {
      name: string;
      status: string;
      conclusion: string | null;
      labels: string[];
      run_id: number;
    };
    workflow_run?: {
      id: number;
      display_title: string;
      status: string;
      conclusion: string | null;
      event: string;
    };
  };
}

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c().catch(() => undefined);
});

/** A small webhook receiver on 127.0.0.1 that checks each delivery's signature. */
async function receiver(): Promise<{ url: string; received: Received[] }> {
  const received: Received[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      received.push({
        event: String(req.headers['x-github-event']),
        delivery: String(req.headers['x-github-delivery']),
        signed: verifyWebhookSignature(
          SECRET,
          body,
          req.headers['x-hub-signature-256'] as string | undefined,
        ),
        payload: JSON.parse(body.toString('utf8')) as Received['payload'],
      });
      res.writeHead(200).end('ok');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  cleanups.push(() => new Promise<void>((resolve) => server.close(() => resolve())));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`, received };
}

/** An RS256 JWT for the app, as @octokit/auth-app makes it. */
function appJwt(key: KeyObject, iss: number): string {
  const now = Math.floor(Date.now() / 1000);
  const part = (v: object): string => Buffer.from(JSON.stringify(v)).toString('base64url');
  const unsigned = `${part({ alg: 'RS256', typ: 'JWT' })}.${part({ iat: now - 30, exp: now + 570, iss })}`;
  return `${unsigned}.${sign('RSA-SHA256', Buffer.from(unsigned), key).toString('base64url')}`;
}

const keys = generateKeyPairSync('rsa', { modulusLength: 2048 });

/**
 * The emulated repository: examples/text-stats with task 1 done (2.1, 2.2 and 2.3 depend only on
 * it), the matrix workflow, the work branch.
 */
async function emulator(workflow?: string): Promise<GitHubEmulator> {
  const files = await filesOf(path.join(PROJECT_ROOT, 'examples/text-stats'));
  const tasks = '.kiro/specs/text-stats/tasks.md';
  files[tasks] = (files[tasks] ?? '').replace('- [ ] 1. ', '- [x] 1. ');
  files[WORKFLOW] = workflow ?? (await readFile(path.join(PROJECT_ROOT, WORKFLOW), 'utf8'));
  const gh = await startGitHubEmulator({
    owner: 'acme',
    repo: 'widgets',
    files,
    users: { octocat: { permission: 'write' } },
    app: {
      id: APP_ID,
      installationId: INSTALLATION,
      publicKeyPem: keys.publicKey.export({ type: 'spki', format: 'pem' }).toString(),
    },
  });
  cleanups.push(() => gh.close());
  const main = (await runGit(['rev-parse', 'refs/heads/main'], { cwd: gh.bareRepoDir })).stdout.trim();
  await runGit(['update-ref', 'refs/heads/quantumwala/text-stats', main], { cwd: gh.bareRepoDir });
  return gh;
}

/** An installation token, obtained the way the app gets one. */
async function installationToken(gh: GitHubEmulator): Promise<string> {
  const res = await emulatorOctokit(gh).request('POST /app/installations/{installation_id}/access_tokens', {
    installation_id: INSTALLATION,
    headers: { authorization: `Bearer ${appJwt(keys.privateKey, APP_ID)}` },
  });
  return res.data.token;
}

async function runner(
  gh: GitHubEmulator,
  webhookUrl: string,
  extra: Partial<WorkflowRunnerOptions> = {},
): Promise<WorkflowRunner & { anthropic: ScriptedAnthropic }> {
  const server = await endpoint(extra.faults?.killTask ? { delayMs: 300 } : {});
  const r = startWorkflowRunner({
    emulator: gh,
    webhook: { url: webhookUrl, secret: SECRET, installationId: INSTALLATION, appId: APP_ID },
    env: (job) => ({ ...claudeEnv(server.url, job.home), PATH: `${BIN}:${process.env.PATH ?? ''}` }),
    secrets: { ANTHROPIC_API_KEY: 'sk-ant-test-scripted' },
    ...extra,
  });
  cleanups.push(() => r.stop());
  return Object.assign(r, { anthropic: server });
}

function inputs(tasks: string[], extra: Record<string, string> = {}): Record<string, string> {
  return {
    'run-id': 'run-1',
    dispatch: '1',
    spec: 'text-stats',
    tasks: JSON.stringify(tasks),
    'max-parallel': '2',
    'work-branch': 'quantumwala/text-stats',
    ...extra,
  };
}

describe('the workflow runner (GitHub Actions behind the emulator)', { timeout: 180_000 }, () => {
  it('runs a dispatch: a run, one job per task (≤ max-parallel at once), signed webhooks, the tasks in state', async () => {
    const gh = await emulator();
    const hooks = await receiver();
    const r = await runner(gh, hooks.url);
    const octokit = emulatorOctokit(gh, await installationToken(gh));
    await octokit.actions.createWorkflowDispatch({
      ...REPO,
      workflow_id: 'quantumwala.yml',
      ref: 'main',
      inputs: inputs(['2.1', '2.2', '2.3']),
    });
    await r.idle(150_000);

    expect(r.errors).toEqual([]);
    for (const j of r.stats.jobs) {
      if (j.conclusion !== 'success') console.log(`${j.name}:\n${j.stdoutTail}\n${j.stderrTail}`);
    }
    expect(r.stats.jobs.map((j) => [j.name, j.conclusion, j.exitCode])).toEqual(
      expect.arrayContaining(['2.1', '2.2', '2.3'].map((t) => [`text-stats ${t} [run-1#1]`, 'success', 0])),
    );
    expect([r.stats.jobsStarted, r.stats.jobsCompleted, r.stats.maxInFlight]).toEqual([3, 3, 2]);

    // The REST API shows the run and its jobs as they ended.
    const runs = await octokit.actions.listWorkflowRuns({ ...REPO, workflow_id: 'quantumwala.yml' });
    expect(runs.data.workflow_runs.map((w) => [w.display_title, w.status, w.conclusion, w.event])).toEqual([
      ['quantumwala text-stats [run-1#1]', 'completed', 'success', 'workflow_dispatch'],
    ]);
    const runId = runs.data.workflow_runs[0]?.id ?? 0;
    const filtered = await octokit.actions.listWorkflowRunsForRepo({
      ...REPO,
      status: 'success',
      event: 'workflow_dispatch',
    });
    expect(filtered.data.workflow_runs.map((w) => w.id)).toEqual([runId]);
    const jobs = (await octokit.actions.listJobsForWorkflowRun({ ...REPO, run_id: runId })).data.jobs;
    expect(jobs.map((j) => [j.name, j.status, j.conclusion, j.labels])).toEqual(
      ['2.1', '2.2', '2.3'].map((t) => [
        `text-stats ${t} [run-1#1]`,
        'completed',
        'success',
        ['ubuntu-latest'],
      ]),
    );
    const one = await octokit.actions.getJobForWorkflowRun({ ...REPO, job_id: jobs[0]?.id ?? 0 });
    expect([one.data.run_id, one.data.workflow_name, one.data.runner_name]).toEqual([
      runId,
      'quantumwala',
      expect.stringMatching(/^GitHub Actions \d+$/),
    ]);
    expect(jobs[0]?.steps?.map((s) => s.name)).toEqual([
      'Set up job',
      'Run actions/checkout@v4',
      'Run quantumwala/quantumwala@v1',
      'Complete job',
    ]);

    // The webhooks GitHub would send, signed, in order.
    expect(hooks.received.every((h) => h.signed)).toBe(true);
    expect(new Set(hooks.received.map((h) => h.delivery)).size).toBe(hooks.received.length);
    const seen = hooks.received.map((h) => `${h.event}.${h.payload.action}`);
    expect(seen[0]).toBe('workflow_run.requested');
    expect(seen.at(-1)).toBe('workflow_run.completed');
    for (const action of ['queued', 'in_progress', 'completed']) {
      expect(seen.filter((s) => s === `workflow_job.${action}`)).toHaveLength(3);
    }
    const completed = hooks.received.filter(
      (h) => h.event === 'workflow_job' && h.payload.action === 'completed',
    );
    expect(
      completed.map((h) => [h.payload.workflow_job?.name, h.payload.workflow_job?.conclusion]).sort(),
    ).toEqual(['2.1', '2.2', '2.3'].map((t) => [`text-stats ${t} [run-1#1]`, 'success']));
    const last = hooks.received.at(-1)?.payload;
    expect(last?.workflow_run).toMatchObject({
      id: runId,
      display_title: 'quantumwala text-stats [run-1#1]',
      status: 'completed',
      conclusion: 'success',
      event: 'workflow_dispatch',
    });
    expect(last?.installation?.id).toBe(INSTALLATION);
    expect(last?.repository.full_name).toBe('acme/widgets');
    // deliver() signs with the same code: a redelivery repeats the delivery id.
    const first = hooks.received[0] as Received;
    expect((await r.deliver(first.event, first.payload, first.delivery)).status).toBe(200);
    expect(hooks.received.at(-1)).toMatchObject({ delivery: first.delivery, signed: true });
    expect(r.deliveries.map((d) => d.status)).toEqual(hooks.received.map(() => 200));

    // The real action ran each task: state.json has them succeeded.
    const state = await stateOf(gh.bareRepoDir);
    expect(['2.1', '2.2', '2.3'].map((t) => state.runs['run-1']?.tasks[t]?.status)).toEqual([
      'succeeded',
      'succeeded',
      'succeeded',
    ]);
    gh.assertNoViolations();
    gh.assertNoRejections();
  });

  it('a broken template: a parse error refuses the dispatch (422), an evaluation error fails the run; no job runs', async () => {
    const gh = await emulator();
    const hooks = await receiver();
    const r = await runner(gh, hooks.url);
    const octokit = emulatorOctokit(gh, await installationToken(gh));
    const original = await readFile(path.join(PROJECT_ROOT, WORKFLOW), 'utf8');
    await commitWorkflow(
      octokit,
      'broken-parse',
      original.replace('fromJSON(inputs.tasks)', 'fromJSON(inputs.tasks'),
    );
    await commitWorkflow(
      octokit,
      'broken-eval',
      original.replace('fromJSON(inputs.max-parallel)', "fromJSON(format('{0}x', inputs.max-parallel))"),
    );
    const dispatch = (ref: string, given: Record<string, string>): Promise<unknown> =>
      octokit.actions.createWorkflowDispatch({ ...REPO, workflow_id: 'quantumwala.yml', ref, inputs: given });

    const refused = await failure(dispatch('broken-parse', inputs(['2.1'])));
    expect(refused.status).toBe(422);
    expect(refused.message).toMatch(
      /^Invalid Argument - failed to parse workflow: \.github\/workflows\/quantumwala\.yml \(Line: \d+, Col: \d+\): /,
    );
    expect(await failure(dispatch('main', inputs(['2.1'], { bogus: 'x' })))).toEqual({
      status: 422,
      message: 'Unexpected inputs provided: ["bogus"]',
    });
    const { spec: _spec, ...noSpec } = inputs(['2.1']);
    expect(await failure(dispatch('main', noSpec))).toEqual({
      status: 422,
      message: "Required input 'spec' not provided",
    });
    expect(gh.dispatches).toEqual([]);

    await dispatch('broken-eval', inputs(['2.1']));
    await r.idle(30_000);
    expect(r.errors).toEqual([
      expect.stringMatching(/refused \(422\).*failed to parse workflow/s),
      expect.stringMatching(/refused \(422\): Unexpected inputs provided/),
      expect.stringMatching(/refused \(422\): Required input 'spec' not provided/),
      expect.stringMatching(
        /quantumwala\.yml \(Line: \d+, Col: \d+\): Error when evaluating 'jobs\.task\.strategy': Error parsing JSON/,
      ),
    ]);
    expect(gh.workflowRuns.map((w) => [w.display_title, w.status, w.conclusion])).toEqual([
      ['quantumwala text-stats [run-1#1]', 'completed', 'failure'],
    ]);
    expect([gh.jobs.length, r.stats.jobsStarted]).toEqual([0, 0]);
    expect(
      hooks.received.map((h) => `${h.event}.${h.payload.action}.${h.payload.workflow_run?.conclusion}`),
    ).toEqual(['workflow_run.requested.null', 'workflow_run.completed.failure']);
    gh.assertNoViolations();
  });

  it('a lost runner (killTask) fails its job; a cancelled run cancels its running job', async () => {
    const gh = await emulator();
    const hooks = await receiver();
    const r = await runner(gh, hooks.url, {
      faults: { killTask: { taskId: '2.1' } },
    });
    const octokit = emulatorOctokit(gh, await installationToken(gh));
    const dispatch = (given: Record<string, string>): Promise<unknown> =>
      octokit.actions.createWorkflowDispatch({
        ...REPO,
        workflow_id: 'quantumwala.yml',
        ref: 'main',
        inputs: given,
      });
    await dispatch(inputs(['2.1', '2.2']));
    await dispatch(inputs(['2.3'], { dispatch: '2' }));
    // Cancel the second run once its claude session talks to the endpoint.
    const deadline = Date.now() + 60_000;
    while (!r.anthropic.requests.some((q) => q.taskId === '2.3') && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const second = gh.workflowRuns.find((w) => w.display_title.endsWith('#2]'));
    expect((await octokit.actions.cancelWorkflowRun({ ...REPO, run_id: second?.id ?? 0 })).status).toBe(202);
    await r.idle(120_000);

    expect(r.errors).toEqual([]);
    const outcome = (task: string): unknown => {
      const j = r.stats.jobs.find((o) => o.matrix.task === task);
      return [j?.conclusion, j?.ended, j?.signal];
    };
    expect(outcome('2.1')).toEqual(['failure', 'lost-runner', 'SIGKILL']);
    expect(outcome('2.2')).toEqual(['success', undefined, null]);
    // Cancelled as GitHub does it: SIGINT first; the action stops its session and exits.
    expect((outcome('2.3') as unknown[]).slice(0, 2)).toEqual(['cancelled', 'cancelled']);
    expect(gh.workflowRuns.map((w) => [w.display_title, w.status, w.conclusion])).toEqual([
      ['quantumwala text-stats [run-1#1]', 'completed', 'failure'],
      ['quantumwala text-stats [run-1#2]', 'completed', 'cancelled'],
    ]);
    const completed = hooks.received
      .filter((h) => h.payload.action === 'completed')
      .map(
        (h) =>
          `${h.payload.workflow_job?.name ?? h.payload.workflow_run?.display_title} ${h.payload.workflow_job?.conclusion ?? h.payload.workflow_run?.conclusion}`,
      )
      .sort();
    expect(completed).toEqual([
      'quantumwala text-stats [run-1#1] failure',
      'quantumwala text-stats [run-1#2] cancelled',
      'text-stats 2.1 [run-1#1] failure',
      'text-stats 2.2 [run-1#1] success',
      'text-stats 2.3 [run-1#2] cancelled',
    ]);
    // The lost job never recorded an end: its attempt is still open in state.json.
    const state = await stateOf(gh.bareRepoDir);
    expect(state.runs['run-1']?.tasks['2.1']).toMatchObject({
      status: 'running',
      attempts: [{ n: 1, finished_at: null, outcome: null }],
    });
    expect(state.runs['run-1']?.tasks['2.2']?.status).toBe('succeeded');
    gh.assertNoViolations();
    gh.assertNoRejections();
  });

  it("expands a workflow with GitHub's rules: matrix include/exclude, names, runs-on, defaults, typed inputs", async () => {
    const yml = [
      'name: build',
      'on:',
      '  workflow_dispatch:',
      '    inputs:',
      '      os: { type: choice, options: [linux, mac], default: linux }',
      '      debug: { type: boolean, default: false }',
      'jobs:',
      '  test:',
      '    name: test',
      "    runs-on: ${{ matrix.os == 'mac' && 'macos-latest' || fromJSON('[\"self-hosted\", \"x64\"]') }}",
      '    strategy:',
      '      max-parallel: 3',
      '      matrix:',
      '        os: [linux, mac]',
      '        node: [18, 20]',
      '        exclude: [{ os: mac, node: 18 }]',
      '        include: [{ node: 20, extra: yes }, { os: win, node: 22 }]',
      '    steps:',
      '      - uses: quantumwala/quantumwala@v1',
      '        with:',
      '          spec: ${{ inputs.os }}-${{ matrix.node }}-${{ inputs.debug }}-${{ strategy.job-index }}/${{ strategy.job-total }}',
      '          task-id: ${{ github.run_id }}',
    ].join('\n');
    const { workflow, errors } = await parseWorkflowFile('.github/workflows/build.yml', yml);
    expect(errors).toEqual([]);
    if (!workflow) throw new Error('no workflow');
    const given = checkDispatchInputs(workflow, { debug: 'true' });
    expect(given).toEqual({
      inputs: { os: 'linux', debug: true },
      eventInputs: { os: 'linux', debug: 'true' },
    });
    expect(checkDispatchInputs(workflow, { os: 'bsd' })).toEqual({
      status: 422,
      message: "Provided value 'bsd' for input 'os' not in the list of allowed values",
    });
    const plan = planRun(workflow, {
      github: { run_id: '77' },
      inputs: 'inputs' in given ? given.inputs : {},
      vars: {},
      secrets: {},
      runner: {},
    });
    expect(plan.displayTitle).toBe('build');
    expect(plan.jobs.map((j) => [j.name, j.labels, j.steps[0]?.with])).toEqual([
      ['test (linux, 18)', ['self-hosted', 'x64'], { spec: 'linux-18-true-0/4', 'task-id': '77' }],
      ['test (linux, 20, yes)', ['self-hosted', 'x64'], { spec: 'linux-20-true-1/4', 'task-id': '77' }],
      ['test (mac, 20, yes)', ['macos-latest'], { spec: 'linux-20-true-2/4', 'task-id': '77' }],
      ['test (win, 22)', ['self-hosted', 'x64'], { spec: 'linux-22-true-3/4', 'task-id': '77' }],
    ]);
    expect(plan.jobs[0]?.group).toMatchObject({ maxParallel: 3, failFast: true });
    const secretInTitle = await parseWorkflowFile(
      'w.yml',
      yml.replace('name: build', 'name: b\nrun-name: ${{ secrets.X }}'),
    );
    expect(secretInTitle.errors).toEqual([expect.stringContaining("Unrecognized named-value: 'secrets'")]);
  });

  it('app authentication: a JWT buys an installation token; other repositories are 404', async () => {
    const gh = await emulator();
    const anonymous = emulatorOctokit(gh);
    expect((await failure(anonymous.repos.get(REPO))).status).toBe(401);
    const forged = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
    const refused = await failure(
      anonymous.request('POST /app/installations/{installation_id}/access_tokens', {
        installation_id: INSTALLATION,
        headers: { authorization: `Bearer ${appJwt(forged, APP_ID)}` },
      }),
    );
    expect(refused).toEqual({ status: 401, message: 'A JSON web token could not be decoded' });
    const wrongApp = await failure(
      anonymous.request('POST /app/installations/{installation_id}/access_tokens', {
        installation_id: INSTALLATION,
        headers: { authorization: `Bearer ${appJwt(keys.privateKey, APP_ID + 1)}` },
      }),
    );
    expect(wrongApp.status).toBe(401);
    const token = await installationToken(gh);
    expect(token).toMatch(/^ghs_\w{36}$/);
    const octokit = emulatorOctokit(gh, token);
    expect((await octokit.repos.get(REPO)).data.full_name).toBe('acme/widgets');
    // probot's config plugin falls back to the owner's .github repository.
    const other = await failure(
      octokit.repos.getContent({ owner: 'acme', repo: '.github', path: '.github/quantumwala.yml' }),
    );
    expect(other.status).toBe(404);
    gh.assertNoViolations();
  });
});

/** Commits a changed workflow file on a new branch from main, through the contents API. */
async function commitWorkflow(
  octokit: ReturnType<typeof emulatorOctokit>,
  branch: string,
  content: string,
): Promise<void> {
  const main = (await octokit.git.getRef({ ...REPO, ref: 'heads/main' })).data.object.sha;
  await octokit.git.createRef({ ...REPO, ref: `refs/heads/${branch}`, sha: main });
  const current = (await octokit.repos.getContent({ ...REPO, path: WORKFLOW, ref: branch })).data;
  await octokit.repos.createOrUpdateFileContents({
    ...REPO,
    path: WORKFLOW,
    branch,
    message: `workflow on ${branch}`,
    content: Buffer.from(content).toString('base64'),
    sha: Array.isArray(current) ? '' : current.sha,
  });
}
