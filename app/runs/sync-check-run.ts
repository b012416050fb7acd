import { errorMessage } from '../../src/errors.js';
import type { RunRecord } from '../../src/state/state-schema.js';
import { renderCheckRun } from '../checks/render-check-run.js';
import type { RepoContext } from './repo-context.js';

/** The check run's name in the Checks tab. */
export function checkRunName(spec: string): string {
  return `quantumwala: ${spec}`;
}

/** Links a task's row to the job that ran it last. */
function jobUrlOf(run: RunRecord) {
  return (taskId: string) => run.tasks[taskId]?.dispatch?.job_url ?? undefined;
}

/** Creates the run's check run on the commit its spec was read from; returns its id. */
export async function createCheckRun(ctx: RepoContext, run: RunRecord): Promise<number> {
  const github = run.github;
  if (!github) throw new Error(`run ${run.id} was not started by the app`);
  const p = renderCheckRun(run, { now: ctx.now(), jobUrl: jobUrlOf(run) });
  const { data } = await ctx.octokit.rest.checks.create({
    owner: ctx.owner,
    repo: ctx.repo,
    name: checkRunName(run.spec),
    head_sha: github.head_sha,
    external_id: run.id,
    status: p.status,
    started_at: run.started_at,
    ...(p.conclusion ? { conclusion: p.conclusion, completed_at: run.finished_at ?? undefined } : {}),
    output: { title: p.title, summary: p.summary, text: p.text },
    actions: p.actions,
  });
  return data.id;
}

type Pending = { run: RunRecord; ctx: RepoContext };
const queues = new Map<string, { latest: Pending | null; done: Promise<void> }>();

/**
 * Shows a run's state on its check run. Updates for one check run are coalesced: while one is being
 * sent, later ones wait and only the newest of them is sent (a burst of webhooks costs two calls,
 * not one per webhook). Failures are logged, never thrown: the Checks tab lagging must not stop a run.
 */
export function updateCheckRun(ctx: RepoContext, run: RunRecord): Promise<void> {
  const id = run.github?.check_run_id;
  if (!id) return Promise.resolve();
  const key = `${ctx.owner}/${ctx.repo}#${id}`;
  const queue = queues.get(key);
  if (queue) {
    queue.latest = { run, ctx };
    return queue.done;
  }
  const entry = { latest: { run, ctx } as Pending | null, done: Promise.resolve() };
  entry.done = (async () => {
    try {
      while (entry.latest) {
        const next: Pending = entry.latest;
        entry.latest = null;
        await sendUpdate(next.ctx, next.run, id);
      }
    } finally {
      queues.delete(key);
    }
  })();
  queues.set(key, entry);
  return entry.done;
}

async function sendUpdate(ctx: RepoContext, run: RunRecord, id: number): Promise<void> {
  const p = renderCheckRun(run, { now: ctx.now(), jobUrl: jobUrlOf(run) });
  try {
    await ctx.octokit.rest.checks.update({
      owner: ctx.owner,
      repo: ctx.repo,
      check_run_id: id,
      status: p.status,
      ...(p.conclusion ? { conclusion: p.conclusion, completed_at: run.finished_at ?? undefined } : {}),
      output: { title: p.title, summary: p.summary, text: p.text },
      actions: p.actions,
    });
  } catch (err) {
    ctx.log.warn(`run ${run.id}: check run ${id} not updated: ${errorMessage(err)}`);
  }
}
