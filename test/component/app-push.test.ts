/** The push trigger: a push to the default branch that changes a spec's tasks file. */
import { afterEach, describe, expect, it } from 'vitest';
import { finishAppTest, startAppTest, type AppTest } from '../support/app-nock/app-test.js';
import { fanOutTasks, specFiles, tasksMarkdown } from '../support/app-nock/spec-files.js';
import { pushEvent, type WebhookUser } from '../support/app-nock/webhook-payloads.js';

let t: AppTest | undefined;
afterEach(() => {
  const problems = finishAppTest(t);
  t = undefined;
  expect(problems).toEqual([]);
});

const TASKS = '.kiro/specs/five/tasks.md';

/** A commit on main changing the five spec's tasks.md, and its push by `sender`. */
async function pushSpecChange(
  app: AppTest,
  sender?: WebhookUser,
  ref?: string,
): Promise<{ after: string; mark: number }> {
  const before = app.head;
  const after = app.gh.commitFiles({ [TASKS]: tasksMarkdown(fanOutTasks(6)) }, 'Add a task');
  const mark = app.gh.mark();
  await app.receive(
    'push',
    pushEvent(app.target, {
      before,
      after,
      modified: [TASKS],
      ...(sender ? { sender } : {}),
      ...(ref ? { ref } : {}),
    }),
  );
  return { after, mark };
}

describe('push trigger', () => {
  it('triggers.push on: a push to the default branch changing tasks.md starts a run of that spec', async () => {
    t = await startAppTest({
      files: { ...specFiles('five', fanOutTasks(5)), ...specFiles('other', fanOutTasks(2)) },
      config: 'github:\n  triggers:\n    push: true\n',
    });
    const { after, mark } = await pushSpecChange(t);

    const runId = `p${after.slice(0, 12)}-five`;
    const run = t.gh.state().runs[runId];
    expect(Object.keys(t.gh.state().runs)).toEqual([runId]);
    expect(run).toMatchObject({ status: 'running', spec: 'five', requested_by: 'alice', max_concurrent: 4 });
    expect(Object.keys(run!.tasks)).toHaveLength(7); // the pushed tasks.md: 6 tasks and the last
    expect(run!.github).toMatchObject({ head_sha: after, issue_number: null });
    expect(t.gh.dispatches.map((d) => [d.inputs['run-id'], d.inputs.tasks])).toEqual([
      [runId, '["1","2","3","4"]'],
    ]);
    expect(t.gh.stateWritesSince(mark)[0]!.seq).toBeLessThan(t.gh.dispatches[0]!.seq);
    expect([...t.gh.checkRuns.values()].map((c) => c.created)).toEqual([
      expect.objectContaining({ name: 'quantumwala: five', head_sha: after, external_id: runId }),
    ]);
    expect(t.gh.comments).toEqual([]); // no issue to reply on
    expect(t.gh.routesSince(mark)).toEqual([
      'GET /repos/{owner}/{repo}/contents/{path}', // config
      'GET /repos/{owner}/{repo}/git/trees/{tree_sha}', // the pushed commit (listed once)
      'GET /repos/{owner}/{repo}/git/blobs/{file_sha}', // tasks.md
      'GET /repos/{owner}/{repo}/git/ref/{ref}', // the work branch: missing
      'POST /repos/{owner}/{repo}/git/refs',
      'GET /repos/{owner}/{repo}/contents/{path}', // state.json: no state branch yet
      'POST /repos/{owner}/{repo}/git/trees',
      'POST /repos/{owner}/{repo}/git/commits',
      'POST /repos/{owner}/{repo}/git/refs',
      'POST /repos/{owner}/{repo}/actions/workflows/{workflow_id}/dispatches',
      'POST /repos/{owner}/{repo}/check-runs',
      'PUT /repos/{owner}/{repo}/contents/{path}',
    ]);

    // The same push delivered again starts nothing more.
    const again = t.gh.mark();
    await t.receive('push', pushEvent(t.target, { before: after, after, modified: [TASKS] }));
    expect(t.gh.stateWritesSince(again)).toEqual([]);
    expect(t.gh.dispatches).toHaveLength(1);
  });

  it('triggers.push off: nothing after the config read', async () => {
    t = await startAppTest({
      files: specFiles('five', fanOutTasks(5)),
      config: 'github:\n  triggers:\n    push: false\n',
    });
    const { mark } = await pushSpecChange(t);
    expect(t.gh.routesSince(mark)).toEqual(['GET /repos/{owner}/{repo}/contents/{path}']);
    expect(t.gh.callsSince(mark).map((c) => c.path)).toEqual([
      '/app/installations/4711/access_tokens',
      '/repos/octo-org/widgets/contents/.github/quantumwala.yml',
    ]);
  });

  it("triggers.push off by default, no config file: the repository's and the owner's .github config read, nothing else", async () => {
    t = await startAppTest({ files: specFiles('five', fanOutTasks(5)), config: null });
    const { mark } = await pushSpecChange(t);
    expect(t.gh.callsSince(mark).map((c) => `${c.path} ${c.status}`)).toEqual([
      '/app/installations/4711/access_tokens 201',
      '/repos/octo-org/widgets/contents/.github/quantumwala.yml 404',
      '/repos/octo-org/.github/contents/.github/quantumwala.yml 404',
    ]);
  });

  it('a push by a bot, to another branch, not touching a tasks file, or of commits a run made: no request at all', async () => {
    t = await startAppTest({
      files: specFiles('five', fanOutTasks(5)),
      config: 'github:\n  triggers:\n    push: true\n',
    });
    await pushSpecChange(t, { login: 'quantumwala[bot]', type: 'Bot' });
    await pushSpecChange(t, undefined, 'refs/heads/feature');
    const before = t.head;
    const after = t.gh.commitFiles({ 'README.md': '# widgets, again\n' });
    await t.receive('push', pushEvent(t.target, { before, after, modified: ['README.md'] }));
    // Commits a run made (tasks landed, checkboxes ticked), pushed by a person: not a spec change.
    const landed = t.gh.commitFiles({ [TASKS]: tasksMarkdown(fanOutTasks(6)) }, 'Land task 6');
    await t.receive(
      'push',
      pushEvent(t.target, {
        before: after,
        after: landed,
        modified: [TASKS],
        committer: { name: 'Quantumwala', email: 'quantumwala@users.noreply.github.com' },
      }),
    );
    expect(t.gh.calls).toEqual([]);
  });
});
