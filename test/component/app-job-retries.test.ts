/**
 * Jobs that end without a result (the runner was lost, the job was cancelled): the task is
 * dispatched again up to the run's job retries, then fails; and a lost workflow_job webhook is made
 * up for by workflow_run.completed.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { finishAppTest, startAppTest, type AppTest } from '../support/app-nock/app-test.js';
import { attemptStarted, taskEnded } from '../support/app-nock/run-events.js';
import { dispatchCountsByTask, inFlight, runInconsistencies } from '../support/app-nock/state-checks.js';
import { fanOutTasks, specFiles } from '../support/app-nock/spec-files.js';
import { workflowRunCompleted } from '../support/app-nock/webhook-payloads.js';

let t: AppTest | undefined;
afterEach(() => {
  const problems = finishAppTest(t);
  t = undefined;
  expect(problems).toEqual([]);
});

/** 1 → 2 → 3, and one job retry. */
const CHAIN = specFiles('chain', [{ id: '1' }, { id: '2', deps: ['1'] }, { id: '3', deps: ['2'] }]);
const ONE_RETRY = 'execution:\n  max_retries: 1\n';

describe('job retries', () => {
  it('a job that ended without a result (failure, no task_finished in the state): the task is dispatched again', async () => {
    t = await startAppTest({ files: CHAIN, config: ONE_RETRY });
    const { runId } = await t.comment('/quantumwala run chain');
    expect(t.gh.dispatches.map((d) => d.inputs.tasks)).toEqual(['["1"]']);

    const { mark } = await t.jobCompleted(runId, 1, '1', 'failure');
    expect(t.gh.stateWritesSince(mark)[0]!.stateEvents).toEqual([
      'job_finished',
      'tasks_requeued',
      'tasks_dispatched',
    ]);
    expect(t.gh.dispatches.map((d) => [d.inputs.dispatch, d.inputs.tasks])).toEqual([
      ['1', '["1"]'],
      ['2', '["1"]'],
    ]);
    const run = t.gh.state().runs[runId]!;
    expect(run.status).toBe('running');
    expect(run.tasks['1']).toMatchObject({
      status: 'pending',
      dispatch_count: 2,
      dispatch: { n: 2, ended_at: null },
      requeued_at: expect.any(String),
    });
    expect(runInconsistencies(run, t.gh.dispatches)).toEqual([]);
  });

  it('job retries used up: the task failed, its dependents not_run, the run failed, the pull request opened, a reply naming the requester', async () => {
    t = await startAppTest({ files: CHAIN, config: ONE_RETRY });
    const { runId } = await t.comment('/quantumwala run chain');
    await t.jobCompleted(runId, 1, '1', 'failure');
    // Something landed on the work branch before the runner of the second try was lost mid-task.
    t.gh.commitFiles({ 'src/chain.js': 'export {};\n' }, 'Partial work', 'quantumwala/chain');
    t.actionWrites([attemptStarted(runId, '1', 1, t.iso())]);

    const { mark } = await t.jobCompleted(runId, 2, '1', 'cancelled');
    expect(t.gh.dispatches).toHaveLength(2);
    expect(dispatchCountsByTask(t.gh.dispatches)).toEqual({ '1': 2 });
    const decision = t.gh.stateWritesSince(mark)[0]!.stateEvents;
    expect(decision).toEqual([
      'job_finished',
      'attempt_finished', // the lost attempt, as interrupted
      'task_finished', // 1 failed
      'task_finished', // 2 not_run
      'task_finished', // 3 not_run
      'run_finished',
    ]);
    const run = t.gh.state().runs[runId]!;
    expect(run).toMatchObject({ status: 'failed', message: '0 of 3 task(s) succeeded' });
    expect(run.tasks['1']).toMatchObject({
      status: 'failed',
      result: {
        error_class: 'interrupted',
        message: 'its job ended (cancelled) before the task finished, 2 time(s)',
      },
    });
    expect(run.tasks['1']!.attempts[0]).toMatchObject({ outcome: 'interrupted', error_class: 'interrupted' });
    expect(run.tasks['2']!.status).toBe('not_run');
    expect(run.tasks['3']!.status).toBe('not_run');
    expect(inFlight(run)).toEqual([]);

    const check = t.gh.checkRuns.get(run.github!.check_run_id!)!;
    expect(check.updates.at(-1)).toMatchObject({ status: 'completed', conclusion: 'failure' });
    const pull = t.gh.pulls.get(1)!;
    expect(pull).toMatchObject({
      state: 'open',
      headRef: 'quantumwala/chain',
      baseRef: 'main',
      title: 'Quantumwala: chain',
      draft: false,
    });
    expect(pull.body).toContain(
      `Work of Quantumwala run \`${runId}\` on spec \`chain\`, asked for by @alice.`,
    );
    const reply = t.gh.comments.at(-1)!;
    expect(reply.issue).toBe(7);
    expect(reply.body.split('\n\n')).toEqual([
      `@alice Quantumwala run \`${runId}\` of \`chain\` failed: 0 of 3 task(s) succeeded, $0.0000.`,
      'Failed: `1` (interrupted). Comment `/quantumwala retry chain` to run them again.',
      'Pull request: https://github.com/octo-org/widgets/pull/1',
      `Details: https://github.com/octo-org/widgets/runs/${check.id}`,
    ]);
    expect(t.gh.routesSince(mark)).toEqual([
      'GET /repos/{owner}/{repo}/contents/{path}', // config
      'GET /repos/{owner}/{repo}/contents/{path}', // state.json
      'PUT /repos/{owner}/{repo}/contents/{path}', // the decision
      'PATCH /repos/{owner}/{repo}/check-runs/{check_run_id}',
      'GET /repos/{owner}/{repo}/pulls', // an open one for the work branch?
      'POST /repos/{owner}/{repo}/pulls',
      'POST /repos/{owner}/{repo}/issues/{issue_number}/comments',
    ]);

    // A pull request already open for the work branch is updated instead.
    const again = await t.comment('/quantumwala retry chain');
    expect(t.gh.dispatches.filter((d) => d.seq > again.mark).map((d) => d.inputs.tasks)).toEqual(['["1"]']);
    const end = t.gh.mark();
    for (let i = 0; i < 3 && t.gh.state().runs[runId]!.status === 'running'; i++) {
      await t.jobCompleted(runId, t.gh.state().runs[runId]!.tasks['1']!.dispatch!.n, '1', 'failure');
    }
    expect(t.gh.state().runs[runId]!.status).toBe('failed');
    expect(t.gh.routesSince(end)).toContain('PATCH /repos/{owner}/{repo}/pulls/{pull_number}');
    expect(t.gh.pulls.size).toBe(1);
    expect(t.gh.comments.at(-1)!.body).toMatch(/^@alice Quantumwala run .* failed/);
  });
});

