/**
 * A small stateful GitHub behind nock for the app's component tests: one repository (git objects,
 * the contents API with its compare-and-swap, refs, trees and blobs), collaborator permissions,
 * issue comments and reactions, check runs, workflow dispatches that start workflow runs with one
 * job per task, run and job listings, pull requests, and installation tokens.
 *
 * Every request is checked against GitHub's OpenAPI description (an invalid one gets GitHub's 422
 * and is reported as a violation), every answer is completed from the description's schema and
 * checked too, and every request is recorded in order. Requests no route knows, requests without
 * the installation token, and requests nock could not match are violations: `problems()` lists
 * them, and the tests' teardown fails on any.
 */
import { createPublicKey, verify, type KeyObject } from 'node:crypto';
import nock from 'nock';
import { parseStateCommitMessage, serializeState } from '../../../src/state/state-commit-message.js';
import type { StateEvent } from '../../../src/state/events.js';
import { applyEvents } from '../../../src/state/reduce.js';
import { emptyState, parseState, type UnifiedState } from '../../../src/state/state-schema.js';
import { matchPath } from '../github-emulator/route-table.js';
import { OpenApiValidator } from '../github-emulator/openapi/openapi-validator.js';
import { fillFromSchema } from '../github-emulator/openapi/schema-filler.js';
import {
  getOperation,
  isJson,
  loadSpec,
  responseSchema,
  type SpecDocument,
} from '../github-emulator/openapi/spec-document.js';
import { GitModel } from './git-model.js';
import { fakeRoutes } from './fake-routes.js';
import type {
  ApiCall,
  FakeCheckRun,
  FakeComment,
  FakeDispatch,
  FakePull,
  FakeReaction,
  FakeWorkflowRun,
  Json,
  Reply,
  RouteDef,
  RouteRequest,
} from './types.js';

export const API = 'https://api.github.com';
export const DOCS = 'https://docs.github.com/rest';

export interface FakeGitHubOptions {
  owner: string;
  repo: string;
  defaultBranch: string;
  installationId: number;
  appId: number;
  /** The app's public key: the JWTs for installation tokens are verified with it. */
  publicKeyPem: string;
  now: () => Date;
  stateBranch?: string;
}

/** Picks requests: by route (`METHOD template`) and optionally by what they carry. */
export interface RequestMatcher {
  route: string;
  when?: (req: RouteRequest) => boolean;
}

interface CompiledRoute {
  def: RouteDef;
  regex: RegExp;
  names: string[];
}

interface Gate {
  matcher: RequestMatcher;
  count: number;
  waiting: (() => void)[];
}

/** A GitHub error answer (`basic-error`, or `validation-error` with `errors`). */
export function apiError(status: number, message: string, errors?: Json[]): Reply {
  return {
    status,
    body: { message, documentation_url: DOCS, status: String(status), ...(errors ? { errors } : {}) },
  };
}

/** Path templates → a regex; `{path}` and `{ref}` may span several segments. */
function compile(def: RouteDef): CompiledRoute {
  const names: string[] = [];
  const source = def.template.replace(/\{(\w+)\}/g, (_, name: string) => {
    names.push(name);
    return name === 'path' || name === 'ref' ? '(.+)' : '([^/]+)';
  });
  return { def, regex: new RegExp(`^${source}$`), names };
}

/**
 * Where GitHub's OpenAPI description is stricter than GitHub: `created` on the workflow runs
 * listing is documented as a date-time but takes the search syntax's ranges (`>=2025-03-01T10:00:00Z`),
 * as its description says.
 */
const SCHEMA_GAPS: { route: string; problem: RegExp }[] = [
  {
    route: 'GET /repos/{owner}/{repo}/actions/workflows/{workflow_id}/runs',
    problem: /^For 'params\/created', must match format "date-time"\.$/,
  },
];

let specDocument: Promise<SpecDocument> | undefined;
let sharedValidator: OpenApiValidator | undefined;

export class FakeGitHub {
  readonly owner: string;
  readonly repo: string;
  readonly fullName: string;
  readonly defaultBranch: string;
  readonly stateBranch: string;
  readonly installationId: number;
  readonly appId: number;
  readonly now: () => Date;
  readonly git = new GitModel();

  /** Every request, in arrival order. */
  readonly calls: ApiCall[] = [];
  readonly comments: FakeComment[] = [];
  readonly reactions: FakeReaction[] = [];
  readonly dispatches: FakeDispatch[] = [];
  readonly checkRuns = new Map<number, FakeCheckRun>();
  readonly workflowRuns: FakeWorkflowRun[] = [];
  readonly pulls = new Map<number, FakePull>();
  /** Login → role_name (admin, maintain, write, triage, read); others are not collaborators. */
  readonly roles = new Map<string, string>();
  readonly issuedTokens = new Set<string>();
  /** Files larger than this come without their content from the contents API (GitHub: 1 MB). */
  inlineLimit = 1024 * 1024;

