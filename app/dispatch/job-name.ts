/**
 * The matrix workflow names its runs `quantumwala <spec> [<run-id>#<dispatch>]` and its jobs
 * `<spec> <task> [<run-id>#<dispatch>]` (see .github/workflows/quantumwala.yml): that is how a
 * webhook about a job or a workflow run finds its run, dispatch and task. Spec names and task ids
 * contain no spaces (checkSpecName; the task id forms of the parser).
 */
export interface JobRef {
  spec: string;
  taskId: string;
  runId: string;
  dispatch: number;
}

export interface WorkflowRunRef {
  spec: string;
  runId: string;
  dispatch: number;
}

const JOB = /^(\S+) (\S+) \[([^\]#\s]+)#(\d+)\]$/;
const RUN = /^quantumwala (\S+) \[([^\]#\s]+)#(\d+)\]$/;

export function parseJobName(name: string): JobRef | null {
  const m = JOB.exec(name);
  if (!m) return null;
  return { spec: m[1] as string, taskId: m[2] as string, runId: m[3] as string, dispatch: Number(m[4]) };
}

export function parseRunTitle(title: string): WorkflowRunRef | null {
  const m = RUN.exec(title);
  if (!m) return null;
  return { spec: m[1] as string, runId: m[2] as string, dispatch: Number(m[3]) };
}

export function runTitle(ref: WorkflowRunRef): string {
  return `quantumwala ${ref.spec} [${ref.runId}#${ref.dispatch}]`;
}
