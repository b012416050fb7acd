/**
 * Dispatching: the concurrency cap and the matrix cap, a finished job freeing its slot, redelivered
 * webhooks, and two job ends decided at once (compare-and-swap on state.json: the loser gets 409).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { finishAppTest, startAppTest, type AppTest } from '../support/app-nock/app-test.js';
import { apiError } from '../support/app-nock/fake-github.js';
import { taskEnded } from '../support/app-nock/run-events.js';
import { dispatchCountsByTask, inFlight, runInconsistencies } from '../support/app-nock/state-checks.js';
import { fanOutTasks, specFiles, textStatsFiles } from '../support/app-nock/spec-files.js';
import { workflowJobCompleted } from '../support/app-nock/webhook-payloads.js';

let t: AppTest | undefined;
afterEach(() => {
  const problems = finishAppTest(t);
  t = undefined;
  expect(problems).toEqual([]);
});

const STATE_GET = {
  route: 'GET /repos/{owner}/{repo}/contents/{path}',
  when: (req: { params: Record<string, string> }) => req.params.path === 'state.json',
};

describe('dispatch and the caps', () => {
  it('5 independent tasks at --max-concurrent 2: the first dispatch has exactly 2', async () => {
    t = await startAppTest({ files: specFiles('five', fanOutTasks(5)) });
    const { runId } = await t.comment('/quantumwala run five --max-concurrent 2');

    expect(t.gh.dispatches).toHaveLength(1);
    expect(t.gh.dispatches[0]!.inputs).toMatchObject({
      tasks: '["1","2"]',
      'max-parallel': '2',
      dispatch: '1',
    });
    const run = t.gh.state().runs[runId]!;
    expect(inFlight(run)).toEqual(['1', '2']);
    expect(runInconsistencies(run, t.gh.dispatches)).toEqual([]);
  });

  it('max_matrix 2 with --max-concurrent 5: dispatches of at most 2 tasks, never more than 5 in flight', async () => {
    t = await startAppTest({
      files: specFiles('seven', fanOutTasks(7)),
      config: 'github:\n  max_matrix: 2\n',
    });
    const { runId, mark } = await t.comment('/quantumwala run seven --max-concurrent 5');

    expect(t.gh.dispatches.map((d) => [d.inputs.dispatch, d.inputs.tasks, d.inputs['max-parallel']])).toEqual(
      [
        ['1', '["1","2"]', '2'],
        ['2', '["3","4"]', '2'],
        ['3', '["5"]', '1'],
      ],
    );
    // All three decided in one write, before the first dispatch.
    expect(t.gh.stateWritesSince(mark)[0]!.stateEvents).toEqual([
      'run_started',
      'tasks_dispatched',
      'tasks_dispatched',
      'tasks_dispatched',
    ]);
    let run = t.gh.state().runs[runId]!;
    expect(inFlight(run)).toHaveLength(5);

    // Two of them end: two slots, one dispatch of the two tasks left.
    t.actionWrites([
      ...taskEnded(runId, '1', 'succeeded', t.iso()),
      ...taskEnded(runId, '3', 'succeeded', t.iso()),
    ]);
    await t.jobCompleted(runId, 1, '1', 'success');
    await t.jobCompleted(runId, 2, '3', 'success');
    run = t.gh.state().runs[runId]!;
    expect(t.gh.dispatches.slice(3).map((d) => d.inputs.tasks)).toEqual(['["6"]', '["7"]']);
    expect(inFlight(run)).toHaveLength(5);
    expect(runInconsistencies(run, t.gh.dispatches)).toEqual([]);
    expect(Math.max(...t.gh.dispatches.map((d) => (JSON.parse(d.inputs.tasks!) as string[]).length))).toBe(2);
  });

  it('a job that ended with its task succeeded (written by the action) frees one slot: exactly one task dispatched', async () => {
    t = await startAppTest({ files: specFiles('five', fanOutTasks(5)) });
    const { runId } = await t.comment('/quantumwala run five --max-concurrent 2');
    t.actionWrites(taskEnded(runId, '1', 'succeeded', t.iso()));

    const { mark } = await t.jobCompleted(runId, 1, '1', 'success');
    const sent = t.gh.dispatches.filter((d) => d.seq > mark);
    expect(sent.map((d) => [d.inputs.dispatch, d.inputs.tasks])).toEqual([['2', '["3"]']]);
    const run = t.gh.state().runs[runId]!;
    expect(run.tasks['1']).toMatchObject({
      status: 'succeeded',
      dispatch: { ended_at: expect.any(String), job_conclusion: 'success' },
    });
    expect(inFlight(run)).toEqual(['2', '3']);
    // The job's end and the next dispatch are one decision, stored before the dispatch.
    const writes = t.gh.stateWritesSince(mark);
    expect(writes[0]!.stateEvents).toEqual(['job_finished', 'tasks_dispatched']);
    expect(writes[0]!.seq).toBeLessThan(sent[0]!.seq);
    expect(t.gh.routesSince(mark)).toEqual([
      'GET /repos/{owner}/{repo}/contents/{path}', // config
      'GET /repos/{owner}/{repo}/contents/{path}', // state.json
      'PUT /repos/{owner}/{repo}/contents/{path}', // job_finished + tasks_dispatched
      'POST /repos/{owner}/{repo}/actions/workflows/{workflow_id}/dispatches',
      'PATCH /repos/{owner}/{repo}/check-runs/{check_run_id}',
    ]);
  });

  it('jobs of other workflows cost no call', async () => {
    t = await startAppTest({ files: specFiles('five', fanOutTasks(5)) });
    await t.comment('/quantumwala run five --max-concurrent 2');
    const other = t.gh.addWorkflowRun({
      displayTitle: 'CI',
      status: 'completed',
      conclusion: 'success',
      inputs: {},
    });
    const mark = t.gh.mark();
    const job = {
      id: 77,
      runId: other.id,
      name: 'build',
      status: 'completed' as const,
      conclusion: 'success',
      htmlUrl: 'https://github.com/octo-org/widgets/actions/runs/1/job/77',
    };
    await t.receive('workflow_job', workflowJobCompleted(t.target, other, job));
    expect(t.gh.callsSince(mark)).toEqual([]);
  });
});

describe('dispatches GitHub refuses', () => {
  const DISPATCH = { route: 'POST /repos/{owner}/{repo}/actions/workflows/{workflow_id}/dispatches' };

  it('refused once: recorded as failed and sent again; the reply names each dispatched task once', async () => {
    t = await startAppTest({ files: specFiles('five', fanOutTasks(5)) });
    t.gh.failNext(DISPATCH, apiError(502, 'Server Error'));
    const { runId, mark, commentId } = await t.comment('/quantumwala run five --max-concurrent 2');

    const posts = t.gh.callsSince(mark).filter((c) => c.route === DISPATCH.route);
    expect(
      posts.map((c) => [c.status, (c.body as { inputs: { dispatch: string } }).inputs.dispatch]),
    ).toEqual([
      [502, '1'],
      [204, '2'],
    ]);
    expect(t.gh.stateWritesSince(mark).map((c) => c.stateEvents)).toEqual([
      ['run_started', 'tasks_dispatched'],
      ['dispatch_failed', 'tasks_requeued', 'tasks_dispatched'],
      ['check_run_created'],
    ]);
    const run = t.gh.state().runs[runId]!;
    expect(run.dispatches.map((d) => [d.n, d.failed_at !== null])).toEqual([
      [1, true],
      [2, false],
    ]);
    expect(inFlight(run)).toEqual(['1', '2']);
    expect(runInconsistencies(run, t.gh.dispatches)).toEqual([]);
    expect(t.gh.comments[0]!.body).toContain('Dispatched: `1`, `2`.');
    expect(t.gh.reactions.filter((r) => r.commentId === commentId).map((r) => r.content)).toEqual([
      'eyes',
      'rocket',
    ]);
  });

  it('refused every time: each dispatch written is sent, the tasks fail after the job retries, none left in flight unsent', async () => {
    t = await startAppTest({ files: specFiles('five', fanOutTasks(5)) });
    for (let i = 0; i < 4; i++) t.gh.failNext(DISPATCH, apiError(500, 'Server Error'));
    const { runId, mark, commentId } = await t.comment('/quantumwala run five --max-concurrent 2');

    // 1 + 3 job retries: four dispatches of 1 and 2, all refused and recorded as refused.
    const posts = t.gh.callsSince(mark).filter((c) => c.route === DISPATCH.route);
    expect(posts.map((c) => c.status)).toEqual([500, 500, 500, 500]);
    let run = t.gh.state().runs[runId]!;
    expect(run.dispatches.map((d) => d.failed_at !== null)).toEqual([true, true, true, true]);
    expect(inFlight(run)).toEqual([]);
    expect(run.tasks['1']).toMatchObject({ status: 'failed', dispatch_count: 4 });
    expect(run.tasks['1']!.result!.message).toBe('the workflow dispatch failed, 4 time(s)');
    expect(run.tasks['6']!.status).toBe('not_run');
    expect(runInconsistencies(run, t.gh.dispatches)).toEqual([]);
    // Nothing was dispatched: the reply does not say so, no 🚀.
    expect(t.gh.comments[0]!.body).not.toContain('Dispatched');
    expect(t.gh.reactions.filter((r) => r.commentId === commentId).map((r) => r.content)).toEqual(['eyes']);

    // 3, 4 and 5 wait for the next decision: a status (which catches the run up) dispatches them.
    await t.comment('/quantumwala status five');
    run = t.gh.state().runs[runId]!;
    expect(t.gh.dispatches.map((d) => d.inputs.tasks)).toEqual(['["3","4"]']);
    expect(runInconsistencies(run, t.gh.dispatches)).toEqual([]);
  });
});

describe('redelivered webhooks', () => {
  it('the same issue_comment delivered twice: one run, one dispatch, one check run, one reply', async () => {
    t = await startAppTest({ files: textStatsFiles() });
    const { payload, commentId } = t.commentPayload('/quantumwala run text-stats --max-concurrent 2');
    await t.receive('issue_comment', payload, 'delivery-comment');
    const mark = t.gh.mark();
    await t.receive('issue_comment', payload, 'delivery-comment');

    const state = t.gh.state();
    expect(Object.keys(state.runs)).toEqual([`c${commentId}-1`]);
    expect(t.gh.dispatches).toHaveLength(1);
    expect(t.gh.checkRuns.size).toBe(1);
    expect(t.gh.comments).toHaveLength(1);
    expect(t.gh.stateWritesSince(mark)).toEqual([]);
    expect(runInconsistencies(state.runs[`c${commentId}-1`]!, t.gh.dispatches)).toEqual([]);
    // The second delivery reads (the spec, the state) but changes nothing; its 👀 is GitHub's 200.
    expect(t.gh.reactions.map((r) => r.content)).toEqual(['eyes', 'rocket', 'eyes']);
    expect(t.gh.routesSince(mark)).toEqual([
      'GET /repos/{owner}/{repo}/contents/{path}',
      'POST /repos/{owner}/{repo}/issues/comments/{comment_id}/reactions',
      'GET /repos/{owner}/{repo}/collaborators/{username}/permission',
      'GET /repos/{owner}/{repo}/git/ref/{ref}',
      'GET /repos/{owner}/{repo}/git/trees/{tree_sha}',
      'GET /repos/{owner}/{repo}/git/blobs/{file_sha}',
      'GET /repos/{owner}/{repo}/git/blobs/{file_sha}',
      'GET /repos/{owner}/{repo}/git/blobs/{file_sha}',
      'GET /repos/{owner}/{repo}/git/ref/{ref}', // the work branch exists
      'GET /repos/{owner}/{repo}/contents/{path}', // state.json: the run is there
    ]);
  });

  it('the same workflow_job.completed delivered twice: the second writes nothing and dispatches nothing', async () => {
    t = await startAppTest({ files: specFiles('five', fanOutTasks(5)) });
    const { runId } = await t.comment('/quantumwala run five --max-concurrent 2');
    t.actionWrites(taskEnded(runId, '1', 'succeeded', t.iso()));
    const { payload } = await t.jobCompleted(runId, 1, '1', 'success');
    const dispatches = t.gh.dispatches.length;
    const before = t.gh.state();

    const mark = t.gh.mark();
    await t.receive('workflow_job', payload);
    expect(t.gh.dispatches).toHaveLength(dispatches);
    expect(t.gh.stateWritesSince(mark)).toEqual([]);
    expect(t.gh.state()).toEqual(before);
    expect(t.gh.routesSince(mark)).toEqual([
      'GET /repos/{owner}/{repo}/contents/{path}', // config
      'GET /repos/{owner}/{repo}/contents/{path}', // state.json: the job's end is recorded
    ]);
  });
});

describe('two job ends at once', () => {
  it('the loser of the compare-and-swap (409) decides again: every task dispatched exactly once, the state consistent', async () => {
    // 3 waits for 1, 4 for 2: two slots, 1 and 2 in one dispatch.
    t = await startAppTest({
      files: specFiles('pair', [
        { id: '1' },
        { id: '2' },
        { id: '3', deps: ['1'] },
        { id: '4', deps: ['2'] },
      ]),
    });
    const { runId } = await t.comment('/quantumwala run pair --max-concurrent 2');
    expect(t.gh.dispatches.map((d) => d.inputs.tasks)).toEqual(['["1","2"]']);
    t.actionWrites([
      ...taskEnded(runId, '1', 'succeeded', t.iso()),
      ...taskEnded(runId, '2', 'succeeded', t.iso()),
    ]);

    // Both webhooks read the same state.json before either writes: both PUT with the same sha.
    t.gh.hold(STATE_GET, 2);
    const mark = t.gh.mark();
    await Promise.all([t.jobCompleted(runId, 1, '1', 'success'), t.jobCompleted(runId, 1, '2', 'success')]);

    const puts = t.gh.callsSince(mark).filter((c) => c.route === 'PUT /repos/{owner}/{repo}/contents/{path}');
    expect(puts.map((c) => c.status).filter((s) => s === 409)).toHaveLength(1);
    expect(puts.filter((c) => c.status === 409).map((c) => (c.body as { sha?: string }).sha)).toEqual([
      expect.stringMatching(/^[0-9a-f]{40}$/),
    ]);
    expect(dispatchCountsByTask(t.gh.dispatches)).toEqual({ '1': 1, '2': 1, '3': 1, '4': 1 });
    let run = t.gh.state().runs[runId]!;
    expect(run.status).toBe('running');
    expect(inFlight(run).sort()).toEqual(['3', '4']);
    expect(run.tasks['1']!.dispatch!.ended_at).not.toBeNull();
    expect(run.tasks['2']!.dispatch!.ended_at).not.toBeNull();
    expect(runInconsistencies(run, t.gh.dispatches)).toEqual([]);

    // The last two end at once too: the run finishes once, with one pull request update and one reply.
    const n3 = run.tasks['3']!.dispatch!.n;
    const n4 = run.tasks['4']!.dispatch!.n;
    t.gh.commitFiles({ 'src/pair.js': 'export {};\n' }, 'Task 3 and 4', 'quantumwala/pair');
    t.gh.addPull({
      number: 21,
      headRef: 'quantumwala/pair',
      headSha: t.gh.git.refs.get('quantumwala/pair')!,
      headRepo: 'octo-org/widgets',
      baseRef: 'main',
    });
    t.actionWrites([
      ...taskEnded(runId, '3', 'succeeded', t.iso()),
      ...taskEnded(runId, '4', 'succeeded', t.iso()),
    ]);
    t.gh.hold(STATE_GET, 2);
    const end = t.gh.mark();
    await Promise.all([t.jobCompleted(runId, n3, '3', 'success'), t.jobCompleted(runId, n4, '4', 'success')]);

    run = t.gh.state().runs[runId]!;
    expect(run.status).toBe('succeeded');
    const finishes = t.gh
      .stateWritesSince(end)
      .flatMap((c) => c.stateEvents)
      .filter((e) => e === 'run_finished');
    expect(finishes).toHaveLength(1);
    expect(
      t.gh.callsSince(end).filter((c) => c.route === 'PATCH /repos/{owner}/{repo}/pulls/{pull_number}'),
    ).toHaveLength(1);
    expect(t.gh.pulls.get(21)!.body).toContain(
      `Work of Quantumwala run \`${runId}\` on spec \`pair\`, asked for by @alice.`,
    );
    const replies = t.gh.comments.filter((c) => c.seq > end);
    expect(replies.map((c) => c.body.split('\n')[0])).toEqual([
      `@alice Quantumwala run \`${runId}\` of \`pair\` succeeded: 4 of 4 task(s) succeeded, $0.0400.`,
    ]);
    expect(replies[0]!.body).toContain('Pull request: https://github.com/octo-org/widgets/pull/21');
    const check = t.gh.checkRuns.get(run.github!.check_run_id!)!;
    expect(check.updates.at(-1)).toMatchObject({ status: 'completed', conclusion: 'success' });
    expect(dispatchCountsByTask(t.gh.dispatches)).toEqual({ '1': 1, '2': 1, '3': 1, '4': 1 });
    expect(runInconsistencies(run, t.gh.dispatches)).toEqual([]);
  });
});
