import type { Context } from 'probot';
import { parseJobName, parseRunTitle } from '../dispatch/job-name.js';
import { inFlight } from '../dispatch/run-decisions.js';
import { advanceRun } from '../runs/advance-run.js';
import { jobEndEvents } from '../runs/job-ends.js';
import { openStateStore } from '../runs/open-state-store.js';
import { endedJobsOf } from '../runs/workflow-runs.js';
import { repoConfig, repoContext, type AppDeps } from './app-deps.js';

/**
 * A matrix job ended: record it (a redelivery records nothing new), settle its task if it ended
 * without a result (retry or fail), dispatch what became ready, finish the run when nothing is left.
 * Jobs of other workflows are ignored before any API call.
 */
export async function onWorkflowJob(
  context: Context<'workflow_job.completed'>,
  deps: AppDeps,
): Promise<void> {
  const job = context.payload.workflow_job;
  const ref = parseJobName(job.name);
  if (!ref) return;
  const ctx = repoContext(context, deps);
  const config = await repoConfig(context, deps);
  await advanceRun(ctx, config.workflow.state_branch, ref.runId, (run) =>
    run
      ? jobEndEvents(
          run,
          [
            {
              taskId: ref.taskId,
              dispatch: ref.dispatch,
              jobId: job.id,
              url: job.html_url,
              conclusion: job.conclusion ?? 'unknown',
            },
          ],
          { now: ctx.now(), newId: ctx.newId },
        )
      : [],
  );
}

/**
 * A dispatch's workflow run completed: the net under lost workflow_job webhooks. When a task of that
 * dispatch is still in flight in the state, its jobs are listed and their ends recorded.
 */
export async function onWorkflowRun(
  context: Context<'workflow_run.completed'>,
  deps: AppDeps,
): Promise<void> {
  const wr = context.payload.workflow_run;
  const ref = parseRunTitle(wr.display_title ?? '');
  if (!ref) return;
  const ctx = repoContext(context, deps);
  const config = await repoConfig(context, deps);
  const { state } = await openStateStore(ctx, config.workflow.state_branch).read();
  const run = state.runs[ref.runId];
  if (!run) return;
  const waiting = Object.values(run.tasks).some((t) => inFlight(t) && t.dispatch?.n === ref.dispatch);
  // Every job's end is already recorded (the usual case): nothing to catch up on.
  if (!waiting) return;
  const ended = await endedJobsOf(ctx, wr.id, ref.runId);
  // The workflow run is over: a task of it without a job (the run failed or was cancelled before
  // its job started) ended too.
  const jobless = Object.entries(run.tasks)
    .filter(([id, t]) => inFlight(t) && t.dispatch?.n === ref.dispatch && !ended.some((j) => j.taskId === id))
    .map(([taskId]) => ({
      taskId,
      dispatch: ref.dispatch,
      jobId: 0,
      url: wr.html_url,
      conclusion: `${wr.conclusion ?? 'unknown'} (no job)`,
    }));
  await advanceRun(ctx, config.workflow.state_branch, ref.runId, (current) =>
    current ? jobEndEvents(current, [...ended, ...jobless], { now: ctx.now(), newId: ctx.newId }) : [],
  );
}
