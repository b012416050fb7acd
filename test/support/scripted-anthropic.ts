/**
 * A scripted stand-in for Anthropic's Messages API, for running the real `claude` CLI in tests.
 *
 * It is a real node:http server on 127.0.0.1 that answers `POST /v1/messages` the way the real
 * API does (an SSE stream of message_start … message_stop, or a JSON message when `stream` is
 * not set), with Anthropic's error shapes and statuses. Each Messages request is decided by a
 * script: a function of the request that returns a {@link ScriptStep}. {@link taskScript} is the
 * ready-made script for the engine's tests: it writes the file a task prompt names and then says
 * the task is complete, with per-task fault injection.
 *
 * What the CLI (2.1.197) sends, observed: a `HEAD /` probe at startup, then
 * `POST /v1/messages?beta=true` with `stream: true`, header `x-claude-code-session-id: <uuid>`
 * (the same uuid as stream-json's session_id, also inside `metadata.user_id` as JSON), the user
 * prompt in the first user message, and `Primary working directory: <abs path>` in `system`.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { CLI_TEST_MAX_RETRIES } from './claude-cli.js';

// ---------------------------------------------------------------------------------------------
// Public types

/** The request as the script sees it. */
export interface ScriptRequest {
  body: MessagesRequestBody;
  headers: http.IncomingHttpHeaders;
  /** Which CLI session this belongs to (x-claude-code-session-id, else metadata, else Task ID). */
  sessionKey: string;
  /** 1 for a session's first model call, 2 after one assistant reply, …; retries keep the turn. */
  turn: number;
  /** The `Task ID: <id>` line of the prompt, if any. */
  taskId: string | undefined;
  /** The `Primary working directory: <abs path>` of the CLI's system prompt, if any. */
  workingDirectory: string | undefined;
  /** The last user message's tool_result blocks (empty on a first turn). */
  toolResults: ToolResultBlock[];
}

export type AnthropicErrorType =
  | 'invalid_request_error'
  | 'authentication_error'
  | 'permission_error'
  | 'not_found_error'
  | 'request_too_large'
  | 'rate_limit_error'
  | 'api_error'
  | 'overloaded_error';

/** What to answer one Messages request with. `delayMs` waits before answering. */
export type ScriptStep =
  | { kind: 'text'; text: string; delayMs?: number }
  | {
      kind: 'tool_use';
      name: string;
      input: Record<string, unknown>;
      /** Optional text block before the tool call. */
      text?: string;
      delayMs?: number;
    }
  | {
      kind: 'error';
      status: number;
      /** Defaults from the status: 401 authentication_error, 429 rate_limit_error, 529 overloaded_error, … */
      type?: AnthropicErrorType;
      message?: string;
      /** Seconds, sent as the retry-after header (429 gets 1 by default). */
      retryAfter?: number;
      delayMs?: number;
    }
  /** Never answer (until the client goes away or the server closes), or wait `ms` and then answer with `then`. */
  | { kind: 'hang'; ms?: number; then?: ScriptStep };

export type Script = (request: ScriptRequest) => ScriptStep;

export interface RecordedRequest {
  method: string;
  /** The path with its query, e.g. `/v1/messages?beta=true`. */
  url: string;
  headers: http.IncomingHttpHeaders;
  /** Parsed JSON when the body is JSON, the raw text otherwise ('' when empty). */
  body: unknown;
  /** Set for Messages requests. */
  sessionKey?: string;
  turn?: number;
  taskId?: string;
  /** Whether the last user message carried tool results (a turn after a tool call). */
  hasToolResult?: boolean;
  /** The step the script chose (Messages requests only). */
  step?: ScriptStep;
  /** The status answered (undefined while unanswered, e.g. hanging). */
  status?: number;
  receivedAt: number;
}

export interface ServerStats {
  /** The most sessions active at once (first request … end_turn or an error it won't retry). */
  maxConcurrentSessions: number;
  sessionsStarted: number;
  sessionsFinished: number;
  /** Messages requests received and not yet fully answered. */
  inFlight: number;
}