describe('a lost workflow_job webhook', () => {
  it("workflow_run.completed lists the dispatch's jobs, records their ends and dispatches what became ready", async () => {
    t = await startAppTest({ files: specFiles('five', fanOutTasks(5)) });
    const { runId } = await t.comment('/quantumwala run five --max-concurrent 2');
    const [dispatch] = t.gh.dispatches;
    t.actionWrites([
      ...taskEnded(runId, '1', 'succeeded', t.iso()),
      ...taskEnded(runId, '2', 'succeeded', t.iso()),
    ]);
    // Both jobs ended; only the workflow run's webhook arrives.
    t.gh.completeJob(runId, 1, '1', 'success');
    t.gh.completeJob(runId, 1, '2', 'success');
    const workflowRun = t.gh.runOf(dispatch!);
    expect(workflowRun.status).toBe('completed');

    const mark = t.gh.mark();
    await t.receive('workflow_run', workflowRunCompleted(t.target, workflowRun));
    expect(t.gh.stateWritesSince(mark)[0]!.stateEvents).toEqual([
      'job_finished',
      'job_finished',
      'tasks_dispatched',
    ]);
    expect(t.gh.dispatches.filter((d) => d.seq > mark).map((d) => d.inputs.tasks)).toEqual(['["3","4"]']);
    expect(t.gh.routesSince(mark)).toEqual([
      'GET /repos/{owner}/{repo}/contents/{path}', // config
      'GET /repos/{owner}/{repo}/contents/{path}', // state.json: tasks of dispatch #1 in flight
      'GET /repos/{owner}/{repo}/actions/runs/{run_id}/jobs',
      'GET /repos/{owner}/{repo}/contents/{path}', // state.json, for the decision
      'PUT /repos/{owner}/{repo}/contents/{path}',
      'POST /repos/{owner}/{repo}/actions/workflows/{workflow_id}/dispatches',
      'PATCH /repos/{owner}/{repo}/check-runs/{check_run_id}',
    ]);

    // The jobs' own webhooks, late: nothing left to record.
    const late = t.gh.mark();
    await t.jobCompleted(runId, 1, '1', 'success');
    expect(t.gh.stateWritesSince(late)).toEqual([]);
    expect(runInconsistencies(t.gh.state().runs[runId]!, t.gh.dispatches)).toEqual([]);
  });

  it('/quantumwala status: a dispatch that never became a workflow run in 10 minutes is taken as failed and sent again', async () => {
    t = await startAppTest({ files: CHAIN, config: ONE_RETRY });
    const { runId } = await t.comment('/quantumwala run chain');
    // GitHub accepted the dispatch but no workflow run came of it (or the app stopped before sending it).
    t.gh.workflowRuns.splice(0);
    t.tick(5 * 60_000);
    let mark = t.gh.mark();
    await t.comment('/quantumwala status chain');
    expect(t.gh.stateWritesSince(mark)).toEqual([]); // not lost yet: 5 minutes
    t.tick(6 * 60_000);
    mark = t.gh.mark();
    await t.comment('/quantumwala status chain');
    expect(t.gh.stateWritesSince(mark)[0]!.stateEvents).toEqual([
      'dispatch_failed',
      'tasks_requeued',
      'tasks_dispatched',
    ]);
    expect(t.gh.dispatches.map((d) => [d.inputs.dispatch, d.inputs.tasks])).toEqual([
      ['1', '["1"]'],
      ['2', '["1"]'],
    ]);
    expect(runInconsistencies(t.gh.state().runs[runId]!, t.gh.dispatches)).toEqual([]);
  });
});
