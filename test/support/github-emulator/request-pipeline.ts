/**
 * One request through the emulator: route, authenticate, inject faults, validate against the
 * OpenAPI description, run the handler, complete and check the answer, record it.
 */
import type http from 'node:http';
import { ApiError, DOCS } from './api-error.js';
import { appJwtError, isIssuedToken } from './app-routes.js';
import { ZERO_SHA } from './bare-repo.js';
import type { EmulatorCore, Reply } from './emulator-core.js';
import type { FaultQueue, FaultSpec } from './fault-queue.js';
import { moveRef } from './git-ref-routes.js';
import { readBody, requestId, send, sendRaw, wantsRaw, type RateLimit } from './http-io.js';
import type { OpenApiValidator } from './openapi/openapi-validator.js';
import { fillFromSchema } from './openapi/schema-filler.js';
import {
  isJson,
  responseSchema,
  type Json,
  type SpecDocument,
  type SpecOperation,
} from './openapi/spec-document.js';
import type { RouteTable } from './route-table.js';
import type { RecordedRequest, RejectedRequest } from './types.js';

export interface Pipeline {
  core: EmulatorCore;
  doc: SpecDocument;
  routes: RouteTable;
  validator: OpenApiValidator;
  faults: FaultQueue;
  rate: RateLimit;
  token: string | undefined;
  requests: RecordedRequest[];
  violations: string[];
  rejected: RejectedRequest[];
}

const SECONDARY =
  'You have exceeded a secondary rate limit. Please wait a few minutes before you try again. ' +
  'If you reach out to GitHub Support for help, please include the request ID ';
const SECONDARY_DOCS =
  'https://docs.github.com/free-pro-team@latest/rest/overview/rate-limits-for-the-rest-api#about-secondary-rate-limits';

/**
 * Endpoints under `/app` take the app's JWT. The others need a credential when the `token` or
 * `app` option is set: that token, or an installation token the emulator issued.
 */
function authError(p: Pipeline, header: string | undefined, template: string): ApiError | undefined {
  if (template === '/app' || template.startsWith('/app/')) return appJwtError(p.core, header);
  if (p.token === undefined && p.core.app === undefined) return undefined;
  if (header === undefined) return new ApiError(401, 'Requires authentication');
  const given = /^(?:token|bearer)\s+(\S+)$/i.exec(header.trim())?.[1];
  if (given !== undefined && (given === p.token || isIssuedToken(p.core, given))) return undefined;
  return new ApiError(401, 'Bad credentials');
}

async function applyMoveRef(core: EmulatorCore, fault: { ref: string; toSha?: string }): Promise<void> {
  const fullRef = fault.ref.startsWith('refs/') ? fault.ref : `refs/${fault.ref}`;
  const current = await core.git.readRef(fullRef);
  let target = fault.toSha;
  if (target === undefined) {
    const head = current ? await core.git.readCommit(current.sha) : null;
    if (!head) throw new Error(`move-ref fault: ${fullRef} does not exist`);
    const who = { name: 'Concurrent Writer', email: 'writer@example.com', date: core.now() };
    target = await core.git.writeCommit({
      tree: head.tree,
      parents: [head.sha],
      message: 'Concurrent writer\n',
      author: who,
      committer: who,
    });
  }
  if (current) await moveRef(core, fullRef, target, true);
  else await core.git.updateRef(fullRef, target, ZERO_SHA);
}

/** Applies faults; returns an injected answer when one replaces the real one. */
async function injectFaults(p: Pipeline, faults: FaultSpec[], id: string): Promise<ApiError | undefined> {
  for (const fault of faults) {
    if (fault.kind === 'latency') await new Promise((r) => setTimeout(r, fault.latencyMs));
    else if (fault.kind === 'move-ref') {
      // A concurrent writer that loses its own race just doesn't move the ref: never a 500.
      await applyMoveRef(p.core, fault).catch((error: unknown) => {
        if (!(error instanceof ApiError)) throw error;
      });
    } else if (fault.kind === '5xx') return new ApiError(fault.status ?? 502, 'Server Error');
    else {
      const e = new ApiError(403, `${SECONDARY}${id}.`, undefined, SECONDARY_DOCS);
      Object.assign(e, { retryAfter: fault.retryAfter ?? 1 });
      return e;
    }
  }
  return undefined;
}

/** An error's stack (which starts with its message), for the violations list. */
export function describeError(error: unknown): string {
  return error instanceof Error ? (error.stack ?? `${error.name}: ${error.message}`) : String(error);
}

