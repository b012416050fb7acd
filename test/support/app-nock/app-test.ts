/**
 * The app under test: a real Probot (installation tokens, context.config, octokit without retries
 * or throttling) loaded with the Quantumwala app, a fixed clock the tests move, counted ids, and the
 * fake GitHub behind nock. Webhooks go in through `probot.receive`, as the server would pass them.
 */
import { generateKeyPairSync } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { Probot, ProbotOctokit } from 'probot';
import { createQuantumwalaApp } from '../../../app/index.js';
import type { StateEvent } from '../../../src/state/events.js';
import type { UnifiedState } from '../../../src/state/state-schema.js';
import { OpenApiValidator } from '../github-emulator/openapi/openapi-validator.js';
import { loadSpec } from '../github-emulator/openapi/spec-document.js';
import { FakeGitHub } from './fake-github.js';
import {
  checkRunRequestedAction,
  issueCommentCreated,
  workflowJobCompleted,
  type PayloadTarget,
  type WebhookUser,
} from './webhook-payloads.js';
import type { Json } from './types.js';

export const APP_ID = 123;
export const INSTALLATION_ID = 4711;
export const OWNER = 'octo-org';
export const REPO = 'widgets';
/** The start of every test's clock. */
export const T0 = Date.parse('2025-03-01T10:00:00.000Z');

const WORKFLOW_FILE = readFileSync(
  new URL('../../../.github/workflows/quantumwala.yml', import.meta.url),
  'utf8',
);

let keyPair: { privateKey: string; publicKey: string } | undefined;
function keys(): { privateKey: string; publicKey: string } {
  keyPair ??= generateKeyPairSync('rsa', {
    modulusLength: 2048,
    publicKeyEncoding: { type: 'spki', format: 'pem' },
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
  });
  return keyPair;
}

type WebhookEvent = Parameters<Probot['receive']>[0];
type OctokitOptions = NonNullable<ConstructorParameters<typeof ProbotOctokit>[0]>;

/**
 * Probot's client without retries and throttling. An options object
 * (`ProbotOctokit.defaults({ throttle: { enabled: false } })`) does not do it: Probot passes its own
 * `throttle` options (rate-limit callbacks, no `enabled`) over it with a shallow merge, and
 * ProbotOctokit then merges those over its defaults (`enabled: true`), so writes stay 1 s apart.
 * A function sees Probot's options and can turn both off after them.
 */
const TestOctokit = ProbotOctokit.defaults((options: OctokitOptions) => ({
  ...options,
  retry: { ...options.retry, enabled: false },
  throttle: { ...options.throttle, enabled: false },
}));

/** The OpenAPI component each payload the tests send must match. */
const PAYLOAD_SCHEMA: Record<string, string> = {
  'issue_comment.created': 'webhook-issue-comment-created',
  'workflow_job.completed': 'webhook-workflow-job-completed',
  'workflow_run.completed': 'webhook-workflow-run-completed',
  'check_run.requested_action': 'webhook-check-run-requested-action',
  'check_run.rerequested': 'webhook-check-run-rerequested',
  push: 'webhook-push',
};
let payloadValidator: Promise<OpenApiValidator> | undefined;

export interface AppTestOptions {
  /** `.github/quantumwala.yml`; null: the repository has none. */
  config?: string | null;
  /** More files on the default branch (specs). */
  files?: Record<string, string>;
  /** Collaborators and their roles (default: alice write, bob read). */
  roles?: Record<string, string>;
}

export class AppTest {
  readonly gh: FakeGitHub;
  readonly target: PayloadTarget;
  probot!: Probot;
  private time = T0;
  private deliveries = 0;
  private ids = 0;
  private commentIds = 880_000;

  constructor(options: AppTestOptions = {}) {
    this.gh = new FakeGitHub({
      owner: OWNER,
      repo: REPO,
      defaultBranch: 'main',
      installationId: INSTALLATION_ID,
      appId: APP_ID,
      publicKeyPem: keys().publicKey,
      now: () => this.now(),
    });
    this.target = { owner: OWNER, repo: REPO, defaultBranch: 'main', installationId: INSTALLATION_ID };
    const files: Record<string, string> = {
      'README.md': '# widgets\n',
      '.github/workflows/quantumwala.yml': WORKFLOW_FILE,
      ...(options.config === null ? {} : { '.github/quantumwala.yml': options.config ?? '# defaults\n' }),
      ...options.files,
    };
    this.gh.commitFiles(files, 'Initial commit');
    for (const [login, role] of Object.entries(options.roles ?? { alice: 'write', bob: 'read' })) {
      this.gh.setRole(login, role);
    }
  }

