/**
 * What GitHub does when a workflow_dispatch arrives: find the workflow (by file name, or an id it
 * gave out) at the dispatched ref, parse it, check the inputs; any problem is the API's answer.
 */
import { runGit } from '../../../src/git/index.js';
import type { DispatchRejection, WorkflowDispatch } from '../github-emulator.js';
import {
  checkDispatchInputs,
  isRejection,
  parseWorkflowFile,
  type DispatchInputs,
  type ParsedWorkflow,
} from './workflow-file.js';

export interface PreparedDispatch extends DispatchInputs {
  workflow: ParsedWorkflow;
  workflowId: number;
  /** `refs/heads/<branch>` (or the full ref given). */
  ref: string;
  sha: string;
}

async function git(args: string[], cwd: string): Promise<string | undefined> {
  return (await runGit(args, { cwd }).catch(() => undefined))?.stdout;
}

/** Workflow ids by path, given out the first time a workflow is dispatched. */
export class WorkflowIds {
  private readonly ids = new Map<string, number>();

  idOf(filePath: string): number {
    let id = this.ids.get(filePath);
    if (id === undefined) this.ids.set(filePath, (id = 161_335 + this.ids.size));
    return id;
  }

  /** `.github/workflows/<name>` for a file name, or the path of an id given out. */
  pathOf(workflowId: string): string | undefined {
    if (!/^\d+$/.test(workflowId)) return `.github/workflows/${workflowId}`;
    return [...this.ids].find(([, n]) => String(n) === workflowId)?.[0];
  }
}

export async function prepareDispatch(
  bareRepoDir: string,
  d: WorkflowDispatch,
  ids: WorkflowIds,
): Promise<PreparedDispatch | DispatchRejection> {
  const file = ids.pathOf(d.workflowId);
  const sha = (await git(['rev-parse', '--verify', '--quiet', `${d.ref}^{commit}`], bareRepoDir))?.trim();
  const content = file && sha ? await git(['cat-file', 'blob', `${sha}:${file}`], bareRepoDir) : undefined;
  if (!file || !sha || content === undefined) return { status: 404, message: 'Not Found' };
  const parsed = await parseWorkflowFile(file, content);
  if (!parsed.workflow) {
    return {
      status: 422,
      message: `Invalid Argument - failed to parse workflow: ${parsed.errors.join('\n')}`,
    };
  }
  const inputs = checkDispatchInputs(parsed.workflow, d.inputs);
  if (isRejection(inputs)) return inputs;
  const ref = d.ref.startsWith('refs/') ? d.ref : `refs/heads/${d.ref}`;
  return { workflow: parsed.workflow, workflowId: ids.idOf(file), ref, sha, ...inputs };
}
