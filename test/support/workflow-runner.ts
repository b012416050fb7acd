/**
 * The test harness that plays GitHub Actions for end-to-end tests: every workflow_dispatch the
 * GitHub emulator accepts becomes a workflow run whose matrix jobs run the real action, with the
 * signed webhooks GitHub would send. See workflow-runner/start-workflow-runner.ts.
 */
export { startWorkflowRunner } from './workflow-runner/start-workflow-runner.js';
export { sendWebhook, signWebhook, verifyWebhookSignature } from './workflow-runner/send-webhook.js';
export type { SendWebhookOptions, WebhookDelivery } from './workflow-runner/send-webhook.js';
export { webhookExample } from './workflow-runner/webhook-payloads.js';
export { killProcessTree } from './workflow-runner/process-tree.js';
export type {
  JobEnvContext,
  JobOutcome,
  RunnerFaults,
  RunnerStats,
  WorkflowRunner,
  WorkflowRunnerOptions,
} from './workflow-runner/types.js';
