/**
 * The comment commands end to end: a real Probot with the app loaded, issue_comment.created
 * payloads from GitHub's examples, and a fake GitHub (nock) that keeps the repository, state.json
 * with its compare-and-swap, and everything the app sends.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { USAGE } from '../../app/commands/usage.js';
import { finishAppTest, startAppTest, type AppTest } from '../support/app-nock/app-test.js';
import { attemptStarted, taskEnded } from '../support/app-nock/run-events.js';
import { fanOutTasks, specFiles, textStatsFiles } from '../support/app-nock/spec-files.js';

let t: AppTest | undefined;
afterEach(() => {
  const problems = finishAppTest(t);
  t = undefined;
  expect(problems).toEqual([]);
});

const WRITES = /^(POST|PUT|PATCH|DELETE) /;
/** Calls that change something, leaving out reactions and replies. */
const changes = (t: AppTest, mark: number) =>
  t.gh
    .callsSince(mark)
    .filter(
      (c) => WRITES.test(c.route) && !/reactions|issues\/\{issue_number\}\/comments|\/app\//.test(c.route),
    );

describe('/quantumwala commands', () => {
  it('help: one reply with the usage, nothing else changed', async () => {
    t = await startAppTest({ files: textStatsFiles() });
    const { mark, commentId } = await t.comment('/quantumwala help', { user: { login: 'bob' } });

    expect(t.gh.comments.map((c) => c.body)).toEqual([USAGE]);
    expect(t.gh.reactions.map((r) => [r.commentId, r.content])).toEqual([[commentId, 'eyes']]);
    expect(t.gh.routesSince(mark)).toEqual([
      'GET /repos/{owner}/{repo}/contents/{path}', // .github/quantumwala.yml
      'POST /repos/{owner}/{repo}/issues/comments/{comment_id}/reactions',
      'POST /repos/{owner}/{repo}/issues/{issue_number}/comments',
    ]);
  });

  it('run: 👀 then 🚀, run_started and tasks_dispatched stored before the dispatch, its inputs, the check run, a reply', async () => {
    t = await startAppTest({
      files: textStatsFiles(),
      config: 'github:\n  runner_labels: [self-hosted, linux]\n',
    });
    const head = t.head;
    const { mark, commentId, runId } = await t.comment('/quantumwala run text-stats --max-concurrent 2');

    // The reactions: 👀 first, 🚀 last.
    expect(t.gh.reactions.map((r) => [r.commentId, r.content])).toEqual([
      [commentId, 'eyes'],
      [commentId, 'rocket'],
    ]);
    const calls = t.gh.callsSince(mark);
    expect(calls.at(-1)?.route).toBe('POST /repos/{owner}/{repo}/issues/comments/{comment_id}/reactions');

    // The decision is stored first (the state branch is created with it), then carried out.
    const [dispatch, ...more] = t.gh.dispatches;
    expect(more).toEqual([]);
    const decision = t.gh.stateWritesSince(mark)[0];
    expect(decision?.stateEvents).toEqual(['run_started', 'tasks_dispatched']);
    expect(decision!.seq).toBeLessThan(dispatch!.seq);
    expect(dispatch).toMatchObject({ workflow: 'quantumwala.yml', ref: 'main' });
    expect(dispatch!.inputs).toEqual({
      'run-id': runId,
      dispatch: '1',
      spec: 'text-stats',
      tasks: '["1"]', // the only ready task: every other one depends on it
      'max-parallel': '1',
      'work-branch': 'quantumwala/text-stats',
      'state-branch': 'quantumwala/state',
      'runs-on': '["self-hosted","linux"]',
    });

    // The check run, on the commit the spec was read from, is the run's.
    const [check, ...otherChecks] = t.gh.checkRuns.values();
    expect(otherChecks).toEqual([]);
    expect(check!.created).toMatchObject({
      name: 'quantumwala: text-stats',
      head_sha: head,
      external_id: runId,
      status: 'queued',
    });
    const run = t.gh.state().runs[runId];
    expect(run).toMatchObject({
      status: 'running',
      max_concurrent: 2,
      requested_by: 'alice',
      work_branch: 'quantumwala/text-stats',
    });
    expect(run!.github).toMatchObject({ head_sha: head, check_run_id: check!.id, issue_number: 7 });
    expect(t.gh.git.refs.get('quantumwala/text-stats')).toBe(head);

    // The reply names the run and links the check run.
    expect(t.gh.comments).toHaveLength(1);
    expect(t.gh.comments[0]!.body).toBe(
      [
        `Started run \`${runId}\` of \`text-stats\`: 9 task(s), at most 2 at once, on \`quantumwala/text-stats\`.`,
        'Dispatched: `1`.',
        `Progress: https://github.com/octo-org/widgets/runs/${check!.id}`,
      ].join('\n\n'),
    );

    expect(t.gh.routesSince(mark)).toEqual([
      'GET /repos/{owner}/{repo}/contents/{path}', // config
      'POST /repos/{owner}/{repo}/issues/comments/{comment_id}/reactions', // 👀
      'GET /repos/{owner}/{repo}/collaborators/{username}/permission',
      'GET /repos/{owner}/{repo}/git/ref/{ref}', // the default branch's tip
      'GET /repos/{owner}/{repo}/git/trees/{tree_sha}',
      'GET /repos/{owner}/{repo}/git/blobs/{file_sha}', // tasks.md
      'GET /repos/{owner}/{repo}/git/blobs/{file_sha}', // requirements.md
      'GET /repos/{owner}/{repo}/git/blobs/{file_sha}', // design.md
      'GET /repos/{owner}/{repo}/git/ref/{ref}', // the work branch: missing
      'POST /repos/{owner}/{repo}/git/refs', // … created
      'GET /repos/{owner}/{repo}/contents/{path}', // state.json: no state branch yet
      'POST /repos/{owner}/{repo}/git/trees', // the state branch, as an orphan commit
      'POST /repos/{owner}/{repo}/git/commits',
      'POST /repos/{owner}/{repo}/git/refs',
      'POST /repos/{owner}/{repo}/actions/workflows/{workflow_id}/dispatches',
      'POST /repos/{owner}/{repo}/check-runs',
      'PUT /repos/{owner}/{repo}/contents/{path}', // check_run_created
      'POST /repos/{owner}/{repo}/issues/{issue_number}/comments',
      'POST /repos/{owner}/{repo}/issues/comments/{comment_id}/reactions', // 🚀
    ]);
  });

  it("status: a reply with the run's progress line, for anyone", async () => {
    t = await startAppTest({ files: textStatsFiles() });
    const { runId } = await t.comment('/quantumwala run text-stats --max-concurrent 2');
    t.actionWrites([attemptStarted(runId, '1', 1, t.iso())]);
    const checkId = t.gh.state().runs[runId]!.github!.check_run_id;

    const { mark } = await t.comment('/quantumwala status text-stats', { user: { login: 'bob' } });
    expect(t.gh.comments.at(-1)!.body).toBe(
      `- \`text-stats\` run \`${runId}\` (running): Running: 0/9 succeeded, 1 running — https://github.com/octo-org/widgets/runs/${checkId}`,
    );
    // Status catches the run up with GitHub (its workflow runs), and changes nothing here.
    expect(changes(t, mark)).toEqual([]);
    expect(t.gh.routesSince(mark)).toEqual([
      'GET /repos/{owner}/{repo}/contents/{path}', // config
      'POST /repos/{owner}/{repo}/issues/comments/{comment_id}/reactions',
      'GET /repos/{owner}/{repo}/contents/{path}', // state.json
      'GET /repos/{owner}/{repo}/actions/workflows/{workflow_id}/runs',
      'GET /repos/{owner}/{repo}/contents/{path}', // state.json, for the (empty) decision
      'POST /repos/{owner}/{repo}/issues/{issue_number}/comments',
    ]);

    await t.comment('/quantumwala status nothing-here', { user: { login: 'bob' } });
    expect(t.gh.comments.at(-1)!.body).toBe('No run of `nothing-here` yet.');
  });

  it("cancel: run_finished cancelled stored, the run's workflow runs listed and the unfinished ones cancelled", async () => {
    t = await startAppTest({
      files: specFiles('five', fanOutTasks(5)),
      config: 'github:\n  max_matrix: 1\n',
    });
    const { runId } = await t.comment('/quantumwala run five --max-concurrent 2');
    const [first, second] = t.gh.dispatches;
    expect(t.gh.dispatchedTasks()).toEqual(['1', '2']);
    // Dispatch #1's job ended (its webhook is still on the way); #2's is running.
    t.gh.completeJob(runId, 1, '1', 'success');
    const other = t.gh.addWorkflowRun({
      displayTitle: 'quantumwala other [c1-1#1]',
      status: 'in_progress',
      conclusion: null,
      inputs: {},
    });

    const { mark } = await t.comment('/quantumwala cancel five');
    const run = t.gh.state().runs[runId]!;
    expect(run.status).toBe('cancelled');
    expect(run.message).toBe('cancelled by @alice');
    expect(t.gh.stateWritesSince(mark).map((c) => c.stateEvents)).toEqual([['run_finished']]);
    const cancels = t.gh.callsSince(mark).filter((c) => c.route.endsWith('/cancel'));
    expect(cancels.map((c) => Number(c.params.run_id))).toEqual([second!.runId]);
    expect(t.gh.runOf(second!)).toMatchObject({ status: 'completed', conclusion: 'cancelled' });
    expect(t.gh.runOf(first!).conclusion).toBe('success');
    expect(other.status).toBe('in_progress');
    expect(t.gh.dispatches).toHaveLength(2);

    const check = t.gh.checkRuns.get(run.github!.check_run_id!)!;
    expect(check.updates.at(-1)).toMatchObject({ status: 'completed', conclusion: 'cancelled' });
    expect(t.gh.comments.slice(-2).map((c) => c.body)).toEqual([
      expect.stringMatching(
        new RegExp(
          `^@alice Quantumwala run \`${runId}\` of \`five\` was cancelled: 0 of 6 task\\(s\\) succeeded`,
        ),
      ),
      `Cancelled run \`${runId}\` of \`five\`; 1 workflow run(s) asked to stop.`,
    ]);
    expect(t.gh.comments.at(-2)!.body).toContain('No pull request: nothing landed on the work branch.');
  });

  it('retry: the failed run reopened, its failed and skipped tasks requeued, the ready one dispatched, a new check run', async () => {
    t = await startAppTest({ files: textStatsFiles() });
    const { runId } = await t.comment('/quantumwala run text-stats');
    t.actionWrites(taskEnded(runId, '1', 'failed', t.iso(), { message: 'tests failed' }));
    await t.jobCompleted(runId, 1, '1', 'failure');
    const failed = t.gh.state().runs[runId]!;
    expect(failed.status).toBe('failed');
    expect(Object.values(failed.tasks).map((x) => x.status)).toEqual([
      'failed',
      ...Array<string>(8).fill('not_run'),
    ]);
    const firstCheck = failed.github!.check_run_id;

    const { mark, commentId } = await t.comment('/quantumwala retry text-stats');
    const run = t.gh.state().runs[runId]!;
    expect(run.status).toBe('running');
    const written = t.gh.stateWritesSince(mark).map((c) => c.stateEvents);
    expect(written[0]).toEqual(['tasks_requeued', 'tasks_dispatched']);
    expect(t.gh.dispatches.map((d) => [d.inputs.dispatch, d.inputs.tasks])).toEqual([
      ['1', '["1"]'],
      ['2', '["1"]'],
    ]);
    expect(t.gh.stateWritesSince(mark)[0]!.seq).toBeLessThan(t.gh.dispatches[1]!.seq);
    // The finished run's check run stays completed; the retry gets a new one.
    expect(run.github!.check_run_id).not.toBe(firstCheck);
    expect(t.gh.checkRuns.get(run.github!.check_run_id!)!.created).toMatchObject({
      external_id: runId,
      status: 'in_progress', // task 1 has an attempt
    });
    const reply = t.gh.comments.at(-1)!.body;
    expect(reply).toMatch(
      new RegExp(`^Retrying (\`[\\d.]+\`, ){8}\`[\\d.]+\` of run \`${runId}\`; dispatched \`1\`\\.$`),
    );
    // Every task is named (in the run record's key order: integer-like ids first, as JS orders keys).
    expect(
      [...reply.matchAll(/`([\d.]+)`/g)]
        .map((m) => m[1])
        .slice(0, 9)
        .sort(),
    ).toEqual(['1', '2.1', '2.2', '2.3', '3', '4', '5', '6', '7']);
    expect(t.gh.reactions.filter((r) => r.commentId === commentId).map((r) => r.content)).toEqual([
      'eyes',
      'rocket',
    ]);
  });

  it('an unknown command or a bad option: a reply with the usage, nothing run', async () => {
    t = await startAppTest({ files: textStatsFiles() });
    const mark = t.gh.mark();
    await t.comment('/quantumwala frobnicate text-stats');
    await t.comment('/quantumwala run text-stats --max-concurrent lots');
    await t.comment('/quantumwala run text-stats --fast');

    const replies = t.gh.comments.map((c) => c.body);
    expect(replies).toHaveLength(3);
    expect(replies[0]).toContain('unknown command');
    expect(replies[1]).toContain('--max-concurrent');
    expect(replies[2]).toContain('unknown option --fast');
    for (const body of replies) expect(body).toContain(USAGE);
    expect(changes(t, mark)).toEqual([]);
    expect(t.gh.dispatches).toEqual([]);
  });
});

