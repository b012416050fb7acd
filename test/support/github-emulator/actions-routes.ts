/**
 * GitHub Actions: workflow_dispatch, workflow runs and their jobs (runs and jobs are set by tests,
 * or by a GitHub Actions stand-in through the workflow hooks).
 */
import { ApiError, conflict, notFound, unprocessable } from './api-error.js';
import { nodeId, paginate, simpleUser, str, type EmulatorCore, type RouteDef } from './emulator-core.js';
import { isJson, type Json } from './openapi/spec-document.js';
import { repositoryJson } from './repo-routes.js';
import type { JobRecord, WorkflowRunRecord } from './types.js';

const R = '/repos/{owner}/{repo}/actions';

export function defaultRun(core: EmulatorCore, run: Partial<WorkflowRunRecord> = {}): WorkflowRunRecord {
  const id = run.id ?? core.nextId();
  const now = core.now();
  return {
    id,
    name: 'quantumwala',
    workflow_id: 161335,
    path: '.github/workflows/quantumwala.yml',
    head_branch: core.defaultBranch,
    head_sha: '0'.repeat(40),
    event: 'workflow_dispatch',
    status: 'queued',
    conclusion: null,
    run_number: core.state.workflowRuns.length + 1,
    run_attempt: 1,
    actor: core.actor,
    display_title: run.name ?? 'quantumwala',
    created_at: now,
    updated_at: now,
    ...run,
  };
}

export function defaultJob(core: EmulatorCore, runId: number, job: Partial<JobRecord> = {}): JobRecord {
  return {
    id: core.nextId(),
    run_id: runId,
    name: 'run',
    status: 'queued',
    conclusion: null,
    started_at: core.now(),
    completed_at: null,
    steps: [],
    labels: ['ubuntu-latest'],
    ...job,
  };
}

export function runJson(core: EmulatorCore, r: WorkflowRunRecord): Json {
  const url = `${core.repoUrl}/actions/runs/${r.id}`;
  const repo = repositoryJson(core);
  return {
    id: r.id,
    name: r.name,
    node_id: nodeId('WorkflowRun', r.id),
    head_branch: r.head_branch,
    head_sha: r.head_sha,
    path: r.path,
    display_title: r.display_title,
    run_number: r.run_number,
    run_attempt: r.run_attempt,
    event: r.event,
    status: r.status,
    conclusion: r.conclusion,
    workflow_id: r.workflow_id,
    url,
    html_url: `${core.htmlUrl}/actions/runs/${r.id}`,
    pull_requests: [],
    created_at: r.created_at,
    updated_at: r.updated_at,
    run_started_at: r.created_at,
    actor: simpleUser(core, r.actor),
    triggering_actor: simpleUser(core, r.actor),
    jobs_url: `${url}/jobs`,
    logs_url: `${url}/logs`,
    check_suite_url: `${core.repoUrl}/check-suites/${r.id}`,
    artifacts_url: `${url}/artifacts`,
    cancel_url: `${url}/cancel`,
    rerun_url: `${url}/rerun`,
    workflow_url: `${core.repoUrl}/actions/workflows/${r.workflow_id}`,
    head_commit: null,
    repository: repo,
    head_repository: repo,
  };
}

export function jobJson(core: EmulatorCore, j: JobRecord, run: WorkflowRunRecord): Json {
  return {
    id: j.id,
    run_id: j.run_id,
    run_url: `${core.repoUrl}/actions/runs/${j.run_id}`,
    run_attempt: run.run_attempt,
    node_id: nodeId('CheckRun', j.id),
    head_sha: run.head_sha,
    head_branch: run.head_branch,
    url: `${core.repoUrl}/actions/jobs/${j.id}`,
    html_url: `${core.htmlUrl}/actions/runs/${j.run_id}/job/${j.id}`,
    status: j.status,
    conclusion: j.conclusion,
    created_at: j.created_at ?? j.started_at,
    started_at: j.started_at,
    completed_at: j.completed_at,
    name: j.name,
    steps: j.steps.map((s) => ({ ...s, started_at: j.started_at, completed_at: j.completed_at })),
    check_run_url: `${core.repoUrl}/check-runs/${j.id}`,
    labels: j.labels,
    runner_id: j.runner_id ?? null,
    runner_name: j.runner_name ?? null,
    runner_group_id: j.runner_name ? 2 : null,
    runner_group_name: j.runner_name ? 'GitHub Actions' : null,
    workflow_name: run.name,
  };
}

function findRun(core: EmulatorCore, id: string | undefined): WorkflowRunRecord {
  const run = core.state.workflowRuns.find((r) => r.id === Number(id));
  if (!run) throw notFound();
  return run;
}

