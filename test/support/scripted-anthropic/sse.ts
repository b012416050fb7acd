/** Streaming a reply as Server-Sent Events: message_start, content block deltas, message_stop. */
import type http from 'node:http';
import { usage, type Reply } from './reply.js';

/** Splits a string into `parts` roughly equal chunks (at least one). */
function chunks(text: string, parts: number): string[] {
  const size = Math.max(1, Math.ceil(text.length / parts));
  const out: string[] = [];
  for (let i = 0; i < text.length; i += size) out.push(text.slice(i, i + size));
  return out.length > 0 ? out : [''];
}

export function sendEventStream(res: http.ServerResponse, reply: Reply): void {
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