  private readonly violations: string[] = [];
  private readonly routes: CompiledRoute[];
  private readonly gates: Gate[] = [];
  private readonly faults: { matcher: RequestMatcher; reply: Reply }[] = [];
  private readonly publicKey: KeyObject;
  private readonly onNoMatch = (req: { method?: string; path?: string; href?: string }) => {
    this.violations.push(
      `nock matched no interceptor for ${req.method ?? '?'} ${req.href ?? req.path ?? '?'}`,
    );
  };
  private seq = 0;
  private ids = 1000;

  constructor(options: FakeGitHubOptions) {
    this.owner = options.owner;
    this.repo = options.repo;
    this.fullName = `${options.owner}/${options.repo}`;
    this.defaultBranch = options.defaultBranch;
    this.stateBranch = options.stateBranch ?? 'quantumwala/state';
    this.installationId = options.installationId;
    this.appId = options.appId;
    this.now = options.now;
    this.publicKey = createPublicKey(options.publicKeyPem);
    this.routes = fakeRoutes(this).map(compile);
  }

  /** Intercepts api.github.com (every method, every path); any other host is refused. */
  install(): void {
    specDocument ??= loadSpec();
    nock.disableNetConnect();
    const scope = nock(API).persist();
    const handle = (method: string, uri: string, body: unknown, headers: Record<string, string>) =>
      this.handle(method, uri, body, headers);
    for (const method of ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'] as const) {
      // A function, not an arrow: nock passes the request (its headers) as `this`.
      scope.intercept(/.*/, method).reply(async function (uri, body) {
        const reply = await handle(method, uri, body, this.req.headers);
        const headers = reply.headers ?? {};
        if (reply.body === undefined) return [reply.status, '', headers];
        return [
          reply.status,
          typeof reply.body === 'string' ? reply.body : JSON.stringify(reply.body),
          {
            'content-type': 'application/json; charset=utf-8',
            ...headers,
          },
        ];
      });
    }
    nock.emitter.on('no match', this.onNoMatch);
  }

  uninstall(): void {
    nock.emitter.removeListener('no match', this.onNoMatch);
    nock.cleanAll();
    nock.enableNetConnect();
  }

  /** What went wrong that no test asked for: unknown routes, invalid requests or answers, bad auth. */
  problems(): string[] {
    const held = this.gates.map(
      (g) => `${g.matcher.route}: held ${g.waiting.length} of ${g.count} requests, never released`,
    );
    return [...this.violations, ...held];
  }

  nextId(): number {
    return ++this.ids;
  }

  // ---- setup -------------------------------------------------------------------------------

  /** A commit on the default branch (or `branch`) with these files; returns its sha. */
  commitFiles(
    files: Record<string, string | null>,
    message = 'Update files',
    branch = this.defaultBranch,
  ): string {
    return this.git.commit(branch, message, files);
  }

  /** A branch at the tip of `from` (a branch or commit). */
  createBranch(name: string, from = this.defaultBranch): string {
    const sha = this.git.resolve(from)?.sha;
    if (!sha) throw new Error(`no ${from} to branch from`);
    this.git.refs.set(name, sha);
    return sha;
  }

  setRole(login: string, role: string): void {
    this.roles.set(login, role);
  }

  /** state.json on the state branch with these events applied, committed as a writer outside the app would. */
  writeState(events: readonly StateEvent[], message = 'state: written by a test'): UnifiedState {
    const current = this.stateOrNull() ?? emptyState('session-test', this.now().toISOString());
    const next = applyEvents(current, events);
    this.git.commit(this.stateBranch, message, { 'state.json': serializeState(next) });
    return next;
  }

  stateOrNull(): UnifiedState | null {
    const text = this.git.fileAt(this.stateBranch, 'state.json');
    return text === undefined ? null : parseState(JSON.parse(text));
  }

  state(): UnifiedState {
    const state = this.stateOrNull();
    if (!state) throw new Error(`no state.json on ${this.stateBranch}`);
    return state;
  }

  /** An open pull request (a fork's when `headRepo` names another repository). */
  addPull(pull: Omit<FakePull, 'state' | 'draft' | 'title' | 'body'> & Partial<FakePull>): FakePull {
    const full: FakePull = { state: 'open', draft: false, title: `PR ${pull.number}`, body: null, ...pull };
    this.pulls.set(full.number, full);
    return full;
  }

