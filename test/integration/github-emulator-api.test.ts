import type { Octokit } from '@octokit/rest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  emulatorOctokit,
  failure,
  getOperation,
  loadSpec,
  OpenApiValidator,
  startGitHubEmulator,
  type GitHubEmulator,
} from '../support/github-emulator.js';

const TOKEN = 'ghs_emulator_token';
// Typed as plain strings so octokit lets the tests send bodies GitHub would reject.
const PATCH_REF: string = 'PATCH /repos/{owner}/{repo}/git/refs/{ref}';
const CREATE_CHECK: string = 'POST /repos/{owner}/{repo}/check-runs';

let emu: GitHubEmulator;
let gh: Octokit;
let repo: { owner: string; repo: string };
let main: string;

/** Removes (and returns) the rejections a test provoked on purpose. */
const takeRejections = (): string[] => emu.rejected.splice(0).map((r) => `${r.route}: ${r.message}`);

async function headOf(branch: string): Promise<string> {
  return (await gh.git.getRef({ ...repo, ref: `heads/${branch}` })).data.object.sha;
}

/** An empty commit on top of `parent`, through the git data API. */
async function emptyCommitOn(parent: string, message: string): Promise<string> {
  const tree = (await gh.git.getCommit({ ...repo, commit_sha: parent })).data.tree.sha;
  return (await gh.git.createCommit({ ...repo, message, tree, parents: [parent] })).data.sha;
}

beforeAll(async () => {
  emu = await startGitHubEmulator({
    owner: 'acme',
    repo: 'widgets',
    token: TOKEN,
    files: { 'a.txt': 'a\n' },
  });
  gh = emulatorOctokit(emu, TOKEN);
  repo = { owner: emu.owner, repo: emu.repo };
  main = await headOf('main');
});

afterAll(async () => {
  try {
    emu.assertNoViolations();
    emu.assertNoRejections();
  } finally {
    await emu.close();
  }
});

