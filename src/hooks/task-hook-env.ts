import type { GraphTask } from '../graph/task-graph.js';
import type { Spec } from '../spec/types.js';

export interface TaskHookContext {
  env: NodeJS.ProcessEnv;
  runId: string;
  spec: Spec;
  workBranch: string;
}

/**
 * The environment of a pre_task or post_task hook: PATH and HOME of the run, and the task's context
 * in QUANTUMWALA_* variables (README, "Hooks"); nothing else of the run's environment (no secrets).
 */
export function taskHookEnv(
  ctx: TaskHookContext,
  task: GraphTask,
  attempt: number,
  extra: Record<string, string>,
): Record<string, string | undefined> {
  return {
    PATH: ctx.env.PATH,
    HOME: ctx.env.HOME,
    QUANTUMWALA_RUN_ID: ctx.runId,
    QUANTUMWALA_SPEC: ctx.spec.location.name,
    QUANTUMWALA_SPEC_DIR: ctx.spec.location.dir,
    QUANTUMWALA_TASK_ID: task.id,
    QUANTUMWALA_TASK_TITLE: task.title,
    QUANTUMWALA_ATTEMPT: String(attempt),
    QUANTUMWALA_WORK_BRANCH: ctx.workBranch,
    ...extra,
  };
}
