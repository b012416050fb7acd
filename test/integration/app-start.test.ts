import { spawn } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { createServer } from 'node:net';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../support/shared-specs.js';
import { signWebhook } from '../support/workflow-runner.js';

const SECRET = 'start-secret';

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

const stops: (() => void)[] = [];
afterEach(() => {
  for (const stop of stops.splice(0)) stop();
});

describe('npm start: the app on a port (Probot server, built into lib/)', () => {
  it('listens where HOST and PORT say and verifies webhook signatures', async () => {
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const port = await freePort();
    const child = spawn(process.execPath, [path.join(PROJECT_ROOT, 'lib/app/serve/main.js')], {
      env: {
        PATH: process.env.PATH,
        APP_ID: '1',
        PRIVATE_KEY: privateKey.export({ type: 'pkcs1', format: 'pem' }).toString(),
        WEBHOOK_SECRET: SECRET,
        HOST: '127.0.0.1',
        PORT: String(port),
        LOG_FORMAT: 'json',
        NODE_ENV: 'production',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    stops.push(() => child.kill('SIGKILL'));
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    const deadline = Date.now() + 20_000;
    while (!/Listening on/i.test(output)) {
      if (Date.now() > deadline || child.exitCode !== null)
        throw new Error(`the app did not start:\n${output}`);
      await new Promise((r) => setTimeout(r, 100));
    }
    const url = `http://127.0.0.1:${port}/api/github/webhooks`;
    const body = JSON.stringify({ zen: 'Design for failure.', hook_id: 1 });
    const headers = {
      'content-type': 'application/json',
      'x-github-event': 'ping',
      'x-github-delivery': 'd-1',
    };
    const signed = await fetch(url, {
      method: 'POST',
      headers: { ...headers, 'x-hub-signature-256': signWebhook(SECRET, body) },
      body,
    });
    expect(signed.status).toBe(200);
    const forged = await fetch(url, {
      method: 'POST',
      headers: { ...headers, 'x-hub-signature-256': signWebhook('not-the-secret', body) },
      body,
    });
    expect(forged.status).toBeGreaterThanOrEqual(400);
    expect(output).not.toContain('PRIVATE KEY');
  });
});
