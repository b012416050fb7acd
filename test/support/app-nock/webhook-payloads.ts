/**
 * Webhook payloads for the app: GitHub's own examples (@octokit/webhooks-examples) moved to the
 * fake repository (its name, owner, URLs and default branch, the installation), with the fields the
 * app reads set for each test.
 */
import { createRequire } from 'node:module';
import type { FakeWorkflowRun, Json } from './types.js';

interface ExampleDefinition {
  name: string;
  examples: Json[];
}

const require = createRequire(import.meta.url);
const definitions = require('@octokit/webhooks-examples') as ExampleDefinition[];

/** Where the payloads point: the fake repository and the app's installation. */
export interface PayloadTarget {
  owner: string;
  repo: string;
  defaultBranch: string;
  installationId: number;
}

export interface WebhookUser {
  login: string;
  type?: 'User' | 'Bot' | 'Organization';
}

/** A fresh copy of GitHub's example for `event`.`action` (one sent to an app when there is one). */
export function webhookExample(event: string, action: string | undefined, pick?: (e: Json) => boolean): Json {
  const all = definitions.find((d) => d.name === event)?.examples ?? [];
  const examples = all.filter((e) => e.action === action && (pick ? pick(e) : true));
  const example = examples.find((e) => e.installation !== undefined) ?? examples[0];
  if (!example)
    throw new Error(`@octokit/webhooks-examples has no ${event}.${action ?? '(no action)'} example`);
  return structuredClone(example);
}

/** Every string in `value` with the example's repository and URLs replaced. */
function rebase<T>(value: T, pairs: [string, string][]): T {
  if (typeof value === 'string') return pairs.reduce<string>((s, [a, b]) => s.split(a).join(b), value) as T;
  if (Array.isArray(value)) return value.map((v: unknown) => rebase(v, pairs)) as T;
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, rebase(v, pairs)])) as T;
  }
  return value;
}

function asJson(value: unknown): Json {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new Error('not an object');
  return value as Json;
}

/** A user as webhooks show one (the example's sender, renamed). */
function userLike(example: unknown, who: WebhookUser): Json {
  const type = who.type ?? 'User';
  const base = asJson(structuredClone(example ?? {}));
  return {
    ...base,
    login: who.login,
    id: 5000 + who.login.length,
    node_id: `U_${who.login}`,
    type,
    // A bot's page is its app's; `[bot]` is percent-encoded in the API address.
    html_url: /\[bot\]$/.test(who.login)
      ? `https://github.com/apps/${who.login.replace(/\[bot\]$/, '')}`
      : `https://github.com/${who.login}`,
    url: `https://api.github.com/users/${encodeURIComponent(who.login)}`,
  };
}

/** The example moved to the fake repository; `sender` and `installation` set. */
function moved(example: Json, target: PayloadTarget, sender: WebhookUser): Json {
  const repo = asJson(example.repository);
  const from = String(repo.full_name);
  const to = `${target.owner}/${target.repo}`;
  const payload = rebase(example, [[from, to]]);
  const repository = asJson(payload.repository);
  const owner = asJson(repository.owner);
  payload.repository = {
    ...repository,
    name: target.repo,
    full_name: to,
    default_branch: target.defaultBranch,
    ...('master_branch' in repository ? { master_branch: target.defaultBranch } : {}),
    owner: { ...owner, login: target.owner, ...('name' in owner ? { name: target.owner } : {}) },
  };
  if ('organization' in payload)
    payload.organization = { ...asJson(payload.organization), login: target.owner };
  payload.sender = userLike(payload.sender, sender);
  payload.installation = { id: target.installationId, node_id: `I_${target.installationId}` };
  return payload;
}

/** issue_comment.created: `body` on issue (or pull request) `issueNumber`, by `user`. */
export function issueCommentCreated(
  target: PayloadTarget,
  options: {
    body: string;
    commentId: number;
    user?: WebhookUser;
    issueNumber?: number;
    pullRequest?: boolean;
  },
): Json {
  const who = options.user ?? { login: 'alice' };
  const payload = moved(webhookExample('issue_comment', 'created'), target, who);
  const issue = asJson(payload.issue);
  const comment = asJson(payload.comment);
  const number = options.issueNumber ?? 7;
  const htmlUrl = `https://github.com/${target.owner}/${target.repo}/${options.pullRequest ? 'pull' : 'issues'}/${number}`;
  const { pull_request: _none, ...plainIssue } = issue;
  payload.issue = {
    ...plainIssue,
    number,
    html_url: htmlUrl,
    ...(options.pullRequest
      ? {
          pull_request: {
            url: `https://api.github.com/repos/${target.owner}/${target.repo}/pulls/${number}`,
            html_url: htmlUrl,
            diff_url: `${htmlUrl}.diff`,
            patch_url: `${htmlUrl}.patch`,
            merged_at: null,
          },
        }
      : {}),
  };
  payload.comment = {
    ...comment,
    id: options.commentId,
    node_id: `IC_${options.commentId}`,
    body: options.body,
    user: userLike(comment.user, who),
    html_url: `${htmlUrl}#issuecomment-${options.commentId}`,
  };
  return payload;
}