describe('refusals', () => {
  it('a read-only user: a polite refusal, no dispatch, no state write', async () => {
    t = await startAppTest({ files: textStatsFiles() });
    const { mark } = await t.comment('/quantumwala run text-stats', { user: { login: 'bob' } });

    expect(t.gh.comments.map((c) => c.body)).toEqual([
      'Sorry @bob, only people with write, maintain or admin permission on this repository can run Quantumwala runs (yours: read). Nothing was run.',
    ]);
    expect(t.gh.dispatches).toEqual([]);
    expect(t.gh.stateWritesSince(mark)).toEqual([]);
    expect(t.gh.stateOrNull()).toBeNull();
    expect(t.gh.routesSince(mark)).toEqual([
      'GET /repos/{owner}/{repo}/contents/{path}',
      'POST /repos/{owner}/{repo}/issues/comments/{comment_id}/reactions',
      'GET /repos/{owner}/{repo}/collaborators/{username}/permission',
      'POST /repos/{owner}/{repo}/issues/{issue_number}/comments',
    ]);

    // Not a collaborator at all (GitHub: 404): refused the same way.
    await t.comment('/quantumwala cancel text-stats', { user: { login: 'mallory' } });
    expect(t.gh.comments.at(-1)!.body).toContain('Sorry @mallory');
    expect(t.gh.comments.at(-1)!.body).toContain('(yours: none)');
  });

  it('a bot: no request at all', async () => {
    t = await startAppTest({ files: textStatsFiles(), roles: { 'renovate[bot]': 'admin' } });
    await t.comment('/quantumwala run text-stats', { user: { login: 'renovate[bot]', type: 'Bot' } });
    await t.comment('/quantumwala run text-stats', { user: { login: 'helper[bot]' } });
    expect(t.gh.calls).toEqual([]);
  });

  it('a comment on a pull request from a fork: refused, nothing read or run', async () => {
    t = await startAppTest({ files: textStatsFiles() });
    t.gh.addPull({
      number: 12,
      headRef: 'feature',
      headSha: t.head,
      headRepo: 'mallory/widgets',
      baseRef: 'main',
    });
    const { mark } = await t.comment('/quantumwala run text-stats', { issueNumber: 12, pullRequest: true });

    expect(t.gh.comments.map((c) => [c.issue, c.body])).toEqual([
      [12, 'Quantumwala does not run specs from pull requests from forks. Nothing was run.'],
    ]);
    expect(t.gh.routesSince(mark)).toEqual([
      'GET /repos/{owner}/{repo}/contents/{path}',
      'POST /repos/{owner}/{repo}/issues/comments/{comment_id}/reactions',
      'GET /repos/{owner}/{repo}/collaborators/{username}/permission',
      'GET /repos/{owner}/{repo}/pulls/{pull_number}',
      'POST /repos/{owner}/{repo}/issues/{issue_number}/comments',
    ]);
    expect(t.gh.dispatches).toEqual([]);
    expect(t.gh.stateOrNull()).toBeNull();
  });

  it('a same-repository pull request runs the spec at its head commit', async () => {
    t = await startAppTest({ files: textStatsFiles() });
    const main = t.head;
    t.gh.createBranch('feature');
    const headSha = t.gh.commitFiles({ 'notes.md': 'a change\n' }, 'Work on the feature', 'feature');
    t.gh.addPull({ number: 13, headRef: 'feature', headSha, headRepo: 'octo-org/widgets', baseRef: 'main' });
    const { runId } = await t.comment('/quantumwala run text-stats', { issueNumber: 13, pullRequest: true });
    expect(t.gh.state().runs[runId]!.github).toMatchObject({
      head_sha: headSha,
      base_branch: 'main',
      issue_number: 13,
    });
    expect(t.gh.git.refs.get('quantumwala/text-stats')).toBe(headSha);
    expect(headSha).not.toBe(main);
    // Dispatched on the default branch: the workflow file is read from there.
    expect(t.gh.dispatches.map((d) => d.ref)).toEqual(['main']);
  });
});