export type TaskFault =
  | 'hang'
  | { hangMs: number }
  | { status: number; type?: AnthropicErrorType; message?: string; retryAfter?: number };

export interface TaskScriptOptions {
  /** Faults by task ID, consumed in order, one per Messages request of that task. */
  faults?: Record<string, TaskFault | TaskFault[]>;
  /** Delay before every reply (lets tests observe concurrency). */
  delayMs?: number;
}

export interface ScriptedAnthropicOptions extends TaskScriptOptions {
  /** The script; defaults to `taskScript({ faults, delayMs })`. */
  script?: Script;
  /**
   * How many times the CLI retries a failed call: its CLAUDE_CODE_MAX_RETRIES, by default the one
   * `claudeEnv` sets (the CLI's own default is 10). Only used to tell when an error ends a session,
   * for the stats; a request after an error taken as final re-opens the session.
   */
  clientMaxRetries?: number;
  /** Print requests to routes the server does not know (to find out what a CLI calls). */
  logUnknownRoutes?: boolean;
}

export interface ScriptedAnthropic {
  /** e.g. `http://127.0.0.1:41234`, for ANTHROPIC_BASE_URL. */
  url: string;
  port: number;
  /** Every request received, in order (including probes and unknown routes). */
  requests: RecordedRequest[];
  /** Live counters (the same object is updated in place). */
  stats: ServerStats;
  setScript(script: Script): void;
  /** Stops the server, dropping open connections (and so every hanging request). */
  close(): Promise<void>;
}

// ---------------------------------------------------------------------------------------------
// Messages request parsing