  async start(): Promise<this> {
    this.gh.install();
    this.probot = new Probot({
      appId: APP_ID,
      privateKey: keys().privateKey,
      secret: 'test',
      Octokit: TestOctokit,
      logLevel: 'fatal',
    });
    await this.probot.load(
      createQuantumwalaApp({ now: () => this.now(), newId: () => `e${++this.ids}`, configTtlMs: 0 }),
    );
    return this;
  }

  stop(): void {
    this.gh.uninstall();
  }

  now(): Date {
    return new Date(this.time);
  }

  tick(ms: number): void {
    this.time += ms;
  }

  iso(offsetMs = 0): string {
    return new Date(this.time + offsetMs).toISOString();
  }

  get head(): string {
    const sha = this.gh.git.refs.get('main');
    if (!sha) throw new Error('no main branch');
    return sha;
  }

  /** Delivers a webhook (a second later than the last one); `id` repeats a delivery. */
  async receive(name: string, payload: Json, id?: string): Promise<string> {
    const key = typeof payload.action === 'string' ? `${name}.${payload.action}` : name;
    const schema = PAYLOAD_SCHEMA[key];
    if (schema) {
      payloadValidator ??= loadSpec().then((doc) => new OpenApiValidator(doc));
      const wrong = (await payloadValidator).checkComponent(schema, payload);
      if (wrong) throw new Error(`the test's ${key} payload is not what GitHub sends: ${wrong}`);
    }
    this.tick(1000);
    const delivery = id ?? `delivery-${++this.deliveries}`;
    const mark = this.gh.mark();
    await this.probot.receive({ id: delivery, name, payload } as unknown as WebhookEvent);
    if (process.env.QUANTUMWALA_API_CALLS) {
      // How many API calls each webhook cost (installation tokens apart), for the record.
      const calls = this.gh.callsSince(mark);
      const tokens = calls.filter((c) => c.route.startsWith('POST /app/')).length;
      const what =
        typeof payload.comment === 'object'
          ? ` ${String((payload.comment as Json).body).split('\n')[0]}`
          : '';
      console.log(
        `API calls: ${key}${what}: ${calls.length - tokens}${tokens > 0 ? ` (+${tokens} token)` : ''}`,
      );
    }
    return delivery;
  }

  /** A comment by `user` (default alice) on issue 7, or on pull request `pullRequest`. */
  commentPayload(
    body: string,
    options: { user?: WebhookUser; issueNumber?: number; pullRequest?: boolean } = {},
  ): { payload: Json; commentId: number } {
    const commentId = ++this.commentIds;
    return { payload: issueCommentCreated(this.target, { body, commentId, ...options }), commentId };
  }

  /** Posts a comment; returns the run id a `run` command on its first line gets. */
  async comment(
    body: string,
    options: { user?: WebhookUser; issueNumber?: number; pullRequest?: boolean } = {},
  ): Promise<{ commentId: number; runId: string; mark: number }> {
    const { payload, commentId } = this.commentPayload(body, options);
    const mark = this.gh.mark();
    await this.receive('issue_comment', payload);
    return { commentId, runId: `c${commentId}-1`, mark };
  }

  /** The action's writes for a task, straight into state.json (not through the app). */
  actionWrites(events: readonly StateEvent[]): UnifiedState {
    return this.gh.writeState(events, 'state: written by the matrix job');
  }

  /** Ends the job of `taskId` in dispatch `n` of `runId` and delivers its workflow_job.completed. */
  async jobCompleted(
    runId: string,
    n: number,
    taskId: string,
    conclusion: string,
  ): Promise<{ payload: Json; mark: number }> {
    const { run, job } = this.gh.completeJob(runId, n, taskId, conclusion);
    const payload = workflowJobCompleted(this.target, run, job);
    const mark = this.gh.mark();
    await this.receive('workflow_job', payload);
    return { payload, mark };
  }

  /** Presses a button of the run's check run. */
  async pressButton(
    runId: string,
    identifier: string,
    user: WebhookUser = { login: 'alice' },
  ): Promise<number> {
    const run = this.gh.state().runs[runId];
    const id = run?.github?.check_run_id;
    if (!run || !id) throw new Error(`run ${runId} has no check run`);
    const mark = this.gh.mark();
    await this.receive(
      'check_run',
      checkRunRequestedAction(
        this.target,
        { id, name: `quantumwala: ${run.spec}`, externalId: runId, headSha: run.github?.head_sha ?? '' },
        identifier,
        user,
      ),
    );
    return mark;
  }
}

export async function startAppTest(options: AppTestOptions = {}): Promise<AppTest> {
  return new AppTest(options).start();
}

/**
 * The end of every test: nothing the fake refused or could not route, no request nock could not
 * match, no held request left waiting; then the interceptors are removed.
 */
export function finishAppTest(t: AppTest | undefined): string[] {
  if (!t) return [];
  const problems = t.gh.problems();
  t.stop();
  return problems;
}
