import type { RunRecord } from '../../src/state/state-schema.js';

/** The inputs of the matrix workflow, in the order it declares them. */
export const DISPATCH_INPUT_NAMES = [
  'run-id',
  'dispatch',
  'spec',
  'tasks',
  'max-parallel',
  'work-branch',
  'state-branch',
  'runs-on',
] as const;

export type DispatchInputs = Record<(typeof DISPATCH_INPUT_NAMES)[number], string>;

/**
 * What one workflow dispatch sends: the tasks as a JSON matrix, all of which may run at once (the
 * app put no more in it than the run had free slots), and the runner labels as JSON so `runs-on`
 * can name self-hosted runners. workflow_dispatch inputs are strings.
 */
export function dispatchInputs(run: RunRecord, dispatch: number, tasks: readonly string[]): DispatchInputs {
  if (!run.github) throw new Error(`run ${run.id} was not started by the app`);
  return {
    'run-id': run.id,
    dispatch: String(dispatch),
    spec: run.spec,
    tasks: JSON.stringify(tasks),
    'max-parallel': String(tasks.length),
    'work-branch': run.work_branch,
    'state-branch': run.github.state_branch,
    'runs-on': JSON.stringify(run.github.runner_labels),
  };
}
