/**
 * workflow_run and workflow_job webhook payloads: GitHub's own examples (@octokit/webhooks-examples)
 * with every value that describes this run, job, repository, sender and installation replaced by
 * the emulator's real one (its REST shapes), and the examples' URLs moved to the emulator.
 */
import { createRequire } from 'node:module';
import { runGit } from '../../../src/git/index.js';
import type { GitHubEmulator, JobRecord, WorkflowRunRecord } from '../github-emulator.js';

type Json = Record<string, unknown>;

interface ExampleDefinition {
  name: string;
  examples: Json[];
}

const require = createRequire(import.meta.url);
const definitions = require('@octokit/webhooks-examples') as ExampleDefinition[];

/** A fresh copy of GitHub's example for `event`/`action` (preferring one sent to an app). */
export function webhookExample(event: string, action: string): Json {
  const examples =
    definitions.find((d) => d.name === event)?.examples.filter((e) => e.action === action) ?? [];
  const example = examples.find((e) => e.installation !== undefined) ?? examples[0];
  if (!example) throw new Error(`@octokit/webhooks-examples has no ${event}.${action} example`);
  return structuredClone(example);
}

/** Replaces the example's repository name and API host in every string of `value`. */
function rebase<T>(value: T, from: [string, string][]): T {
  if (typeof value === 'string') {
    return from.reduce((s, [a, b]) => s.split(a).join(b), value as string) as T;
  }
  if (Array.isArray(value)) return value.map((v: unknown) => rebase(v, from)) as T;
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, rebase(v, from)])) as T;
  }
  return value;
}

export interface PayloadContext {
  emulator: GitHubEmulator;
  installationId: number;
  /** Who the events are attributed to (the dispatching actor). */
  sender: string;
}

function common(ctx: PayloadContext, example: Json): Json {
  const repo = example.repository as Json;
  const exampleName = String(repo.full_name);
  const moved = rebase(repo, [
    [exampleName, `${ctx.emulator.owner}/${ctx.emulator.repo}`],
    ['https://api.github.com', ctx.emulator.url],
  ]);
  const real = ctx.emulator.restJson.repository();
  return {
    repository: { ...moved, ...real, owner: { ...(moved.owner as Json), ...(real.owner as Json) } },
    sender: ctx.emulator.restJson.user(ctx.sender),
    installation: {
      id: ctx.installationId,
      node_id: Buffer.from(`0:Installation${ctx.installationId}`).toString('base64'),
    },
  };
}

/** The head commit as webhooks show it (`simple-commit`). */
export interface HeadCommit {
  id: string;
  tree_id: string;
  message: string;
  timestamp: string;
  author: { name: string; email: string };
  committer: { name: string; email: string };
}

/** A commit of the bare repository as a webhook's `head_commit`. */
export async function headCommitOf(bareRepoDir: string, sha: string): Promise<HeadCommit> {
  const format = '%T%n%an%n%ae%n%aI%n%cn%n%ce%n%B';
  const out = (await runGit(['show', '-s', `--format=${format}`, sha], { cwd: bareRepoDir })).stdout;
  const [tree = '', an = '', ae = '', date = '', cn = '', ce = '', ...message] = out.split('\n');
  return {
    id: sha,
    tree_id: tree,
    message: message.join('\n').trim(),
    timestamp: date,
    author: { name: an, email: ae },
    committer: { name: cn, email: ce },
  };
}

export interface WorkflowInfo {
  id: number;
  name: string;
  path: string;
}

/** `workflow_run` (requested, in_progress, completed) for a run's current state. */
export function workflowRunPayload(
  ctx: PayloadContext,
  action: 'requested' | 'in_progress' | 'completed',
  run: WorkflowRunRecord,
  workflow: WorkflowInfo,
  headCommit: HeadCommit,
): Json {
  const example = webhookExample('workflow_run', action === 'in_progress' ? 'requested' : action);
  const base = common(ctx, example);
  const rest = ctx.emulator.restJson.workflowRun(run);
  const exampleRun = example.workflow_run as Json;
  const workflowUrl = `${ctx.emulator.url}/repos/${ctx.emulator.owner}/${ctx.emulator.repo}/actions/workflows/${workflow.id}`;
  const htmlBase = `https://github.com/${ctx.emulator.owner}/${ctx.emulator.repo}`;
  return {
    action,
    workflow_run: {
      ...exampleRun,
      ...rest,
      check_suite_id: run.id,
      check_suite_node_id: Buffer.from(`0:CheckSuite${run.id}`).toString('base64'),
      previous_attempt_url: null,
      head_commit: headCommit,
      repository: base.repository,
      head_repository: base.repository,
      actor: base.sender,
      triggering_actor: base.sender,
      referenced_workflows: [],
    },
    workflow: {
      ...(example.workflow as Json),
      id: workflow.id,
      node_id: Buffer.from(`0:Workflow${workflow.id}`).toString('base64'),
      name: workflow.name,
      path: workflow.path,
      state: 'active',
      url: workflowUrl,
      html_url: `${htmlBase}/blob/${ctx.emulator.defaultBranch}/${workflow.path}`,
      badge_url: `${htmlBase}/workflows/${encodeURIComponent(workflow.name)}/badge.svg`,
    },
    ...base,
  };
}

/** `workflow_job` (queued, in_progress, completed) for a job's current state. */
export function workflowJobPayload(
  ctx: PayloadContext,
  action: 'queued' | 'in_progress' | 'completed',
  job: JobRecord,
): Json {
  const example = webhookExample('workflow_job', action);
  const base = common(ctx, example);
  const rest = ctx.emulator.restJson.job(job);
  return {
    action,
    workflow_job: { ...(example.workflow_job as Json), ...rest },
    ...base,
  };
}
