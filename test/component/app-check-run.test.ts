/**
 * The check run: its Cancel and Retry failed buttons (check_run.requested_action), GitHub's Re-run
 * (check_run.rerequested), and its output for a run of 500 tasks staying within GitHub's limits.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { CHECK_RUN_LIMITS } from '../../app/checks/check-run-limits.js';
import type { StateEvent } from '../../src/state/events.js';
import { finishAppTest, startAppTest, type AppTest } from '../support/app-nock/app-test.js';
import {
  appRunStarted,
  checkRunCreated,
  jobFinished,
  taskEnded,
  tasksDispatched,
} from '../support/app-nock/run-events.js';
import { fanOutTasks, specFiles, textStatsFiles } from '../support/app-nock/spec-files.js';
import { runInconsistencies } from '../support/app-nock/state-checks.js';
import { checkRunRerequested } from '../support/app-nock/webhook-payloads.js';
import type { Json } from '../support/app-nock/types.js';

let t: AppTest | undefined;
afterEach(() => {
  const problems = finishAppTest(t);
  t = undefined;
  expect(problems).toEqual([]);
});

/** A text-stats run whose task 1 failed: the run failed, everything else was not run. */
async function failedTextStatsRun(app: AppTest): Promise<string> {
  const { runId } = await app.comment('/quantumwala run text-stats');
  app.actionWrites(taskEnded(runId, '1', 'failed', app.iso(), { message: 'tests failed' }));
  await app.jobCompleted(runId, 1, '1', 'failure');
  expect(app.gh.state().runs[runId]!.status).toBe('failed');
  return runId;
}

