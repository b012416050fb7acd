import type { StateEvent } from '../../src/state/events.js';
import type { RunRecord } from '../../src/state/state-schema.js';
import type { DecisionContext } from '../dispatch/run-decisions.js';

/** A matrix job that ended, as a webhook or a jobs listing reports it. */
export interface EndedJob {
  taskId: string;
  dispatch: number;
  jobId: number;
  url?: string;
  conclusion: string;
}

/**
 * job_finished events for the jobs whose end the run has not recorded yet (a redelivered webhook,
 * or a job both a webhook and a listing report, adds nothing). Jobs of tasks the run does not have
 * are ignored.
 */
export function jobEndEvents(run: RunRecord, jobs: readonly EndedJob[], ctx: DecisionContext): StateEvent[] {
  const events: StateEvent[] = [];
  const seen = new Set<string>();
  for (const job of jobs) {
    const d = run.tasks[job.taskId]?.dispatch;
    if (!d || d.n !== job.dispatch || d.ended_at !== null || seen.has(job.taskId)) continue;
    seen.add(job.taskId);
    events.push({
      type: 'job_finished',
      id: ctx.newId(),
      at: ctx.now.toISOString(),
      runId: run.id,
      taskId: job.taskId,
      dispatch: job.dispatch,
      jobId: job.jobId,
      ...(job.url ? { jobUrl: job.url } : {}),
      conclusion: job.conclusion,
    });
  }
  return events;
}