  /** A workflow run the app did not dispatch (another run's, or anything else on the workflow). */
  addWorkflowRun(
    run: Omit<
      FakeWorkflowRun,
      'id' | 'jobs' | 'event' | 'headSha' | 'headBranch' | 'createdAt' | 'workflow'
    > &
      Partial<FakeWorkflowRun>,
  ): FakeWorkflowRun {
    const full: FakeWorkflowRun = {
      id: this.nextId(),
      workflow: 'quantumwala.yml',
      event: 'workflow_dispatch',
      headBranch: this.defaultBranch,
      headSha: this.git.refs.get(this.defaultBranch) ?? '',
      createdAt: this.now()
        .toISOString()
        .replace(/\.\d{3}Z$/, 'Z'),
      jobs: [],
      ...run,
    };
    this.workflowRuns.push(full);
    return full;
  }

  /** A check run that exists already (made before the test), as its POST body would have made it. */
  addCheckRun(created: Json): number {
    const id = this.nextId();
    this.checkRuns.set(id, { id, created, updates: [] });
    return id;
  }

  // ---- faults ------------------------------------------------------------------------------

  /** Holds matching requests until `count` of them are waiting, then lets them all through at once. */
  hold(matcher: RequestMatcher, count: number): void {
    this.gates.push({ matcher, count, waiting: [] });
  }

  /** The next matching request gets this answer instead of the real one. */
  failNext(matcher: RequestMatcher, reply: Reply): void {
    this.faults.push({ matcher, reply });
  }

  // ---- queries -----------------------------------------------------------------------------

  /** A position in the call log: `callsSince(mark)` gives what came after. */
  mark(): number {
    return this.seq;
  }

  callsSince(mark: number): ApiCall[] {
    return this.calls.filter((c) => c.seq > mark);
  }

  /** The routes of the calls since `mark`, without the installation token requests. */
  routesSince(mark: number): string[] {
    return this.callsSince(mark)
      .filter((c) => !c.route.startsWith('POST /app/'))
      .map((c) => c.route);
  }

  /** Calls that moved the state branch (state writes), since `mark`. */
  stateWritesSince(mark = 0): ApiCall[] {
    return this.callsSince(mark).filter((c) => c.stateEvents.length > 0);
  }

  dispatchedTasks(since = 0): string[] {
    return this.dispatches
      .filter((d) => d.seq > since)
      .flatMap((d) => JSON.parse(d.inputs.tasks ?? '[]') as string[]);
  }

  runOf(dispatch: FakeDispatch): FakeWorkflowRun {
    const run = this.workflowRuns.find((r) => r.id === dispatch.runId);
    if (!run) throw new Error(`no workflow run for dispatch ${dispatch.seq}`);
    return run;
  }

  /** The job that runs `taskId` in the workflow run of the dispatch `n` of app run `runId`. */
  jobFor(
    runId: string,
    n: number,
    taskId: string,
  ): { run: FakeWorkflowRun; job: FakeWorkflowRun['jobs'][number] } {
    for (const run of this.workflowRuns) {
      if (run.inputs['run-id'] !== runId || run.inputs.dispatch !== String(n)) continue;
      const job = run.jobs.find((j) => j.name.split(' ')[1] === taskId);
      if (job) return { run, job };
    }
    throw new Error(`no job for task ${taskId} of ${runId}#${n}`);
  }

  /** Ends a job (and its workflow run once every job ended), as the runner would. */
  completeJob(
    runId: string,
    n: number,
    taskId: string,
    conclusion: string,
  ): { run: FakeWorkflowRun; job: FakeWorkflowRun['jobs'][number] } {
    const found = this.jobFor(runId, n, taskId);
    Object.assign(found.job, { status: 'completed', conclusion });
    if (found.run.jobs.every((j) => j.status === 'completed')) {
      found.run.status = 'completed';
      found.run.conclusion = found.run.jobs.every((j) => j.conclusion === 'success') ? 'success' : 'failure';
    } else found.run.status = 'in_progress';
    return found;
  }

  // ---- request handling --------------------------------------------------------------------

  private matches(matcher: RequestMatcher, route: string, req: RouteRequest): boolean {
    return matcher.route === route && (matcher.when ? matcher.when(req) : true);
  }

