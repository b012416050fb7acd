import { generateKeyPairSync } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Probot } from 'probot';
import { afterEach, describe, expect, it } from 'vitest';
import { handler as lambdaHandler } from '../../app/serve/lambda.js';
import { nodeHandler } from '../../app/serve/node-handler.js';
import { createWebhookHandler, type WebhookRequest } from '../../app/serve/webhook-handler.js';
import { signWebhook } from '../support/workflow-runner.js';

const SECRET = 'serve-secret';
const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const PEM = privateKey.export({ type: 'pkcs1', format: 'pem' }).toString();

/** A Probot whose only handler records the events it got and, for `slow`, takes `slowMs`. */
async function probotWith(slowMs = 0): Promise<{ probot: Probot; seen: string[] }> {
  const seen: string[] = [];
  const probot = new Probot({ appId: 1, privateKey: PEM, secret: SECRET, logLevel: 'fatal' });
  await probot.load((app) => {
    app.onAny(async (context) => {
      seen.push(context.name);
      if (context.name === 'check_run') await new Promise((r) => setTimeout(r, slowMs));
    });
  });
  return { probot, seen };
}

function delivery(event: string, payload: object, secret = SECRET): WebhookRequest {
  const body = JSON.stringify(payload);
  return {
    headers: {
      'X-GitHub-Delivery': 'd-1',
      'X-GitHub-Event': event,
      'X-Hub-Signature-256': signWebhook(secret, body),
      'content-type': 'application/json',
    },
    body,
  };
}

const ping = { zen: 'Keep it logically awesome.', hook_id: 1 };

describe('serving the app: the webhook handler behind every host', () => {
  it('runs the handlers for a correctly signed delivery (200)', async () => {
    const { probot, seen } = await probotWith();
    const handle = createWebhookHandler({ probot: () => Promise.resolve(probot) });
    expect(await handle(delivery('ping', ping))).toEqual({ statusCode: 200, body: 'ok' });
    expect(seen).toEqual(['ping']);
  });

  it('refuses a bad signature (401) and missing headers (400) without running anything', async () => {
    const { probot, seen } = await probotWith();
    const handle = createWebhookHandler({ probot: () => Promise.resolve(probot) });
    expect((await handle(delivery('ping', ping, 'wrong-secret'))).statusCode).toBe(401);
    const tampered = delivery('ping', ping);
    expect((await handle({ ...tampered, body: tampered.body.replace('awesome', 'evil') })).statusCode).toBe(
      401,
    );
    expect((await handle({ headers: {}, body: '{}' })).statusCode).toBe(400);
    expect(seen).toEqual([]);
  });

  it('answers 202 at its deadline and lets slow work finish', async () => {
    const { probot, seen } = await probotWith(600);
    const handle = createWebhookHandler({ probot: () => Promise.resolve(probot), deadlineMs: 100 });
    expect((await handle(delivery('check_run', { action: 'rerequested' }))).statusCode).toBe(202);
    await new Promise((r) => setTimeout(r, 800));
    expect(seen).toEqual(['check_run']);
  });

  it('the Node/Vercel handler reads the raw body and answers only POST', async () => {
    const { probot, seen } = await probotWith();
    const server = http.createServer(
      nodeHandler(createWebhookHandler({ probot: () => Promise.resolve(probot) })),
    );
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    cleanups.push(() => new Promise<void>((resolve) => server.close(() => resolve())));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/github/webhooks`;
    const d = delivery('ping', ping);
    const posted = await fetch(url, {
      method: 'POST',
      headers: d.headers as Record<string, string>,
      body: d.body,
    });
    expect([posted.status, await posted.text()]).toEqual([200, 'ok']);
    expect((await fetch(url)).status).toBe(405);
    expect(seen).toEqual(['ping']);
  });
});

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0)) await c();
});

describe('the AWS Lambda handler', () => {
  it('takes its settings from the environment, decodes a base64 body and verifies the signature', async () => {
    // lambda.ts builds its Probot from APP_ID, PRIVATE_KEY and WEBHOOK_SECRET on the first event.
    const set = { APP_ID: '1', PRIVATE_KEY: PEM, WEBHOOK_SECRET: SECRET, LOG_LEVEL: 'fatal' } as const;
    const before = Object.fromEntries(Object.keys(set).map((k) => [k, process.env[k]]));
    Object.assign(process.env, set);
    cleanups.push(async () => {
      for (const [k, v] of Object.entries(before)) {
        if (v === undefined) delete process.env[k];
        else process.env[k] = v;
      }
    });
    const d = delivery('ping', ping);
    const headers = Object.fromEntries(
      Object.entries(d.headers).map(([k, v]) => [k.toLowerCase(), String(v)]),
    );
    const ok = await lambdaHandler({
      headers,
      body: Buffer.from(d.body).toString('base64'),
      isBase64Encoded: true,
    });
    expect(ok.statusCode).toBe(200);
    const bad = await lambdaHandler({
      headers: { ...headers, 'x-hub-signature-256': 'sha256=00' },
      body: d.body,
    });
    expect(bad.statusCode).toBe(401);
  });
});