describe('GitHub emulator: issues, checks, actions, pulls', () => {
  it('creates and lists issue comments and reactions', async () => {
    const comment = await gh.issues.createComment({ ...repo, issue_number: 7, body: 'hello' });
    expect(comment.status).toBe(201);
    await gh.issues.createComment({ ...repo, issue_number: 8, body: 'elsewhere' });
    const list = await gh.issues.listComments({ ...repo, issue_number: 7 });
    expect(list.data.map((c) => c.body)).toEqual(['hello']);
    const r1 = await gh.reactions.createForIssueComment({
      ...repo,
      comment_id: comment.data.id,
      content: 'eyes',
    });
    expect(r1.status).toBe(201);
    const again = await gh.reactions.createForIssueComment({
      ...repo,
      comment_id: comment.data.id,
      content: 'eyes',
    });
    expect([again.status, again.data.id]).toEqual([200, r1.data.id]);
    expect((await gh.reactions.createForIssue({ ...repo, issue_number: 7, content: 'rocket' })).status).toBe(
      201,
    );
    expect(emu.reactions.map((r) => r.content)).toEqual(['eyes', 'rocket']);
    expect(emu.issueComments).toHaveLength(2);
  });

  it('creates, updates, gets and lists check runs', async () => {
    const created = await gh.checks.create({
      ...repo,
      name: 'task-1',
      head_sha: main,
      status: 'in_progress',
    });
    expect(created.data.status).toBe('in_progress');
    const done = await gh.checks.update({
      ...repo,
      check_run_id: created.data.id,
      conclusion: 'success',
      output: { title: 'done', summary: 'all good' },
    });
    expect([done.data.status, done.data.conclusion, done.data.output.title]).toEqual([
      'completed',
      'success',
      'done',
    ]);
    expect((await gh.checks.get({ ...repo, check_run_id: created.data.id })).data.conclusion).toBe('success');
    await gh.checks.create({ ...repo, name: 'task-2', head_sha: main });
    const forRef = await gh.checks.listForRef({ ...repo, ref: 'main', check_name: 'task-1' });
    expect(forRef.data.check_runs.map((c) => c.id)).toEqual([created.data.id]);
    expect((await gh.checks.listForRef({ ...repo, ref: main })).data.total_count).toBe(2);
  });

  it('records workflow dispatches and refuses more than 25 inputs', async () => {
    const inputs = { task: 't1', spec: 'demo' };
    const res = await gh.actions.createWorkflowDispatch({
      ...repo,
      workflow_id: 'quantumwala.yml',
      ref: 'main',
      inputs,
    });
    expect(res.status).toBe(204);
    expect(emu.dispatches).toMatchObject([{ workflowId: 'quantumwala.yml', ref: 'main', inputs }]);
    const many = Object.fromEntries(Array.from({ length: 26 }, (_, i) => [`in${i}`, 'x']));
    const tooMany = await failure(
      gh.actions.createWorkflowDispatch({ ...repo, workflow_id: 1, ref: 'main', inputs: many }),
    );
    expect(tooMany.status).toBe(422);
    expect(takeRejections()).toEqual([expect.stringMatching(/dispatches: Invalid request.*more than 25/s)]);
    expect(emu.dispatches).toHaveLength(1);
  });

  it('serves workflow runs and jobs a test sets, and cancels them', async () => {
    const run = emu.addWorkflowRun({ head_sha: main, status: 'in_progress' });
    emu.addJob(run.id, { name: 'task t1', status: 'in_progress' });
    emu.addWorkflowRun({ head_branch: 'other', status: 'completed', conclusion: 'success' });
    const runs = await gh.actions.listWorkflowRunsForRepo({
      ...repo,
      branch: 'main',
      event: 'workflow_dispatch',
    });
    expect(runs.data.workflow_runs.map((r) => r.id)).toEqual([run.id]);
    expect((await gh.actions.getWorkflowRun({ ...repo, run_id: run.id })).data.status).toBe('in_progress');
    const jobs = await gh.actions.listJobsForWorkflowRun({ ...repo, run_id: run.id });
    expect(jobs.data.jobs.map((j) => j.name)).toEqual(['task t1']);
    expect((await gh.actions.cancelWorkflowRun({ ...repo, run_id: run.id })).status).toBe(202);
    expect([run.status, run.conclusion, emu.jobs[0]?.conclusion]).toEqual([
      'completed',
      'cancelled',
      'cancelled',
    ]);
    expect((await failure(gh.actions.cancelWorkflowRun({ ...repo, run_id: run.id }))).status).toBe(409);
  });

  it('opens one pull request per head and base, lists and updates it', async () => {
    const feature = await emptyCommitOn(main, 'feature');
    await gh.git.createRef({ ...repo, ref: 'refs/heads/qw/run-1', sha: feature });
    const pr = await gh.pulls.create({ ...repo, head: 'qw/run-1', base: 'main', title: 'Run 1' });
    expect([pr.status, pr.data.head.sha, pr.data.base.ref]).toEqual([201, feature, 'main']);
    const dup = await failure(
      gh.pulls.create({ ...repo, head: 'acme:qw/run-1', base: 'main', title: 'again' }),
    );
    expect(dup).toEqual({ status: 422, message: 'Validation Failed' });
    const listed = await gh.pulls.list({ ...repo, head: 'acme:qw/run-1', base: 'main', state: 'open' });
    expect(listed.data.map((p) => p.number)).toEqual([pr.data.number]);
    const closed = await gh.pulls.update({
      ...repo,
      pull_number: pr.data.number,
      state: 'closed',
      title: 'Run 1 (done)',
    });
    expect([closed.data.state, closed.data.title]).toEqual(['closed', 'Run 1 (done)']);
    expect((await gh.pulls.list({ ...repo, head: 'acme:qw/run-1' })).data).toEqual([]);
  });
});