  private async handle(
    method: string,
    uri: string,
    rawBody: unknown,
    headers: Record<string, string>,
  ): Promise<Reply> {
    const seq = ++this.seq;
    const url = new URL(uri, API);
    const path = url.pathname;
    let body: unknown = rawBody;
    if (typeof rawBody === 'string') body = rawBody === '' ? undefined : (JSON.parse(rawBody) as unknown);
    const call: ApiCall = {
      seq,
      method,
      route: `${method} ${path}`,
      path: decodeURIComponent(path),
      params: {},
      query: Object.fromEntries(url.searchParams),
      body,
      status: 0,
      stateEvents: [],
    };
    this.calls.push(call);

    const found = this.route(method, path);
    if (!found) {
      this.violations.push(`no route for ${method} ${path}`);
      call.status = 404;
      return apiError(404, 'Not Found');
    }
    const { compiled, params } = found;
    const template = compiled.def.template;
    call.route = `${method} ${template}`;
    call.params = params;
    const req: RouteRequest = {
      seq,
      params,
      query: url.searchParams,
      body: isJson(body) ? body : {},
      headers,
    };

    const authProblem = this.checkAuth(template, headers.authorization);
    if (authProblem) {
      this.violations.push(`${call.route}: ${authProblem}`);
      call.status = 401;
      return apiError(401, authProblem);
    }

    const doc = await (specDocument ??= loadSpec());
    sharedValidator ??= new OpenApiValidator(doc);
    const op = getOperation(doc, method, template);
    const invalid = sharedValidator
      .checkRequest(op, { pathParams: params, query: url.searchParams, body })
      .filter((problem) => !SCHEMA_GAPS.some((gap) => gap.route === call.route && gap.problem.test(problem)));
    if (invalid.length > 0) {
      const message = `Invalid request.\n\n${invalid.join('\n')}`;
      this.violations.push(`${call.route}: ${message}`);
      call.status = 422;
      return apiError(422, message);
    }

    for (const gate of this.gates) {
      if (gate.waiting.length >= gate.count || !this.matches(gate.matcher, call.route, req)) continue;
      await new Promise<void>((resolve) => {
        gate.waiting.push(resolve);
        if (gate.waiting.length < gate.count) return;
        this.gates.splice(this.gates.indexOf(gate), 1);
        for (const release of gate.waiting) release();
      });
      break;
    }

    const stateBefore = this.git.refs.get(this.stateBranch);
    const fault = this.faults.findIndex((f) => this.matches(f.matcher, call.route, req));
    let reply: Reply;
    if (fault >= 0) reply = this.faults.splice(fault, 1)[0]?.reply ?? apiError(500, 'Server Error');
    else {
      try {
        reply = compiled.def.handler(req);
      } catch (error) {
        this.violations.push(`${call.route}: the fake failed: ${String(error)}`);
        reply = apiError(500, 'Server Error');
      }
    }
    call.status = reply.status;

    const stateAfter = this.git.refs.get(this.stateBranch);
    if (stateAfter !== undefined && stateAfter !== stateBefore) {
      const message = this.git.commits.get(stateAfter)?.message ?? '';
      const events = parseStateCommitMessage(message)?.events ?? [];
      call.stateEvents = events.length > 0 ? events.map((e) => e.type) : ['(state written)'];
    }

    const isText =
      reply.headers?.['content-type'] !== undefined && !reply.headers['content-type'].includes('json');
    if (isText || (reply.body === undefined && reply.status === 204)) return reply;
    const schema = responseSchema(doc, op, reply.status);
    const filled =
      reply.body === undefined || !schema
        ? reply.body
        : fillFromSchema(schema, reply.body, { doc, baseUrl: API, now: this.now().toISOString() });
    const wrong = sharedValidator.checkResponse(op, reply.status, filled);
    if (wrong) this.violations.push(`the fake's answer is not GitHub's: ${wrong}`);
    return { ...reply, body: filled };
  }

  private route(
    method: string,
    path: string,
  ): { compiled: CompiledRoute; params: Record<string, string> } | undefined {
    return matchPath(this.routes, method, path);
  }

  /** `/app` routes take the app's JWT (RS256, signed by its key); the others an issued installation token. */
  private checkAuth(template: string, header: string | undefined): string | undefined {
    if (header === undefined) return 'Requires authentication';
    if (template.startsWith('/app/')) {
      const jwt = /^bearer (\S+)$/i.exec(header)?.[1];
      const [head, payload, signature] = jwt?.split('.') ?? [];
      if (!head || !payload || !signature) return 'A JSON web token could not be decoded';
      const ok = verify(
        'RSA-SHA256',
        Buffer.from(`${head}.${payload}`),
        this.publicKey,
        Buffer.from(signature, 'base64url'),
      );
      if (!ok) return "'Issuer' claim ('iss') must be an Integer";
      const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as { iss?: unknown };
      if (String(claims.iss) !== String(this.appId))
        return `JWT issuer ${String(claims.iss)} is not app ${this.appId}`;
      return undefined;
    }
    const token = /^token (\S+)$/i.exec(header)?.[1];
    return token !== undefined && this.issuedTokens.has(token) ? undefined : 'Bad credentials';
  }
}
