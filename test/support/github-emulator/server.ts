/** startGitHubEmulator: wires the bare repository, the OpenAPI validator and the routes to a loopback server. */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { actionsRoutes, defaultJob, defaultRun, jobJson, runJson } from './actions-routes.js';
import { appRoutes, issueToken } from './app-routes.js';
import { BareRepo } from './bare-repo.js';
import { checkRoutes } from './check-routes.js';
import { contentsRoutes } from './contents-routes.js';
import { nowIso, simpleUser, type EmulatorCore } from './emulator-core.js';
import { FaultQueue } from './fault-queue.js';
import { gitObjectRoutes } from './git-object-routes.js';
import { gitRefRoutes } from './git-ref-routes.js';
import { RateLimit } from './http-io.js';
import { issueRoutes } from './issue-routes.js';
import { OpenApiValidator } from './openapi/openapi-validator.js';
import { loadSpec } from './openapi/spec-document.js';
import { pullRoutes } from './pull-routes.js';
import { repoRoutes, repositoryJson } from './repo-routes.js';
import { describeError, handleRequest, type Pipeline } from './request-pipeline.js';
import { RouteTable } from './route-table.js';
import type {
  EmulatorState,
  GitHubEmulator,
  GitHubEmulatorOptions,
  RecordedRequest,
  RejectedRequest,
} from './types.js';

export const ROUTES = [
  ...repoRoutes,
  ...gitRefRoutes,
  ...gitObjectRoutes,
  ...contentsRoutes,
  ...issueRoutes,
  ...checkRoutes,
  ...actionsRoutes,
  ...pullRoutes,
  ...appRoutes,
];

let validator: OpenApiValidator | undefined;

export async function startGitHubEmulator(options: GitHubEmulatorOptions): Promise<GitHubEmulator> {
  const doc = await loadSpec();
  validator ??= new OpenApiValidator(doc);
  const routes = new RouteTable(doc, ROUTES);
  const defaultBranch = options.defaultBranch ?? 'main';
  const git = await BareRepo.open({
    dir: options.bareRepoDir,
    name: options.repo,
    defaultBranch,
    files: options.files ?? { 'README.md': `# ${options.repo}\n` },
  });
  const state: EmulatorState = {
    checkRuns: [],
    issueComments: [],
    reactions: [],
    dispatches: [],
    pulls: [],
    workflowRuns: [],
    jobs: [],
  };
  let lastId = 1000;
  const core: EmulatorCore = {
    owner: options.owner,
    repo: options.repo,
    defaultBranch,
    url: '',
    repoUrl: '',
    htmlUrl: `https://github.com/${options.owner}/${options.repo}`,
    git,
    state,
    users: { [options.owner]: { permission: 'admin' }, ...options.users },
    actor: options.actor ?? 'github-actions[bot]',
    nextId: () => (lastId += 1),
    now: nowIso,
    onDispatch: options.onDispatch,
    issuedTokens: new Map(),
    ...(options.app
      ? {
          app: {
            id: options.app.id,
            publicKeyPem: options.app.publicKeyPem,
            installationId: options.app.installationId ?? 1,
            slug: options.app.slug ?? 'quantumwala',
          },
        }
      : {}),
  };
  const requests: RecordedRequest[] = [];
  const violations: string[] = [];
  const rejected: RejectedRequest[] = [];
  const faults = new FaultQueue();
  const pipeline: Pipeline = {
    core,
    doc,
    routes,
    validator,
    faults,
    rate: new RateLimit(),
    token: options.token,
    requests,
    violations,
    rejected,
  };
  const server = http.createServer((req, res) => {
    handleRequest(pipeline, req, res).catch((error: unknown) => {
      violations.push(`${req.method ?? ''} ${req.url ?? ''}: ${describeError(error)}`);
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'application/json' });
      res.end('{"message":"Server Error"}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  core.url = `http://127.0.0.1:${port}`;
  core.repoUrl = `${core.url}/repos/${options.owner}/${options.repo}`;

  return {
    url: core.url,
    bareRepoDir: git.dir,
    owner: options.owner,
    repo: options.repo,
    defaultBranch,
    requests,
    callsByRoute() {
      const counts = new Map<string, number>();
      for (const r of requests) counts.set(r.route, (counts.get(r.route) ?? 0) + 1);
      return counts;
    },
    faults,
    violations,
    rejected,
    assertNoViolations() {
      if (violations.length > 0) {
        throw new Error(`GitHub emulator answered off-spec:\n${violations.join('\n')}`);
      }
    },
    assertNoRejections() {
      if (rejected.length > 0) {
        throw new Error(
          `requests GitHub would reject:\n${rejected.map((r) => `${r.route}: ${r.message}`).join('\n')}`,
        );
      }
    },
    checkRuns: state.checkRuns,
    issueComments: state.issueComments,
    reactions: state.reactions,
    dispatches: state.dispatches,
    pulls: state.pulls,
    workflowRuns: state.workflowRuns,
    jobs: state.jobs,
    addWorkflowRun(run) {
      const record = defaultRun(core, run);
      state.workflowRuns.push(record);
      return record;
    },
    addJob(runId, job) {
      const record = defaultJob(core, runId, job);
      state.jobs.push(record);
      return record;
    },
    setWorkflowHooks(hooks) {
      core.hooks = hooks;
    },
    issueToken() {
      return issueToken(core).token;
    },
    restJson: {
      workflowRun: (run) => runJson(core, run),
      job(job) {
        const run = state.workflowRuns.find((r) => r.id === job.run_id);
        if (!run) throw new Error(`job ${job.id}: no workflow run ${job.run_id}`);
        return jobJson(core, job, run);
      },
      repository: () => repositoryJson(core),
      user: (login) => simpleUser(core, login),
    },
    checkWebhook(event, payload) {
      const action =
        typeof payload === 'object' && payload !== null
          ? (payload as { action?: unknown }).action
          : undefined;
      const name = `webhook-${[event, ...(typeof action === 'string' ? [action] : [])].join('-').replace(/_/g, '-')}`;
      return validator?.checkComponent(name, payload);
    },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await git.dispose();
    },
  };
}
