import { randomUUID } from 'node:crypto';
import type { ApplicationFunction, Probot } from 'probot';
import type { AppDeps } from './handlers/app-deps.js';
import { onCheckRun } from './handlers/on-check-run.js';
import { onIssueComment } from './handlers/on-issue-comment.js';
import { onPush } from './handlers/on-push.js';
import { onWorkflowJob, onWorkflowRun } from './handlers/on-workflow-job.js';

/** The webhook events the app subscribes to; app.yml lists exactly these. */
export const APP_EVENTS = ['issue_comment', 'push', 'workflow_job', 'workflow_run', 'check_run'] as const;

export interface QuantumwalaAppOptions {
  now?: () => Date;
  newId?: () => string;
  /** How long a repository's config is reused between webhooks (default 60 s). */
  configTtlMs?: number;
}

/**
 * The Quantumwala GitHub App: commands in comments, the push trigger, job and workflow-run events
 * that advance runs, and the check run's buttons. Stateless: everything a webhook needs is on the
 * repository's state branch, so any instance (or a fresh serverless one) can answer any webhook.
 */
export function createQuantumwalaApp(options: QuantumwalaAppOptions = {}): ApplicationFunction {
  return (app: Probot) => {
    const deps: AppDeps = {
      now: options.now ?? (() => new Date()),
      newId: options.newId ?? randomUUID,
      configTtlMs: options.configTtlMs ?? 60_000,
      configCache: new Map(),
    };
    app.on('issue_comment.created', (context) => onIssueComment(context, deps));
    app.on('push', (context) => onPush(context, deps));
    app.on('workflow_job.completed', (context) => onWorkflowJob(context, deps));
    app.on('workflow_run.completed', (context) => onWorkflowRun(context, deps));
    app.on(['check_run.requested_action', 'check_run.rerequested'], (context) => onCheckRun(context, deps));
  };
}

export default createQuantumwalaApp();
