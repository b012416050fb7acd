import { createProbot } from 'probot';
import app from '../index.js';
import { createWebhookHandler, probotFromEnv } from './webhook-handler.js';

/** The parts of an API Gateway / Lambda function URL event the handler reads. */
export interface LambdaHttpEvent {
  headers?: Record<string, string | undefined>;
  body?: string | null;
  isBase64Encoded?: boolean;
}

const handle = createWebhookHandler({ probot: probotFromEnv(app, () => createProbot()) });

/** AWS Lambda (API Gateway or a function URL): `handler` in the function's settings. */
export async function handler(event: LambdaHttpEvent): Promise<{ statusCode: number; body: string }> {
  const raw = event.body ?? '';
  const body = event.isBase64Encoded ? Buffer.from(raw, 'base64').toString('utf8') : raw;
  return handle({ headers: event.headers ?? {}, body });
}
