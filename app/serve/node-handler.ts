import type { IncomingMessage, ServerResponse } from 'node:http';
import type { WebhookRequest, WebhookResponse } from './webhook-handler.js';

/** At most this much body is read (GitHub caps payloads at 25 MB). */
const MAX_BODY_BYTES = 25 * 1024 * 1024;

async function readBody(req: IncomingMessage): Promise<string | null> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buf = Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk));
    size += buf.length;
    if (size > MAX_BODY_BYTES) return null;
    chunks.push(buf);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/**
 * A Node `(req, res)` handler around a webhook handler: for Vercel functions and any Node HTTP server.
 * Only POST is answered; the raw body is read for the signature check.
 */
export function nodeHandler(
  handle: (req: WebhookRequest) => Promise<WebhookResponse>,
): (req: IncomingMessage, res: ServerResponse) => Promise<void> {
  return async (req, res) => {
    let answer: WebhookResponse;
    if (req.method !== 'POST') answer = { statusCode: 405, body: 'POST webhooks here' };
    else {
      const body = await readBody(req);
      answer =
        body === null
          ? { statusCode: 413, body: 'payload too large' }
          : await handle({ headers: req.headers, body });
    }
    res.writeHead(answer.statusCode, { 'content-type': 'text/plain; charset=utf-8' });
    res.end(answer.body);
  };
}