describe('invalid specs', () => {
  it('an unknown dependency or a cycle: a reply quoting file:line, nothing run', async () => {
    t = await startAppTest({
      files: {
        ...specFiles('unknown-dep', [{ id: '1' }, { id: '2', deps: ['9'] }]),
        ...specFiles('loop', [
          { id: '1', deps: ['2'] },
          { id: '2', deps: ['1'] },
        ]),
      },
    });
    const mark = t.gh.mark();
    await t.comment('/quantumwala run unknown-dep');
    await t.comment('/quantumwala run loop');

    const [unknown, loop] = t.gh.comments.map((c) => c.body);
    expect(unknown).toContain('Quantumwala could not run `unknown-dep`:');
    // tasks.md: line 5 is "- [ ] 2. Task 2", line 6 its "_Depends: 9_".
    expect(unknown).toContain(
      '.kiro/specs/unknown-dep/tasks.md:6: task 2 depends on "9", which names no task in this file',
    );
    expect(loop).toContain('Quantumwala could not run `loop`:');
    expect(loop).toMatch(/\.kiro\/specs\/loop\/tasks\.md:\d+: dependency cycle/);
    expect(changes(t, mark)).toEqual([]);
    expect(t.gh.dispatches).toEqual([]);
    expect(t.gh.reactions.map((r) => r.content)).toEqual(['eyes', 'eyes']);
  });
});