describe('check run buttons', () => {
  it('Cancel (identifier cancel, external_id = the run): the run cancelled, its workflow run stopped', async () => {
    t = await startAppTest({ files: specFiles('five', fanOutTasks(5)) });
    const { runId } = await t.comment('/quantumwala run five --max-concurrent 2');
    const [dispatch] = t.gh.dispatches;

    const mark = await t.pressButton(runId, 'cancel');
    const run = t.gh.state().runs[runId]!;
    expect(run).toMatchObject({ status: 'cancelled', message: 'cancelled by @alice' });
    expect(
      t.gh
        .callsSince(mark)
        .filter((c) => c.route.endsWith('/cancel'))
        .map((c) => Number(c.params.run_id)),
    ).toEqual([dispatch!.runId]);
    expect(t.gh.runOf(dispatch!).conclusion).toBe('cancelled');
    const check = t.gh.checkRuns.get(run.github!.check_run_id!)!;
    // A cancelled run's tasks that did not run can be run again.
    expect(check.updates.at(-1)).toMatchObject({
      status: 'completed',
      conclusion: 'cancelled',
      actions: [{ identifier: 'retry_failed', label: 'Retry failed', description: expect.any(String) }],
    });
    expect(t.gh.comments.at(-1)!.body).toMatch(
      new RegExp(`^@alice Quantumwala run \`${runId}\` of \`five\` was cancelled`),
    );
    expect(t.gh.dispatches).toHaveLength(1);
  });

  it('Retry failed (identifier retry_failed): the failed and skipped tasks requeued, the ready one dispatched', async () => {
    t = await startAppTest({ files: textStatsFiles() });
    const runId = await failedTextStatsRun(t);
    const failedCheck = t.gh.checkRuns.get(t.gh.state().runs[runId]!.github!.check_run_id!)!;
    expect(failedCheck.updates.at(-1)).toMatchObject({
      conclusion: 'failure',
      actions: [{ identifier: 'retry_failed', label: 'Retry failed', description: expect.any(String) }],
    });

    const mark = await t.pressButton(runId, 'retry_failed');
    const run = t.gh.state().runs[runId]!;
    expect(run.status).toBe('running');
    expect(t.gh.stateWritesSince(mark)[0]!.stateEvents).toEqual(['tasks_requeued', 'tasks_dispatched']);
    expect(
      t.gh.dispatches.filter((d) => d.seq > mark).map((d) => [d.inputs.dispatch, d.inputs.tasks]),
    ).toEqual([['2', '["1"]']]);
    expect(Object.values(run.tasks).every((task) => task.status === 'pending')).toBe(true);
    // A new check run for the reopened run; the failed one stays as it was.
    expect(run.github!.check_run_id).not.toBe(failedCheck.id);
    expect(t.gh.checkRuns.get(run.github!.check_run_id!)!.created).toMatchObject({
      external_id: runId,
      actions: [{ identifier: 'cancel', label: 'Cancel run', description: expect.any(String) }],
    });
    expect(runInconsistencies(run, t.gh.dispatches)).toEqual([]);
  });

  it('buttons pressed by a read-only user: nothing but the permission check', async () => {
    t = await startAppTest({ files: textStatsFiles() });
    const runId = await failedTextStatsRun(t);
    const before = t.gh.state();
    const dispatches = t.gh.dispatches.length;
    const comments = t.gh.comments.length;

    const retry = await t.pressButton(runId, 'retry_failed', { login: 'bob' });
    expect(t.gh.routesSince(retry)).toEqual([
      'GET /repos/{owner}/{repo}/collaborators/{username}/permission',
    ]);
    const cancel = await t.pressButton(runId, 'cancel', { login: 'bob' });
    expect(t.gh.routesSince(cancel)).toEqual([
      'GET /repos/{owner}/{repo}/collaborators/{username}/permission',
    ]);
    expect(t.gh.state()).toEqual(before);
    expect(t.gh.dispatches).toHaveLength(dispatches);
    expect(t.gh.comments).toHaveLength(comments);
  });

  it("Re-run (check_run.rerequested) of a failed run retries it; another app's check run costs no call", async () => {
    t = await startAppTest({ files: textStatsFiles() });
    const runId = await failedTextStatsRun(t);
    const run = t.gh.state().runs[runId]!;
    const check = {
      id: run.github!.check_run_id!,
      name: 'quantumwala: text-stats',
      externalId: runId,
      headSha: run.github!.head_sha,
    };

    const other = t.gh.mark();
    await t.receive('check_run', checkRunRerequested(t.target, { ...check, name: 'lint', externalId: '' }));
    expect(t.gh.callsSince(other)).toEqual([]);

    const mark = t.gh.mark();
    await t.receive('check_run', checkRunRerequested(t.target, check));
    expect(t.gh.state().runs[runId]!.status).toBe('running');
    expect(t.gh.dispatches.filter((d) => d.seq > mark).map((d) => d.inputs.tasks)).toEqual(['["1"]']);
  });
});

