import type { StateEvent } from '../../src/state/events.js';
import { applyEvents } from '../../src/state/reduce.js';
import type { RunRecord, UnifiedState } from '../../src/state/state-schema.js';
import type { StateUpdate } from '../../src/state/state-store.js';
import { planStep } from '../dispatch/run-decisions.js';
import { dispatchWorkflows } from './dispatch-workflow.js';
import { finishRun } from './finish-run.js';
import { openStateStore } from './open-state-store.js';
import type { RepoContext } from './repo-context.js';
import { createCheckRun, updateCheckRun } from './sync-check-run.js';

/** How often one decision dispatches again after GitHub refused a dispatch. */
const DISPATCH_ROUNDS = 3;

/** What a handler adds to a decision before the run's next step is planned (a job's end, a retry). */
export type FirstDecision = (run: RunRecord | undefined, state: UnifiedState) => StateEvent[];

export interface AdvanceResult {
  /** The run as stored after this call; null when the state has no such run. */
  run: RunRecord | null;
  /** The events this call wrote (empty: someone else had already decided everything). */
  written: StateEvent[];
}

/** The tasks this call's dispatches sent (those of dispatches GitHub refused left out), once each. */
export function sentTasks(result: AdvanceResult): string[] {
  const refused = new Set(result.run?.dispatches.filter((d) => d.failed_at !== null).map((d) => d.n));
  const ids = result.written.flatMap((e) =>
    e.type === 'tasks_dispatched' && !refused.has(e.dispatch) ? e.tasks : [],
  );
  return [...new Set(ids)];
}

/**
 * One decision about a run, recorded before anything is done about it: read the state, add what
 * `first` says, plan the next step (settle, dispatch, finish), write it all by compare-and-swap (on
 * a lost race, decide again on the new state), then carry out only what this call wrote: dispatch
 * workflows (a refused dispatch is recorded and the run decided again), finish the run (pull
 * request, reply), update the check run.
 */
export async function advanceRun(
  ctx: RepoContext,
  stateBranch: string,
  runId: string,
  first: FirstDecision = () => [],
  options: { newCheckRun?: boolean } = {},
): Promise<AdvanceResult> {
  const store = openStateStore(ctx, stateBranch);
  const decideWith =
    (extra: FirstDecision) =>
    (state: UnifiedState): StateEvent[] => {
      const run = state.runs[runId];
      const head = extra(run, state);
      const after = head.length > 0 ? applyEvents(state, head).runs[runId] : run;
      if (!after) return head;
      return [...head, ...planStep(after, { now: ctx.now(), newId: ctx.newId })];
    };

  let update: StateUpdate = await store.update(decideWith(first));
  const written = [...update.written];
  // A refused dispatch frees its tasks' slots; the next step retries them (up to the job retries),
  // at most DISPATCH_ROUNDS times per call. Every dispatch written is sent: the last round records
  // the refusals and settles what it can, but writes no dispatch (the next decision makes it).
  for (let round = 0; ; round++) {
    const run = update.state.runs[runId];
    if (!run) return { run: null, written };
    const failed = await dispatchWorkflows(ctx, run, update.written);
    if (failed.length === 0) break;
    const refused = decideWith(() =>
      failed.map((f): StateEvent => ({
        type: 'dispatch_failed',
        id: ctx.newId(),
        at: ctx.now().toISOString(),
        runId,
        dispatch: f.dispatch,
        message: f.message,
      })),
    );
    const last = round === DISPATCH_ROUNDS;
    update = await store.update(
      last ? (state) => refused(state).filter((e) => e.type !== 'tasks_dispatched') : refused,
    );
    written.push(...update.written);
    if (last) break;
  }
  const run = update.state.runs[runId] ?? null;
  if (run) return { run: await afterDecision(ctx, run, written, store, options), written };
  return { run, written };
}

/** The check run (created once the run exists) and the end of the run, for what this call decided. */
async function afterDecision(
  ctx: RepoContext,
  run: RunRecord,
  written: readonly StateEvent[],
  store: ReturnType<typeof openStateStore>,
  options: { newCheckRun?: boolean } = {},
): Promise<RunRecord> {
  if (written.length === 0) return run;
  let current = run;
  // Only the decision that started the run (or reopened a finished one) creates its check run, so
  // webhooks racing it never make a second one; until its id is recorded, others skip the update.
  const creates =
    current.github !== null &&
    (written.some((e) => e.type === 'run_started') ||
      (options.newCheckRun === true && written.some((e) => e.type === 'tasks_requeued')));
  if (creates) {
    const checkRunId = await createCheckRun(ctx, current);
    const state = await store.append([
      { type: 'check_run_created', id: ctx.newId(), at: ctx.now().toISOString(), runId: run.id, checkRunId },
    ]);
    const stored = state.runs[run.id] ?? current;
    // What other webhooks recorded meanwhile shows at once.
    if (stored.event_ids.length > current.event_ids.length + 1) await updateCheckRun(ctx, stored);
    current = stored;
  } else {
    await updateCheckRun(ctx, current);
  }
  if (written.some((e) => e.type === 'run_finished') && current.status !== 'running') {
    await finishRun(ctx, current);
  }
  return current;
}
