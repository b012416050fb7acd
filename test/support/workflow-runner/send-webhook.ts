/** Webhook deliveries as GitHub sends them: JSON POSTs signed with the webhook secret (HMAC-SHA256). */
import { createHmac, randomUUID, timingSafeEqual } from 'node:crypto';

export interface WebhookDelivery {
  id: string;
  event: string;
  action: string | undefined;
  /** The HTTP status answered; 0 when the request failed (see `error`). */
  status: number;
  error?: string;
  ms: number;
  payload: Record<string, unknown>;
}

/** `sha256=<hex HMAC-SHA256 of the raw body>`: GitHub's X-Hub-Signature-256. */
export function signWebhook(secret: string, body: string | Buffer): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
}

/** Whether `signature` is the X-Hub-Signature-256 of `body` (constant-time compare). */
export function verifyWebhookSignature(
  secret: string,
  body: string | Buffer,
  signature: string | undefined,
): boolean {
  if (signature === undefined) return false;
  const expected = Buffer.from(signWebhook(secret, body));
  const given = Buffer.from(signature);
  return expected.length === given.length && timingSafeEqual(expected, given);
}

export interface SendWebhookOptions {
  url: string;
  secret: string;
  event: string;
  payload: Record<string, unknown>;
  /** X-GitHub-Delivery; a fresh uuid by default (a redelivery repeats the original's). */
  deliveryId?: string;
  /** The app's id (X-GitHub-Hook-Installation-Target-ID). */
  appId?: number;
  /** GitHub gives up after 10 s. */
  timeoutMs?: number;
}

/** POSTs one signed delivery with GitHub's headers; never throws (a failure has status 0). */
export async function sendWebhook(options: SendWebhookOptions): Promise<WebhookDelivery> {
  const id = options.deliveryId ?? randomUUID();
  const body = JSON.stringify(options.payload);
  const started = performance.now();
  const action = typeof options.payload.action === 'string' ? options.payload.action : undefined;
  const delivery: WebhookDelivery = {
    id,
    event: options.event,
    action,
    status: 0,
    ms: 0,
    payload: options.payload,
  };
  try {
    const res = await fetch(options.url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'user-agent': 'GitHub-Hookshot/quantumwala-emulator',
        'x-github-event': options.event,
        'x-github-delivery': id,
        'x-github-hook-id': '424242',
        'x-github-hook-installation-target-type': 'integration',
        'x-github-hook-installation-target-id': String(options.appId ?? 1),
        'x-hub-signature': `sha1=${createHmac('sha1', options.secret).update(body).digest('hex')}`,
        'x-hub-signature-256': signWebhook(options.secret, body),
      },
      body,
      signal: AbortSignal.timeout(options.timeoutMs ?? 10_000),
    });
    await res.arrayBuffer();
    delivery.status = res.status;
  } catch (error) {
    delivery.error = error instanceof Error ? error.message : String(error);
  }
  delivery.ms = Math.round(performance.now() - started);
  return delivery;
}