describe('check run output', () => {
  it('a run of 500 tasks: output.summary and output.text within 65,535 characters, in PATCH and POST', async () => {
    t = await startAppTest({ files: specFiles('big', [{ id: '1' }]) });
    const head = t.head;
    t.gh.createBranch('quantumwala/big');
    t.gh.commitFiles({ 'src/big.js': 'export {};\n' }, 'Landed work', 'quantumwala/big');
    const runId = 'c500-1';
    const ids = Array.from({ length: 500 }, (_, i) => String(i + 1));
    // Long titles with markdown in them, and long failure messages: the uncut output would not fit.
    const title = (id: string) =>
      `Task ${id}: ${'implement | the *widget* <b>frobnicator</b> `and` its [tests](x) '.repeat(2)}`;
    const at = (s: number) => new Date(Date.parse(t!.iso()) - 3_600_000 + s * 1000).toISOString();
    const checkRunId = t.gh.addCheckRun({ name: 'quantumwala: big', head_sha: head, external_id: runId });
    const events: StateEvent[] = [
      appRunStarted(
        runId,
        ids.map((id) => ({ id, title: title(id) })),
        { at: at(0), headSha: head, spec: 'big', issueNumber: 7, maxConcurrent: 4, jobRetries: 0 },
      ),
      checkRunCreated(runId, checkRunId, at(1)),
    ];
    for (let n = 1; n <= 125; n++) {
      const batch = ids.slice((n - 1) * 4, n * 4);
      events.push(tasksDispatched(runId, n, batch, at(n * 10)));
      if (n === 125) break; // the last four are in flight
      for (const id of batch) {
        const failed = Number(id) % 83 === 0; // 5 of them: 83, 166, 249, 332, 415
        events.push(
          ...taskEnded(
            runId,
            id,
            failed ? 'failed' : 'succeeded',
            at(n * 10 + 5),
            failed ? { message: `error: ${'stack frame '.repeat(100)}` } : {},
          ),
          jobFinished(runId, id, n, 90_000 + Number(id), failed ? 'failure' : 'success', at(n * 10 + 6)),
        );
      }
    }
    t.gh.writeState(events);
    const last = ids.slice(496);
    t.gh.addWorkflowRun({
      displayTitle: `quantumwala big [${runId}#125]`,
      status: 'in_progress',
      conclusion: null,
      inputs: { 'run-id': runId, dispatch: '125', spec: 'big', tasks: JSON.stringify(last) },
      jobs: last.map((id) => ({
        id: 99_000 + Number(id),
        runId: 0,
        name: `big ${id} [${runId}#125]`,
        status: 'in_progress' as const,
        conclusion: null,
        htmlUrl: `https://github.com/octo-org/widgets/actions/runs/1/job/${id}`,
      })),
    });
    // Over the contents API's inline limit (lowered from GitHub's 1 MB to keep the test quick): the
    // store reads state.json as a blob.
    t.gh.inlineLimit = 256 * 1024;
    expect(t.gh.git.fileAt('quantumwala/state', 'state.json')!.length).toBeGreaterThan(t.gh.inlineLimit);

    const sizes = (output: Json) => ({
      summary: String(output.summary ?? '').length,
      text: String(output.text ?? '').length,
    });
    const blobReads = t.gh.mark();
    for (const id of last) {
      t.actionWrites(taskEnded(runId, id, 'succeeded', t.iso()));
      await t.jobCompleted(runId, 125, id, 'success');
    }
    const check = t.gh.checkRuns.get(checkRunId)!;
    expect(check.updates).toHaveLength(4);
    expect(t.gh.routesSince(blobReads).filter((r) => r.includes('/git/blobs/'))).toHaveLength(4);
    for (const update of check.updates) {
      const { summary, text } = sizes(update.output as Json);
      expect(summary).toBeLessThanOrEqual(CHECK_RUN_LIMITS.outputLength);
      expect(text).toBeLessThanOrEqual(CHECK_RUN_LIMITS.outputLength);
      expect(text).toBeGreaterThan(30_000); // cut to fit, not dropped
    }
    expect(check.updates.at(-1)).toMatchObject({ status: 'completed', conclusion: 'failure' });
    expect(t.gh.state().runs[runId]!.status).toBe('failed');
    // The pull request is opened with the same summary in its body (GitHub's limit there: 65,536).
    const pull = [...t.gh.pulls.values()][0]!;
    expect(pull.body!.length).toBeLessThanOrEqual(65_536);

    // A retry makes a new check run: the POST carries the whole output too.
    const mark = await t.pressButton(runId, 'retry_failed');
    const created = [...t.gh.checkRuns.values()].find((c) => c.id !== checkRunId)!;
    expect(created.created).toMatchObject({ name: 'quantumwala: big', external_id: runId });
    const { summary, text } = sizes(created.created.output as Json);
    expect(summary).toBeLessThanOrEqual(CHECK_RUN_LIMITS.outputLength);
    expect(text).toBeLessThanOrEqual(CHECK_RUN_LIMITS.outputLength);
    expect(
      t.gh.dispatches.filter((d) => d.seq > mark).flatMap((d) => JSON.parse(d.inputs.tasks!) as string[]),
    ).toEqual(['83', '166', '249', '332']);
  });
});