/** Whether `workflowId` (a workflow's id or its file name) names the run's workflow. */
function isRunOf(run: WorkflowRunRecord, workflowId: string): boolean {
  return String(run.workflow_id) === workflowId || run.path.split('/').pop() === workflowId;
}

/** The runs that pass the list filters (branch, event, actor, head_sha, status), newest first. */
function filterRuns(runs: WorkflowRunRecord[], query: URLSearchParams): WorkflowRunRecord[] {
  const f = (k: string): string | null => query.get(k);
  return runs
    .filter(
      (r) =>
        (f('branch') === null || r.head_branch === f('branch')) &&
        (f('event') === null || r.event === f('event')) &&
        (f('actor') === null || r.actor === f('actor')) &&
        (f('head_sha') === null || r.head_sha === f('head_sha')) &&
        (f('status') === null || r.status === f('status') || r.conclusion === f('status')),
    )
    .sort((a, b) => b.id - a.id);
}

/** A workflow file name (or a workflow id of a run) that exists on the default branch. */
async function workflowExists(core: EmulatorCore, id: string): Promise<boolean> {
  if (core.state.workflowRuns.some((r) => isRunOf(r, id))) return true;
  const head = await core.git.resolveCommit(core.defaultBranch);
  return head !== null && (await core.git.entryAt(head, `.github/workflows/${id}`)) !== null;
}

export const actionsRoutes: RouteDef[] = [
  {
    method: 'POST',
    template: `${R}/workflows/{workflow_id}/dispatches`,
    handler: async ({ core, params, body }) => {
      const ref = str(body.ref) ?? '';
      if (!(await core.git.resolveCommit(ref))) throw unprocessable(`No ref found for: ${ref}`);
      const inputs = isJson(body.inputs) ? body.inputs : {};
      if (Object.keys(inputs).length > 25) {
        throw unprocessable('you may only define up to 25 `inputs` for a `workflow_dispatch` event');
      }
      const dispatch = { workflowId: params.workflow_id ?? '', ref, inputs, at: core.now() };
      const refused = await core.hooks?.checkDispatch?.(dispatch);
      if (refused) throw new ApiError(refused.status, refused.message);
      core.state.dispatches.push(dispatch);
      core.onDispatch?.(dispatch);
      core.hooks?.onDispatch?.(dispatch);
      return { status: 204 };
    },
  },
  {
    method: 'GET',
    template: `${R}/runs`,
    handler: async ({ core, query }) => {
      const runs = filterRuns(core.state.workflowRuns, query);
      return {
        status: 200,
        body: { total_count: runs.length, workflow_runs: paginate(runs, query).map((r) => runJson(core, r)) },
      };
    },
  },
  {
    method: 'GET',
    template: `${R}/workflows/{workflow_id}/runs`,
    handler: async ({ core, params, query }) => {
      const id = params.workflow_id ?? '';
      const runs = filterRuns(
        core.state.workflowRuns.filter((r) => isRunOf(r, id)),
        query,
      );
      if (runs.length === 0 && !(await workflowExists(core, id))) throw notFound();
      return {
        status: 200,
        body: { total_count: runs.length, workflow_runs: paginate(runs, query).map((r) => runJson(core, r)) },
      };
    },
  },
  {
    method: 'GET',
    template: `${R}/jobs/{job_id}`,
    handler: async ({ core, params }) => {
      const job = core.state.jobs.find((j) => j.id === Number(params.job_id));
      if (!job) throw notFound();
      return { status: 200, body: jobJson(core, job, findRun(core, String(job.run_id))) };
    },
  },
  {
    method: 'GET',
    template: `${R}/runs/{run_id}`,
    handler: async ({ core, params }) => ({ status: 200, body: runJson(core, findRun(core, params.run_id)) }),
  },
  {
    method: 'GET',
    template: `${R}/runs/{run_id}/jobs`,
    handler: async ({ core, params, query }) => {
      const run = findRun(core, params.run_id);
      const jobs = core.state.jobs.filter((j) => j.run_id === run.id);
      return {
        status: 200,
        body: { total_count: jobs.length, jobs: paginate(jobs, query).map((j) => jobJson(core, j, run)) },
      };
    },
  },
  {
    method: 'POST',
    template: `${R}/runs/{run_id}/cancel`,
    handler: async ({ core, params }) => {
      const run = findRun(core, params.run_id);
      if (run.status === 'completed') throw conflict('Cannot cancel a workflow run that is completed.');
      if (core.hooks?.onCancel?.(run) === true) return { status: 202, body: {} };
      Object.assign(run, { status: 'completed', conclusion: 'cancelled', updated_at: core.now() });
      for (const job of core.state.jobs.filter((j) => j.run_id === run.id && j.status !== 'completed')) {
        Object.assign(job, { status: 'completed', conclusion: 'cancelled', completed_at: core.now() });
      }
      return { status: 202, body: {} };
    },
  },
];