interface TextBlock {
  type: 'text';
  text: string;
}
interface ToolResultBlock {
  type: 'tool_result';
  tool_use_id: string;
  content?: unknown;
  is_error?: boolean;
}
interface MessageParam {
  role: string;
  content: string | Array<{ type: string }>;
}
export interface MessagesRequestBody {
  model: string;
  messages: MessageParam[];
  system?: string | TextBlock[];
  stream?: boolean;
  metadata?: { user_id?: string };
  [key: string]: unknown;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isMessagesBody(value: unknown): value is MessagesRequestBody {
  return isRecord(value) && typeof value.model === 'string' && Array.isArray(value.messages);
}

function textOf(content: MessageParam['content'] | TextBlock[] | undefined): string {
  if (content === undefined) return '';
  if (typeof content === 'string') return content;
  const blocks: Array<{ type: string }> = content;
  return blocks
    .filter((block): block is TextBlock => block.type === 'text')
    .map((block) => block.text)
    .join('\n');
}

function firstUserText(body: MessagesRequestBody): string {
  return textOf(body.messages.find((m) => m.role === 'user')?.content);
}

function lastUserToolResults(body: MessagesRequestBody): ToolResultBlock[] {
  const last = body.messages.filter((m) => m.role === 'user' || m.role === 'assistant').at(-1);
  if (last?.role !== 'user' || typeof last.content === 'string') return [];
  return last.content.filter((block): block is ToolResultBlock => block.type === 'tool_result');
}

function lineValue(text: string, label: string): string | undefined {
  const match = new RegExp(`^[\\s*-]*${label}:[ \\t]*(.+?)\\s*$`, 'm').exec(text);
  return match?.[1];
}

function metadataSessionId(body: MessagesRequestBody): string | undefined {
  const userId = body.metadata?.user_id;
  if (userId === undefined) return undefined;
  try {
    const parsed: unknown = JSON.parse(userId);
    if (isRecord(parsed) && typeof parsed.session_id === 'string') return parsed.session_id;
  } catch {
    // older CLIs send a plain string: `user_<hash>_account__session_<uuid>`
  }
  return /session_([0-9a-f-]{36})/.exec(userId)?.[1];
}

function toScriptRequest(body: MessagesRequestBody, headers: http.IncomingHttpHeaders): ScriptRequest {
  const prompt = firstUserText(body);
  const taskId = lineValue(prompt, 'Task ID');
  const header = headers['x-claude-code-session-id'];
  const sessionKey =
    (typeof header === 'string' && header !== '' ? header : undefined) ??
    metadataSessionId(body) ??
    (taskId !== undefined ? `task:${taskId}` : 'anonymous');
  const systemText = typeof body.system === 'string' ? body.system : textOf(body.system);
  return {
    body,
    headers,
    sessionKey,
    turn: body.messages.filter((m) => m.role === 'assistant').length + 1,
    taskId,
    workingDirectory: lineValue(systemText, 'Primary working directory'),
    toolResults: lastUserToolResults(body),
  };
}

// ---------------------------------------------------------------------------------------------
// The default script

/**
 * The engine tests' script. The prompt holds `Task ID: <id>` and optionally
 * `Write file: <relative path>` (else the first backticked path in the `Task:` title line is used). First turn: a `Write` tool call for that path (resolved against
 * the CLI's primary working directory) with content `done by task <id>\n`; after the tool
 * result: "Task <id> complete." (or "Task <id> failed: …" when the tool result is an error).
 */
export function taskScript(options: TaskScriptOptions = {}): Script {
  const pending = new Map<string, TaskFault[]>();
  for (const [id, fault] of Object.entries(options.faults ?? {})) {
    pending.set(id, Array.isArray(fault) ? [...fault] : [fault]);
  }
  const delayMs = options.delayMs ?? 0;
  return (request) => {
    const normal = taskReply(request, delayMs);
    const fault = request.taskId === undefined ? undefined : pending.get(request.taskId)?.shift();
    if (fault === undefined) return normal;
    if (fault === 'hang') return { kind: 'hang' };
    if ('hangMs' in fault) return { kind: 'hang', ms: fault.hangMs, then: normal };
    return { kind: 'error', ...fault };
  };
}

function taskReply(request: ScriptRequest, delayMs: number): ScriptStep {
  const id = request.taskId;
  if (id === undefined) return { kind: 'text', text: 'OK.', delayMs };
  const [result] = request.toolResults;
  if (result !== undefined) {
    return result.is_error === true
      ? { kind: 'text', text: `Task ${id} failed: ${resultText(result)}`, delayMs }
      : { kind: 'text', text: `Task ${id} complete.`, delayMs };
  }
  const prompt = firstUserText(request.body);
  // `Write file: <path>` when the test says so, else the first backticked path of the task's title.
  const target = lineValue(prompt, 'Write file') ?? titlePath(lineValue(prompt, 'Task'));
  if (target === undefined) return { kind: 'text', text: `Task ${id} complete.`, delayMs };
  const filePath = path.resolve(request.workingDirectory ?? process.cwd(), target);
  return {
    kind: 'tool_use',
    name: 'Write',
    input: { file_path: filePath, content: `done by task ${id}\n` },
    text: `Writing ${target}.`,
    delayMs,
  };
}

function titlePath(title: string | undefined): string | undefined {
  const match = title === undefined ? null : /`([\w./-]+\.[\w]+)`/.exec(title);
  return match?.[1];
}

function resultText(result: ToolResultBlock): string {
  if (typeof result.content === 'string') return result.content;
  if (Array.isArray(result.content)) {
    return result.content
      .filter((b): b is TextBlock => isRecord(b) && b.type === 'text' && typeof b.text === 'string')
      .map((b) => b.text)
      .join('\n');
  }
  return 'tool error';
}

// ---------------------------------------------------------------------------------------------
// Session tracking (for stats.maxConcurrentSessions)

type SessionState = 'active' | 'finished';

class SessionTracker {
  private readonly states = new Map<string, SessionState>();
  private readonly failures = new Map<string, number>();

  constructor(
    private readonly stats: ServerStats,
    private readonly clientMaxRetries: number,
  ) {}

  /** A request arrived: the session is (again) active. */
  begin(key: string): void {
    const state = this.states.get(key);
    if (state === 'active') return;
    if (state === undefined) this.stats.sessionsStarted += 1;
    else this.stats.sessionsFinished -= 1; // a request after an error we took as final: not final
    this.states.set(key, 'active');
    const active = [...this.states.values()].filter((s) => s === 'active').length;
    this.stats.maxConcurrentSessions = Math.max(this.stats.maxConcurrentSessions, active);
  }

