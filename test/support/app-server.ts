import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Probot, ProbotOctokit } from 'probot';
import { createQuantumwalaApp, type QuantumwalaAppOptions } from '../../app/index.js';
import { nodeHandler } from '../../app/serve/node-handler.js';
import { createWebhookHandler } from '../../app/serve/webhook-handler.js';

export interface AppServer {
  /** Where webhooks go. */
  url: string;
  probot: Probot;
  /** API requests the app has sent (retries included). */
  apiCalls(): number;
  close(): Promise<void>;
}

/**
 * The app as it is served (the Node/Vercel handler on a real HTTP server on 127.0.0.1), talking to
 * `baseUrl` (the GitHub emulator) as an installed GitHub App: a JWT signed with `privateKey`, then
 * installation tokens. Throttling (GitHub's one second between writes) is off, as the emulator is
 * local; retries stay on.
 */
export async function startAppServer(options: {
  appId: number;
  privateKey: string;
  secret: string;
  baseUrl: string;
  app?: QuantumwalaAppOptions;
}): Promise<AppServer> {
  let calls = 0;
  const Counted = ProbotOctokit.plugin((octokit) => {
    octokit.hook.before('request', () => {
      calls += 1;
    });
    // A function: Probot passes its own throttle options, which an object default would not override.
  }).defaults((instance: ConstructorParameters<typeof ProbotOctokit>[0] = {}) => ({
    ...instance,
    // QUANTUMWALA_APP_THROTTLE=1 keeps it on, as in production (about a second per write).
    throttle: { ...instance.throttle, enabled: process.env.QUANTUMWALA_APP_THROTTLE === '1' },
  }));
  const probot = new Probot({
    appId: options.appId,
    privateKey: options.privateKey,
    secret: options.secret,
    baseUrl: options.baseUrl,
    Octokit: Counted,
    logLevel: process.env.QUANTUMWALA_APP_LOG === '1' ? 'debug' : 'warn',
  });
  await probot.load(createQuantumwalaApp(options.app));
  const server = http.createServer(
    nodeHandler(createWebhookHandler({ probot: () => Promise.resolve(probot) })),
  );
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/github/webhooks`,
    probot,
    apiCalls: () => calls,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
