/** The loopback HTTP server: routes, request recording, scripted answers, stats. */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { CLI_TEST_MAX_RETRIES } from '../claude-cli.js';
import { sendError, sendJson, sendJsonMessage } from './json-response.js';
import { isMessagesBody, toScriptRequest } from './messages-request.js';
import { buildReply, tokens } from './reply.js';
import { SessionTracker } from './session-tracker.js';
import { sendEventStream } from './sse.js';
import { taskScript } from './task-script.js';
import type {
  MessagesRequestBody,
  RecordedRequest,
  Script,
  ScriptedAnthropic,
  ScriptedAnthropicOptions,
  ServerStats,
} from './types.js';

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