describe('GitHub emulator: validation, faults, auth', () => {
  it('answers 422 to request bodies GitHub would reject, and records them', async () => {
    const noSha = await failure(gh.request(PATCH_REF, { ...repo, ref: 'heads/main', force: true }));
    expect(noSha.status).toBe(422);
    expect(noSha.message).toContain('"sha" wasn\'t supplied.');
    const noName = await failure(gh.request(CREATE_CHECK, { ...repo, head_sha: main }));
    expect(noName.status).toBe(422);
    const rejected = takeRejections();
    expect(rejected).toEqual([
      expect.stringContaining('PATCH /repos/{owner}/{repo}/git/refs/{ref}: Invalid request.'),
      expect.stringContaining('"name" wasn\'t supplied.'),
    ]);
    expect(() => emu.assertNoRejections()).not.toThrow();
  });

  it('injects 5xx, secondary rate limits and latency as configured', async () => {
    emu.faults.add({ route: 'GET /repos/{owner}/{repo}/git/ref/{ref}', kind: '5xx', times: 2 });
    expect((await failure(headOf('main'))).status).toBe(502);
    expect((await failure(headOf('main'))).status).toBe(502);
    expect(await headOf('main')).toBe(main);
    emu.faults.add({ method: 'GET', path: /\/repos\/acme\/widgets$/, kind: 'secondary-rate-limit' });
    try {
      await gh.repos.get(repo);
      throw new Error('expected a 403');
    } catch (error) {
      const e = error as {
        status: number;
        response: { headers: Record<string, string>; data: { message: string } };
      };
      expect([e.status, e.response.headers['retry-after']]).toEqual([403, '1']);
      expect(e.response.data.message).toMatch(/^You have exceeded a secondary rate limit/);
    }
    emu.faults.add({ route: '/repos/{owner}/{repo}', kind: 'latency', latencyMs: 200 });
    const started = performance.now();
    await gh.repos.get(repo);
    expect(performance.now() - started).toBeGreaterThanOrEqual(190);
    expect(emu.faults.size).toBe(0);
  });

  it('moves a ref under a writer (move-ref), so its fast-forward PATCH is refused', async () => {
    const head = await headOf('main');
    const mine = await emptyCommitOn(head, 'mine');
    emu.faults.add({
      route: 'PATCH /repos/{owner}/{repo}/git/refs/{ref}',
      kind: 'move-ref',
      ref: 'heads/main',
    });
    const refused = await failure(gh.git.updateRef({ ...repo, ref: 'heads/main', sha: mine, force: false }));
    expect(refused).toEqual({ status: 422, message: 'Update is not a fast forward' });
    const moved = await headOf('main');
    expect(moved).not.toBe(head);
    expect((await gh.git.getCommit({ ...repo, commit_sha: moved })).data.parents.map((p) => p.sha)).toEqual([
      head,
    ]);
  });

  it('requires the token when one is configured, and 404s unknown routes', async () => {
    const anonymous = emulatorOctokit(emu);
    expect(await failure(anonymous.repos.get(repo))).toEqual({
      status: 401,
      message: 'Requires authentication',
    });
    expect(await failure(emulatorOctokit(emu, 'wrong').repos.get(repo))).toEqual({
      status: 401,
      message: 'Bad credentials',
    });
    const bearer = await fetch(`${emu.url}/repos/acme/widgets`, {
      headers: { authorization: `Bearer ${TOKEN}` },
    });
    expect(bearer.status).toBe(200);
    const unencoded = await fetch(`${emu.url}/repos/acme/widgets/git/ref/heads/main`, {
      headers: { authorization: `token ${TOKEN}` },
    });
    expect(((await unencoded.json()) as { ref: string }).ref).toBe('refs/heads/main');
    const unknown = await fetch(`${emu.url}/repos/acme/widgets/nope`, {
      headers: { authorization: `token ${TOKEN}` },
    });
    expect([unknown.status, await unknown.json()]).toEqual([
      404,
      { message: 'Not Found', documentation_url: 'https://docs.github.com/rest', status: '404' },
    ]);
  });

  it('its response check catches an off-spec answer (so an empty violations list means something)', async () => {
    const doc = await loadSpec();
    const op = getOperation(doc, 'PATCH', '/repos/{owner}/{repo}/git/refs/{ref}');
    const check = new OpenApiValidator(doc);
    const ref = {
      ref: 'refs/heads/main',
      node_id: 'x',
      url: `${emu.url}/r`,
      object: { type: 'commit', sha: main },
    };
    expect(check.checkResponse(op, 200, ref)).toMatch(/must have required property 'url'/);
    expect(
      check.checkResponse(op, 200, { ...ref, object: { ...ref.object, url: `${emu.url}/c` } }),
    ).toBeUndefined();
    expect(check.checkResponse(op, 201, ref)).toMatch(/status 201 is not documented/);
  });

  it('records every request with its route, status and duration', () => {
    const calls = emu.callsByRoute();
    expect(calls.get('PATCH /repos/{owner}/{repo}/git/refs/{ref}')).toBe(2);
    expect(calls.get('GET <unknown>')).toBe(1);
    const patch = emu.requests.find((r) => r.route === 'PATCH /repos/{owner}/{repo}/git/refs/{ref}');
    expect(patch).toMatchObject({
      method: 'PATCH',
      path: '/repos/acme/widgets/git/refs/heads%2Fmain',
      status: 422,
    });
    expect(emu.requests.every((r) => r.status > 0 && r.ms >= 0)).toBe(true);
  });
});
