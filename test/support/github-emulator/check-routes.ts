/** Check runs: create, update, get, and list for a commit. */
import { notFound, unprocessable } from './api-error.js';
import { nodeId, paginate, simpleUser, str, type EmulatorCore, type RouteDef } from './emulator-core.js';
import { isJson, type Json } from './openapi/spec-document.js';
import { REPO_ID } from './repo-routes.js';
import type { CheckRunRecord } from './types.js';

const R = '/repos/{owner}/{repo}';
const APP_ID = 31337;

function checkRunJson(core: EmulatorCore, c: CheckRunRecord): Json {
  const url = `${core.repoUrl}/check-runs/${c.id}`;
  const owner = simpleUser(core, core.owner);
  return {
    id: c.id,
    head_sha: c.head_sha,
    node_id: nodeId('CheckRun', c.id),
    external_id: c.external_id,
    url,
    html_url: `${core.htmlUrl}/runs/${c.id}`,
    details_url: c.details_url,
    status: c.status,
    conclusion: c.conclusion,
    started_at: c.started_at,
    completed_at: c.completed_at,
    output: { ...c.output, annotations_url: `${url}/annotations` },
    name: c.name,
    check_suite: { id: c.id + 1 },
    app: {
      id: APP_ID,
      slug: c.app_login.replace(/\[bot\]$/, ''),
      node_id: nodeId('Integration', APP_ID),
      client_id: 'Iv1.emulator',
      owner,
      name: c.app_login.replace(/\[bot\]$/, ''),
      description: 'GitHub emulator app',
      external_url: 'https://example.com',
      html_url: `https://github.com/apps/${c.app_login.replace(/\[bot\]$/, '')}`,
      created_at: '2024-01-01T00:00:00Z',
      updated_at: '2024-01-01T00:00:00Z',
      permissions: { checks: 'write', contents: 'write' },
      events: ['check_run'],
    },
    pull_requests: [],
    repository_id: REPO_ID,
  };
}

/** Applies the mutable fields of a create/update body (GitHub's completion rules included). */
function applyFields(core: EmulatorCore, c: CheckRunRecord, body: Json): void {
  if (typeof body.name === 'string') c.name = body.name;
  if (typeof body.details_url === 'string') c.details_url = body.details_url;
  if (typeof body.external_id === 'string') c.external_id = body.external_id;
  if (typeof body.started_at === 'string') c.started_at = body.started_at;
  if (typeof body.status === 'string') c.status = body.status;
  if (typeof body.conclusion === 'string') {
    c.conclusion = body.conclusion;
    c.status = 'completed';
  }
  if (typeof body.completed_at === 'string') c.completed_at = body.completed_at;
  if (c.status === 'completed' && c.conclusion === null) {
    throw unprocessable(
      'Invalid request.\n\nNo subschema in "anyOf" matched.\n"conclusion" wasn\'t supplied.',
    );
  }
  if (c.status === 'completed') c.completed_at ??= core.now();
  if (isJson(body.output)) {
    const o = body.output;
    c.output = {
      title: str(o.title) ?? c.output.title,
      summary: str(o.summary) ?? c.output.summary,
      text: str(o.text) ?? c.output.text,
      annotations_count:
        c.output.annotations_count + (Array.isArray(o.annotations) ? o.annotations.length : 0),
    };
  }
  if (Array.isArray(body.actions)) c.actions = body.actions;
}

function find(core: EmulatorCore, id: string | undefined): CheckRunRecord {
  const run = core.state.checkRuns.find((c) => c.id === Number(id));
  if (!run) throw notFound();
  return run;
}

export const checkRoutes: RouteDef[] = [
  {
    method: 'POST',
    template: `${R}/check-runs`,
    handler: async ({ core, body }) => {
      const headSha = str(body.head_sha) ?? '';
      const sha = await core.git.resolveCommit(headSha);
      if (!sha || sha !== headSha) throw unprocessable('No commit found for SHA: ' + headSha);
      const run: CheckRunRecord = {
        id: core.nextId(),
        name: '',
        head_sha: sha,
        status: 'queued',
        conclusion: null,
        external_id: null,
        details_url: null,
        started_at: core.now(),
        completed_at: null,
        output: { title: null, summary: null, text: null, annotations_count: 0 },
        actions: [],
        app_login: core.actor,
      };
      applyFields(core, run, body);
      core.state.checkRuns.push(run);
      return { status: 201, body: checkRunJson(core, run) };
    },
  },
  {
    method: 'PATCH',
    template: `${R}/check-runs/{check_run_id}`,
    handler: async ({ core, params, body }) => {
      const run = find(core, params.check_run_id);
      const copy = { ...run, output: { ...run.output } };
      applyFields(core, copy, body);
      Object.assign(run, copy);
      return { status: 200, body: checkRunJson(core, run) };
    },
  },
  {
    method: 'GET',
    template: `${R}/check-runs/{check_run_id}`,
    handler: async ({ core, params }) => ({
      status: 200,
      body: checkRunJson(core, find(core, params.check_run_id)),
    }),
  },
  {
    method: 'GET',
    template: `${R}/commits/{ref}/check-runs`,
    handler: async ({ core, params, query }) => {
      const sha = await core.git.resolveCommit(params.ref ?? '');
      if (!sha) throw unprocessable(`No commit found for SHA: ${params.ref ?? ''}`);
      const name = query.get('check_name');
      const status = query.get('status');
      let runs = core.state.checkRuns.filter(
        (c) =>
          c.head_sha === sha &&
          (name === null || c.name === name) &&
          (status === null || c.status === status),
      );
      if (query.get('filter') !== 'all') {
        runs = runs.filter((c) => !runs.some((d) => d.name === c.name && d.id > c.id));
      }
      runs = [...runs].sort((a, b) => b.id - a.id);
      return {
        status: 200,
        body: {
          total_count: runs.length,
          check_runs: paginate(runs, query).map((c) => checkRunJson(core, c)),
        },
      };
    },
  },
];