  /** A reply that needs no further call (end_turn). */
  succeeded(key: string): void {
    this.failures.delete(key);
    this.finish(key);
  }

  /** A reply that the CLI answers with another call (tool_use). */
  continued(key: string): void {
    this.failures.delete(key);
  }

  /** An error answer: final when the CLI won't retry it (by status, or retries used up). */
  failed(key: string, status: number): void {
    const count = (this.failures.get(key) ?? 0) + 1;
    this.failures.set(key, count);
    if (!isRetriedStatus(status) || count > this.clientMaxRetries) this.finish(key);
  }

  /** The client went away without an answer (e.g. a hang it gave up on). */
  abandoned(key: string): void {
    this.finish(key);
  }

  private finish(key: string): void {
    if (this.states.get(key) !== 'active') return;
    this.states.set(key, 'finished');
    this.stats.sessionsFinished += 1;
  }
}

function isRetriedStatus(status: number): boolean {
  return status === 401 || status === 408 || status === 409 || status === 429 || status >= 500;
}

// ---------------------------------------------------------------------------------------------
// Wire format

const ERROR_TYPE_BY_STATUS: Record<number, AnthropicErrorType> = {
  400: 'invalid_request_error',
  401: 'authentication_error',
  403: 'permission_error',
  404: 'not_found_error',
  413: 'request_too_large',
  429: 'rate_limit_error',
  500: 'api_error',
  529: 'overloaded_error',
};

const ERROR_MESSAGE_BY_TYPE: Record<AnthropicErrorType, string> = {
  invalid_request_error: 'Invalid request.',
  authentication_error: 'invalid x-api-key',
  permission_error: 'Your API key does not have permission to use the specified resource.',
  not_found_error: 'Not found.',
  request_too_large: 'Request exceeds the maximum allowed number of bytes.',
  rate_limit_error: 'Number of request tokens has exceeded your per-minute rate limit.',
  api_error: 'Internal server error',
  overloaded_error: 'Overloaded',
};

/** Rough token count: a token is about four characters. */
function tokens(text: string): number {
  return Math.max(1, Math.ceil(text.length / 4));
}

type ContentBlock =
  | { type: 'text'; text: string }
  | { type: 'tool_use'; id: string; name: string; input: Record<string, unknown> };

interface Reply {
  id: string;
  model: string;
  content: ContentBlock[];
  stopReason: 'end_turn' | 'tool_use';
  inputTokens: number;
  outputTokens: number;
}

function buildReply(
  step: ScriptStep & { kind: 'text' | 'tool_use' },
  body: MessagesRequestBody,
  rawSize: number,
  seq: number,
): Reply {
  const content: ContentBlock[] = [];
  if (step.kind === 'text') content.push({ type: 'text', text: step.text });
  else {
    if (step.text !== undefined) content.push({ type: 'text', text: step.text });
    content.push({ type: 'tool_use', id: `toolu_scripted_${seq}`, name: step.name, input: step.input });
  }
  return {
    id: `msg_scripted_${seq}`,
    model: body.model,
    content,
    stopReason: step.kind === 'tool_use' ? 'tool_use' : 'end_turn',
    inputTokens: Math.max(1, Math.round(rawSize / 4)),
    outputTokens: tokens(JSON.stringify(content)),
  };
}

function usage(reply: Reply, outputTokens: number): Record<string, unknown> {
  return {
    input_tokens: reply.inputTokens,
    cache_creation_input_tokens: 0,
    cache_read_input_tokens: 0,
    output_tokens: outputTokens,
    service_tier: 'standard',
  };
}

function sendJsonMessage(res: http.ServerResponse, reply: Reply): void {
  sendJson(res, 200, {
    id: reply.id,
    type: 'message',
    role: 'assistant',
    model: reply.model,
    content: reply.content,
    stop_reason: reply.stopReason,
    stop_sequence: null,
    usage: usage(reply, reply.outputTokens),
  });
}

/** Splits a string into `parts` roughly equal chunks (at least one). */
function chunks(text: string, parts: number): string[] {
  const size = Math.max(1, Math.ceil(text.length / parts));
  const out: string[] = [];
  for (let i = 0; i < text.length; i += size) out.push(text.slice(i, i + size));
  return out.length > 0 ? out : [''];
}

function sendEventStream(res: http.ServerResponse, reply: Reply): void {
  res.writeHead(200, {
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-cache',
    'request-id': `req_${reply.id}`,
  });
  const event = (type: string, data: Record<string, unknown>): void => {
    res.write(`event: ${type}\ndata: ${JSON.stringify({ type, ...data })}\n\n`);
  };
  event('message_start', {
    message: {
      id: reply.id,
      type: 'message',
      role: 'assistant',
      model: reply.model,
      content: [],
      stop_reason: null,
      stop_sequence: null,
      usage: usage(reply, 1),
    },
  });
  event('ping', {});
  reply.content.forEach((block, index) => {
    if (block.type === 'text') {
      event('content_block_start', { index, content_block: { type: 'text', text: '' } });
      for (const text of chunks(block.text, 3)) {
        event('content_block_delta', { index, delta: { type: 'text_delta', text } });
      }
    } else {
      event('content_block_start', {
        index,
        content_block: { type: 'tool_use', id: block.id, name: block.name, input: {} },
      });
      for (const partial of chunks(JSON.stringify(block.input), 3)) {
        event('content_block_delta', { index, delta: { type: 'input_json_delta', partial_json: partial } });
      }
    }
    event('content_block_stop', { index });
  });
  event('message_delta', {
    delta: { stop_reason: reply.stopReason, stop_sequence: null },
    usage: { output_tokens: reply.outputTokens },
  });
  event('message_stop', {});
  res.end();
}

function sendJson(
  res: http.ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify(body));
}

