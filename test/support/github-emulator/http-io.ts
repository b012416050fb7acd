/** Reading request bodies and writing JSON answers with GitHub's standard headers. */
import { randomBytes } from 'node:crypto';
import type http from 'node:http';

export function readBody(req: http.IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

/** The primary rate limit: 5000 an hour, counted down per request. */
export class RateLimit {
  private used = 0;
  private readonly reset = Math.floor(Date.now() / 1000) + 3600;

  headers(): Record<string, string> {
    this.used += 1;
    return {
      'x-ratelimit-limit': '5000',
      'x-ratelimit-remaining': String(Math.max(0, 5000 - this.used)),
      'x-ratelimit-reset': String(this.reset),
      'x-ratelimit-used': String(this.used),
      'x-ratelimit-resource': 'core',
    };
  }
}

export const requestId = (): string =>
  `${randomBytes(2).toString('hex').toUpperCase()}:${randomBytes(3).toString('hex').toUpperCase()}:${randomBytes(4).toString('hex').toUpperCase()}`;

export function send(
  res: http.ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string>,
): void {
  const text = body === undefined ? '' : JSON.stringify(body);
  res.writeHead(status, {
    ...headers,
    'x-github-api-version-selected': '2022-11-28',
    'x-github-media-type': 'github.v3; format=json',
    ...(body === undefined ? {} : { 'content-type': 'application/json; charset=utf-8' }),
    'content-length': String(Buffer.byteLength(text)),
  });
  res.end(text);
}

/**
 * A file's bytes as GitHub sends them for the contents API's raw media type
 * (`Accept: application/vnd.github.raw`, or the older `application/vnd.github.v3.raw`).
 */
export function sendRaw(
  res: http.ServerResponse,
  status: number,
  content: Buffer,
  headers: Record<string, string>,
): void {
  res.writeHead(status, {
    ...headers,
    'x-github-api-version-selected': '2022-11-28',
    'x-github-media-type': 'github.v3; param=raw',
    'content-type': 'application/vnd.github.raw; charset=utf-8',
    'content-length': String(content.length),
  });
  res.end(content);
}

/** Whether a request asks for the raw media type. */
export function wantsRaw(accept: string | undefined): boolean {
  return /application\/vnd\.github(\.v3)?\.raw\b/.test(accept ?? '');
}
