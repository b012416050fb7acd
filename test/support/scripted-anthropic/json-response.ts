/** Non-streamed answers: JSON bodies, a whole message, and Anthropic's error shapes and headers. */
import type http from 'node:http';
import { usage, type Reply } from './reply.js';
import type { AnthropicErrorType, ScriptStep } from './types.js';

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

export function sendJson(
  res: http.ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify(body));
}

export function sendJsonMessage(res: http.ServerResponse, reply: Reply): void {
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

export function sendError(res: http.ServerResponse, step: ScriptStep & { kind: 'error' }): void {
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
