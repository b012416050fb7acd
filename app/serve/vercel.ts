import { createProbot } from 'probot';
import app from '../index.js';
import { nodeHandler } from './node-handler.js';
import { createWebhookHandler, probotFromEnv } from './webhook-handler.js';

/** Vercel (or any Node host taking a default `(req, res)` export): e.g. `api/github/webhooks.ts` re-exports this. */
export default nodeHandler(createWebhookHandler({ probot: probotFromEnv(app, () => createProbot()) }));