function sendError(res: http.ServerResponse, step: ScriptStep & { kind: 'error' }): void {
  const type =
    step.type ??
    ERROR_TYPE_BY_STATUS[step.status] ??
    (step.status >= 500 ? 'api_error' : 'invalid_request_error');
  const headers: Record<string, string> = { 'request-id': `req_scripted_error_${Date.now()}` };
  const retryAfter = step.retryAfter ?? (step.status === 429 ? 1 : undefined);
  if (retryAfter !== undefined) headers['retry-after'] = String(retryAfter);
  if (step.status === 529) headers['x-should-retry'] = 'true';
  sendJson(
    res,
    step.status,
    { type: 'error', error: { type, message: step.message ?? ERROR_MESSAGE_BY_TYPE[type] } },
    headers,
  );
}

// ---------------------------------------------------------------------------------------------
// The server

const MODELS = ['claude-opus-4-8', 'claude-sonnet-4-5', 'claude-haiku-4-5'];

export async function startScriptedAnthropic(
  options: ScriptedAnthropicOptions = {},
): Promise<ScriptedAnthropic> {
  let script: Script = options.script ?? taskScript({ faults: options.faults, delayMs: options.delayMs });
  const requests: RecordedRequest[] = [];
  const stats: ServerStats = {
    maxConcurrentSessions: 0,
    sessionsStarted: 0,
    sessionsFinished: 0,
    inFlight: 0,
  };
  const sessions = new SessionTracker(stats, options.clientMaxRetries ?? CLI_TEST_MAX_RETRIES);
  const timers = new Set<NodeJS.Timeout>();
  let seq = 0;
  let closed = false;

  const wait = (ms: number): Promise<void> =>
    new Promise((resolve) => {
      const timer = setTimeout(() => {
        timers.delete(timer);
        resolve();
      }, ms);
      timers.add(timer);
    });

  async function answerMessages(
    req: http.IncomingMessage,
    res: http.ServerResponse,
    body: MessagesRequestBody,
    rawSize: number,
    record: RecordedRequest,
  ): Promise<void> {
    const request = toScriptRequest(body, req.headers);
    Object.assign(record, {
      sessionKey: request.sessionKey,
      turn: request.turn,
      taskId: request.taskId,
      hasToolResult: request.toolResults.length > 0,
    });
    sessions.begin(request.sessionKey);
    stats.inFlight += 1;
    let answered = false;
    res.on('close', () => {
      stats.inFlight -= 1;
      if (!answered) sessions.abandoned(request.sessionKey);
    });
    let step = script(request);
    record.step = step;
    while (step.kind === 'hang') {
      if (step.ms === undefined) return; // until the client or the server gives up
      await wait(step.ms);
      step = step.then ?? { kind: 'text', text: 'OK.' };
    }
    if (step.delayMs !== undefined && step.delayMs > 0) await wait(step.delayMs);
    if (closed || res.destroyed) return;
    answered = true;
    if (step.kind === 'error') {
      record.status = step.status;
      sessions.failed(request.sessionKey, step.status);
      sendError(res, step);
      return;
    }
    seq += 1;
    const reply = buildReply(step, body, rawSize, seq);
    record.status = 200;
    if (reply.stopReason === 'end_turn') sessions.succeeded(request.sessionKey);
    else sessions.continued(request.sessionKey);
    if (body.stream === true) sendEventStream(res, reply);
    else sendJsonMessage(res, reply);
  }

  function answerOther(
    req: http.IncomingMessage,
    res: http.ServerResponse,
    body: unknown,
    record: RecordedRequest,
  ): void {
    const route = `${req.method ?? 'GET'} ${(req.url ?? '/').split('?')[0]}`;
    const reply = (status: number, json?: unknown): void => {
      record.status = status;
      if (json === undefined) {
        res.writeHead(status);
        res.end();
      } else sendJson(res, status, json);
    };
    if (route === 'HEAD /' || route === 'GET /') return reply(200, req.method === 'HEAD' ? undefined : {});
    if (route === 'POST /v1/messages/count_tokens') {
      return reply(200, { input_tokens: tokens(JSON.stringify(body)) });
    }
    if (route === 'GET /v1/models') {
      const data = MODELS.map((id) => ({
        type: 'model',
        id,
        display_name: id,
        created_at: '2025-01-01T00:00:00Z',
      }));
      return reply(200, { data, has_more: false, first_id: MODELS[0], last_id: MODELS.at(-1) });
    }
    if (options.logUnknownRoutes === true) console.log(`[scripted-anthropic] unknown route: ${route}`);
    if (req.method === 'HEAD') return reply(404);
    return reply(404, { type: 'error', error: { type: 'not_found_error', message: `Not found: ${route}` } });
  }

  const server = http.createServer((req, res) => {
    const parts: Buffer[] = [];
    req.on('data', (part: Buffer) => parts.push(part));
    req.on('end', () => {
      const raw = Buffer.concat(parts).toString('utf8');
      let body: unknown = raw;
      try {
        if (raw !== '') body = JSON.parse(raw);
      } catch {
        // not JSON: keep the text
      }
      const record: RecordedRequest = {
        method: req.method ?? 'GET',
        url: req.url ?? '/',
        headers: req.headers,
        body,
        receivedAt: Date.now(),
      };
      requests.push(record);
      const isMessages = req.method === 'POST' && (req.url ?? '').split('?')[0] === '/v1/messages';
      if (!isMessages) return answerOther(req, res, body, record);
      if (!isMessagesBody(body)) {
        record.status = 400;
        return sendJson(res, 400, {
          type: 'error',
          error: { type: 'invalid_request_error', message: 'model and messages are required' },
        });
      }
      answerMessages(req, res, body, raw.length, record).catch((error: unknown) => {
        if (!res.headersSent) sendError(res, { kind: 'error', status: 500, message: String(error) });
        else res.destroy();
      });
    });
  });
  // The CLI keeps its connection while tools run; don't drop it after the default 5 s.
  server.keepAliveTimeout = 120_000;

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    port,
    requests,
    stats,
    setScript(next) {
      script = next;
    },
    close() {
      closed = true;
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
      return new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}
