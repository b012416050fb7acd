/** The `github` context of a workflow_dispatch run, and the GITHUB_* variables a job step sees. */
import type { GitHubEmulator, WorkflowRunRecord } from '../github-emulator.js';
import type { JsonObject } from './template-eval.js';

export interface DispatchFacts {
  emulator: GitHubEmulator;
  run: WorkflowRunRecord;
  /** The workflow's name and path. */
  workflow: { name: string; path: string };
  /** `refs/heads/main` */
  ref: string;
  sha: string;
  actor: string;
  token: string;
  eventInputs: Record<string, string>;
}

/** `refs/heads/x` → `x`; `refs/tags/v1` → `v1`; a bare name stays. */
export function refName(ref: string): string {
  return ref.replace(/^refs\/(heads|tags)\//, '');
}

const asJson = (value: unknown): JsonObject => JSON.parse(JSON.stringify(value)) as JsonObject;

export function githubContext(f: DispatchFacts): JsonObject {
  const repository = `${f.emulator.owner}/${f.emulator.repo}`;
  return {
    event_name: 'workflow_dispatch',
    event: {
      inputs: f.eventInputs,
      ref: f.ref,
      repository: asJson(f.emulator.restJson.repository()),
      sender: asJson(f.emulator.restJson.user(f.actor)),
      workflow: f.workflow.path,
    },
    repository,
    repository_owner: f.emulator.owner,
    repository_id: String(f.emulator.restJson.repository().id),
    ref: f.ref,
    ref_name: refName(f.ref),
    ref_type: f.ref.startsWith('refs/tags/') ? 'tag' : 'branch',
    ref_protected: false,
    head_ref: '',
    base_ref: '',
    sha: f.sha,
    actor: f.actor,
    triggering_actor: f.actor,
    run_id: String(f.run.id),
    run_number: String(f.run.run_number),
    run_attempt: String(f.run.run_attempt),
    workflow: f.workflow.name,
    workflow_ref: `${repository}/${f.workflow.path}@${f.ref}`,
    workflow_sha: f.sha,
    server_url: 'https://github.com',
    api_url: f.emulator.url,
    graphql_url: `${f.emulator.url}/graphql`,
    retention_days: '90',
    secret_source: 'Actions',
    token: f.token,
  };
}

/** The GITHUB_* / RUNNER_* variables of a step (those runActionJob doesn't set itself). */
export function runnerVariables(
  github: JsonObject,
  job: string,
  runnerName: string,
  eventPath: string,
): Record<string, string> {
  const s = (k: string): string => String(github[k] ?? '');
  return {
    CI: 'true',
    GITHUB_RUN_ID: s('run_id'),
    GITHUB_RUN_NUMBER: s('run_number'),
    GITHUB_RUN_ATTEMPT: s('run_attempt'),
    GITHUB_JOB: job,
    GITHUB_WORKFLOW: s('workflow'),
    GITHUB_WORKFLOW_REF: s('workflow_ref'),
    GITHUB_WORKFLOW_SHA: s('workflow_sha'),
    GITHUB_REF: s('ref'),
    GITHUB_REF_NAME: s('ref_name'),
    GITHUB_REF_TYPE: s('ref_type'),
    GITHUB_SHA: s('sha'),
    GITHUB_EVENT_NAME: s('event_name'),
    GITHUB_EVENT_PATH: eventPath,
    GITHUB_ACTOR: s('actor'),
    GITHUB_TRIGGERING_ACTOR: s('triggering_actor'),
    GITHUB_REPOSITORY_OWNER: s('repository_owner'),
    GITHUB_SERVER_URL: s('server_url'),
    GITHUB_GRAPHQL_URL: s('graphql_url'),
    GITHUB_RETENTION_DAYS: s('retention_days'),
    RUNNER_OS: 'Linux',
    RUNNER_ARCH: 'X64',
    RUNNER_NAME: runnerName,
    RUNNER_ENVIRONMENT: 'github-hosted',
  };
}