/** workflow_job.completed for one job of a workflow run the fake started. */
export function workflowJobCompleted(
  target: PayloadTarget,
  run: FakeWorkflowRun,
  job: FakeWorkflowRun['jobs'][number],
  sender: WebhookUser = { login: 'alice' },
): Json {
  const payload = moved(webhookExample('workflow_job', 'completed'), target, sender);
  const example = asJson(payload.workflow_job);
  payload.workflow_job = {
    ...example,
    id: job.id,
    run_id: run.id,
    name: job.name,
    status: 'completed',
    conclusion: job.conclusion,
    head_sha: run.headSha,
    head_branch: run.headBranch,
    html_url: job.htmlUrl,
    url: `https://api.github.com/repos/${target.owner}/${target.repo}/actions/jobs/${job.id}`,
    run_url: `https://api.github.com/repos/${target.owner}/${target.repo}/actions/runs/${run.id}`,
    workflow_name: 'quantumwala',
  };
  return payload;
}

/** workflow_run.completed for a workflow run the fake started. */
export function workflowRunCompleted(
  target: PayloadTarget,
  run: FakeWorkflowRun,
  sender: WebhookUser = { login: 'alice' },
): Json {
  const payload = moved(webhookExample('workflow_run', 'completed'), target, sender);
  payload.workflow_run = {
    ...asJson(payload.workflow_run),
    id: run.id,
    name: 'quantumwala',
    display_title: run.displayTitle,
    event: run.event,
    status: 'completed',
    conclusion: run.conclusion,
    head_branch: run.headBranch,
    head_sha: run.headSha,
    path: `.github/workflows/${run.workflow}`,
    // Newer than the example: who started the run, and who re-ran it.
    actor: payload.sender,
    triggering_actor: payload.sender,
  };
  return payload;
}

export interface CheckRunRef {
  id: number;
  name: string;
  externalId: string;
  headSha: string;
}

function checkRunPayload(example: Json, target: PayloadTarget, check: CheckRunRef, user: WebhookUser): Json {
  const payload = moved(example, target, user);
  payload.check_run = {
    ...asJson(payload.check_run),
    id: check.id,
    name: check.name,
    external_id: check.externalId,
    head_sha: check.headSha,
    status: 'completed',
    conclusion: 'failure',
  };
  return payload;
}

/** check_run.requested_action: a button of the check run (`identifier`) pressed by `user`. */
export function checkRunRequestedAction(
  target: PayloadTarget,
  check: CheckRunRef,
  identifier: string,
  user: WebhookUser = { login: 'alice' },
): Json {
  const payload = checkRunPayload(webhookExample('check_run', 'requested_action'), target, check, user);
  payload.requested_action = { identifier };
  return payload;
}

/** check_run.rerequested: GitHub's "Re-run" of the check run. */
export function checkRunRerequested(
  target: PayloadTarget,
  check: CheckRunRef,
  user: WebhookUser = { login: 'alice' },
): Json {
  const payload = checkRunPayload(webhookExample('check_run', 'rerequested'), target, check, user);
  // The rerequested examples predate fields GitHub sends now (the check run's node_id and
  // details_url, the app's permissions and events, the repository's `disabled`): the app, check
  // suite and repository are taken from the requested_action example, which has them.
  const current = checkRunRequestedAction(target, check, 'unused', user);
  const currentRun = asJson(current.check_run);
  payload.check_run = {
    ...asJson(payload.check_run),
    node_id: `CR_${check.id}`,
    details_url: `https://github.com/${target.owner}/${target.repo}/runs/${check.id}`,
    app: currentRun.app,
    check_suite: currentRun.check_suite,
  };
  payload.repository = current.repository;
  return payload;
}

/** push of one commit `after` to `ref` that added and modified these files. */
export function pushEvent(
  target: PayloadTarget,
  options: {
    ref?: string;
    before: string;
    after: string;
    added?: string[];
    modified?: string[];
    sender?: WebhookUser;
    /** Who committed (default: the example's committer). */
    committer?: { name: string; email: string };
  },
): Json {
  const sender = options.sender ?? { login: 'alice' };
  const payload = moved(
    webhookExample(
      'push',
      undefined,
      (e) => String(e.ref).startsWith('refs/heads/') && Array.isArray(e.commits) && e.commits.length > 0,
    ),
    target,
    sender,
  );
  const [first] = (payload.commits as Json[] | undefined) ?? [];
  const commit: Json = {
    ...(first ?? {}),
    id: options.after,
    tree_id: options.after,
    message: 'Update the spec',
    added: options.added ?? [],
    modified: options.modified ?? [],
    removed: [],
    url: `https://github.com/${target.owner}/${target.repo}/commit/${options.after}`,
    ...(options.committer ? { committer: { ...options.committer, username: 'web-flow' } } : {}),
  };
  payload.ref = options.ref ?? `refs/heads/${target.defaultBranch}`;
  payload.before = options.before;
  payload.after = options.after;
  payload.created = false;
  payload.deleted = false;
  payload.forced = false;
  payload.commits = [commit];
  payload.head_commit = commit;
  payload.pusher = { name: sender.login, email: `${sender.login}@example.com` };
  // Newer than the examples: whether the repository has discussions.
  payload.repository = { has_discussions: false, ...asJson(payload.repository) };
  return payload;
}