function parseJson(raw: Buffer): { ok: true; value: unknown } | { ok: false } {
  if (raw.length === 0) return { ok: true, value: undefined };
  try {
    return { ok: true, value: JSON.parse(raw.toString('utf8')) as unknown };
  } catch {
    return { ok: false };
  }
}

export async function handleRequest(
  p: Pipeline,
  req: http.IncomingMessage,
  res: http.ServerResponse,
): Promise<void> {
  const started = performance.now();
  const method = (req.method ?? 'GET').toUpperCase();
  const url = new URL(req.url ?? '/', p.core.url);
  const id = requestId();
  const headers: Record<string, string> = { ...p.rate.headers(), 'x-github-request-id': id };
  const record: RecordedRequest = {
    method,
    path: `${url.pathname}${url.search}`,
    route: `${method} <unknown>`,
    status: 0,
    ms: 0,
  };
  p.requests.push(record);
  const routed: { op?: SpecOperation } = {};
  const finish = (status: number, body: unknown, extra: Record<string, string> = {}): void => {
    const violation = p.validator.checkResponse(routed.op, status, body);
    if (violation) p.violations.push(violation);
    record.status = status;
    record.ms = Math.round(performance.now() - started);
    send(res, status, body, { ...headers, ...extra });
  };
  const raw = await readBody(req);
  const match = p.routes.match(method, url.pathname);
  if (!match) return finish(404, { message: 'Not Found', documentation_url: DOCS, status: '404' });
  const { compiled, params } = match;
  record.route = compiled.route;
  routed.op = compiled.op;
  const early =
    authError(p, req.headers.authorization, compiled.def.template) ??
    (await injectFaults(p, p.faults.take(method, url.pathname, record.route), id));
  if (early) {
    const retry = (early as ApiError & { retryAfter?: number }).retryAfter;
    return finish(early.status, early.body, retry === undefined ? {} : { 'retry-after': String(retry) });
  }
  if (
    compiled.def.template.startsWith('/repos/{owner}/{repo}') &&
    (params.owner?.toLowerCase() !== p.core.owner.toLowerCase() ||
      params.repo?.toLowerCase() !== p.core.repo.toLowerCase())
  ) {
    return finish(404, { message: 'Not Found', documentation_url: DOCS, status: '404' });
  }
  const parsed = parseJson(raw);
  if (!parsed.ok)
    return finish(400, { message: 'Problems parsing JSON', documentation_url: DOCS, status: '400' });
  const problems = p.validator.checkRequest(compiled.op, {
    pathParams: params,
    query: url.searchParams,
    body: parsed.value,
  });
  if (problems.length > 0) {
    const message = `Invalid request.\n\n${problems.join('\n')}`;
    p.rejected.push({ route: record.route, path: record.path, message, body: parsed.value });
    return finish(422, { message, documentation_url: DOCS, status: '422' });
  }
  let reply: Reply;
  try {
    const body: Json = isJson(parsed.value) ? parsed.value : {};
    reply = await compiled.def.handler({ core: p.core, params, query: url.searchParams, body });
  } catch (error) {
    if (!(error instanceof ApiError)) {
      p.violations.push(`${record.route}: handler failed: ${describeError(error)}`);
      return finish(500, { message: 'Server Error', documentation_url: DOCS, status: '500' });
    }
    if (error.status >= 500) p.violations.push(`${record.route}: handler answered ${describeError(error)}`);
    reply = { status: error.status, body: error.body };
  }
  // The contents API's raw media type: the file's bytes instead of the JSON description.
  if (
    compiled.def.template === '/repos/{owner}/{repo}/contents/{path}' &&
    method === 'GET' &&
    reply.status === 200 &&
    wantsRaw(req.headers.accept) &&
    isJson(reply.body) &&
    !Array.isArray(reply.body) &&
    typeof reply.body.content === 'string'
  ) {
    record.status = 200;
    record.ms = Math.round(performance.now() - started);
    return sendRaw(res, 200, Buffer.from(reply.body.content, 'base64'), headers);
  }
  const schema = responseSchema(p.doc, compiled.op, reply.status);
  const filler = { doc: p.doc, baseUrl: p.core.url, now: p.core.now() };
  const body = reply.body === undefined || !schema ? reply.body : fillFromSchema(schema, reply.body, filler);
  finish(reply.status, body, reply.headers);
}
