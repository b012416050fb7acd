import type { ApplicationFunction, Probot } from 'probot';
import { errorMessage } from '../../src/errors.js';

/** A webhook request as a serverless platform hands it over: headers and the raw body. */
export interface WebhookRequest {
  headers: Readonly<Record<string, string | readonly string[] | undefined>>;
  body: string;
}

export interface WebhookResponse {
  statusCode: number;
  body: string;
}

export interface WebhookHandlerOptions {
  /** Resolves to a Probot with the app loaded (Probot 14 initialises asynchronously; it is made once). */
  probot: () => Promise<Probot>;
  /**
   * GitHub waits 10 s for an answer; after this long the handler answers 202 and lets the work go on
   * (default 8,000 ms). Whatever the work had decided is already on the state branch, and the next
   * event or `/quantumwala status` carries on from there if the platform stops it.
   */
  deadlineMs?: number;
}

function header(headers: WebhookRequest['headers'], name: string): string | undefined {
  const wanted = name.toLowerCase();
  for (const [key, value] of Object.entries(headers)) {
    if (key.toLowerCase() !== wanted || value === undefined) continue;
    return typeof value === 'string' ? value : value[0];
  }
  return undefined;
}

/**
 * One webhook delivery, for any host: checks the headers, verifies the signature against the raw
 * body (a bad one is 401 and nothing runs), runs the app's handlers, and answers before GitHub's
 * deadline.
 */
export function createWebhookHandler(
  options: WebhookHandlerOptions,
): (req: WebhookRequest) => Promise<WebhookResponse> {
  const deadlineMs = options.deadlineMs ?? 8000;
  return async (req) => {
    const id = header(req.headers, 'x-github-delivery');
    const name = header(req.headers, 'x-github-event');
    const signature = header(req.headers, 'x-hub-signature-256');
    if (!id || !name || !signature) {
      return {
        statusCode: 400,
        body: 'missing x-github-delivery, x-github-event or x-hub-signature-256 header',
      };
    }
    const probot = await options.probot();
    if (!(await probot.webhooks.verify(req.body, signature).catch(() => false))) {
      return { statusCode: 401, body: 'signature does not match' };
    }
    const work = probot.webhooks.receive({ id, name, payload: JSON.parse(req.body) } as Parameters<
      Probot['webhooks']['receive']
    >[0]);
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<'late'>((resolve) => {
      timer = setTimeout(() => resolve('late'), deadlineMs);
    });
    try {
      const outcome = await Promise.race([work.then(() => 'done' as const), late]);
      if (outcome === 'late') {
        work.catch((err: unknown) => probot.log.error(`delivery ${id} (${name}): ${errorMessage(err)}`));
        return { statusCode: 202, body: 'accepted; still working' };
      }
      return { statusCode: 200, body: 'ok' };
    } catch (err) {
      probot.log.error(`delivery ${id} (${name}): ${errorMessage(err)}`);
      return { statusCode: 500, body: 'the app failed on this event; see its log' };
    } finally {
      clearTimeout(timer);
    }
  };
}

/** A Probot built from the environment (APP_ID, PRIVATE_KEY, WEBHOOK_SECRET, GHE_HOST…) with the app loaded, once. */
export function probotFromEnv(appFn: ApplicationFunction, make: () => Probot): () => Promise<Probot> {
  let ready: Promise<Probot> | undefined;
  return () =>
    (ready ??= (async () => {
      const probot = make();
      await probot.load(appFn);
      return probot;
    })());
}
