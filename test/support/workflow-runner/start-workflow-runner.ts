/**
 * startWorkflowRunner: plays GitHub Actions behind the GitHub emulator. Each workflow_dispatch the
 * emulator accepts is checked (prepare-dispatch.ts: 404/422 answers as GitHub's), expanded with
 * GitHub's expression engine (expand-run.ts) and run: a workflow run and its matrix jobs in the
 * emulator, kept current; the jobs executed (run-job.ts), at most max-parallel of a run and
 * `maxJobs` overall at once; the workflow_run / workflow_job webhooks GitHub sends (webhook-outbox.ts).
 */
import { rm } from 'node:fs/promises';
import type {
  DispatchRejection,
  JobRecord,
  WorkflowDispatch,
  WorkflowRunRecord,
} from '../github-emulator.js';
import { projectAction } from './action-definition.js';
import { displayTitle, planRun, type PlannedJob, type RunContexts } from './expand-run.js';
import { githubContext, refName } from './github-context.js';
import { PendingWork } from './pending-work.js';
import { prepareDispatch, WorkflowIds, type PreparedDispatch } from './prepare-dispatch.js';
import { executeJob, JobControl, type JobExecution } from './run-job.js';
import { TemplateError, type JsonObject } from './template-eval.js';
import type { JobOutcome, WorkflowRunner, WorkflowRunnerOptions } from './types.js';
import { WebhookOutbox } from './webhook-outbox.js';
import { headCommitOf, workflowJobPayload, workflowRunPayload, type HeadCommit } from './webhook-payloads.js';

interface RunState {
  record: WorkflowRunRecord;
  workflow: { id: number; name: string; path: string };
  headCommit: HeadCommit;
  contexts: RunContexts;
  jobs: JobState[];
  cancelled: boolean;
  finish: () => void;
}

interface JobState {
  run: RunState;
  plan: PlannedJob;
  record: JobRecord;
  phase: 'queued' | 'running' | 'done';
  control: JobControl;
}

const TAIL = 4000;
const isoNow = (): string => new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');

export function startWorkflowRunner(options: WorkflowRunnerOptions): WorkflowRunner {
  const emu = options.emulator;
  const bare = options.bareRepoDir ?? emu.bareRepoDir;
  const actor = options.actor ?? 'octocat';
  const timings = options.cancelTimings ?? { sigtermAfterMs: 7500, killAfterMs: 2500 };
  const staticEnv = typeof options.env === 'function' ? undefined : options.env;
  const secrets: JsonObject = { ...options.secrets };
  for (const k of ['ANTHROPIC_API_KEY', 'CLAUDE_CODE_OAUTH_TOKEN']) {
    const v = staticEnv?.[k];
    if (v && options.secrets === undefined) secrets[k] = v;
  }
  const errors: string[] = [];
  const warnings: string[] = [];
  const stats: WorkflowRunner['stats'] = {
    maxInFlight: 0,
    inFlight: 0,
    jobsStarted: 0,
    jobsCompleted: 0,
    jobs: [],
  };
  const fail = (message: string): void => void errors.push(message);
  const work = new PendingWork();
  const outbox = new WebhookOutbox(options.webhook, emu, work, fail);
  const ids = new WorkflowIds();
  const prepared = new WeakMap<WorkflowDispatch, { prep: PreparedDispatch; release: () => void }>();
  const runNumbers = new Map<string, number>();
  const runs = new Map<number, RunState>();
  const queue: JobState[] = [];
  const scratch: string[] = [];
  let killsLeft = options.faults?.killTask?.times ?? 1;
  let runners = 0;
  let stopping = false;

  const sender = { emulator: emu, installationId: options.webhook?.installationId ?? 1, sender: actor };
  const emitRun = (run: RunState, action: 'requested' | 'in_progress' | 'completed'): void =>
    outbox.emit('workflow_run', workflowRunPayload(sender, action, run.record, run.workflow, run.headCommit));
  const emitJob = (job: JobState, action: 'queued' | 'in_progress' | 'completed'): void =>
    outbox.emit('workflow_job', workflowJobPayload(sender, action, job.record));

  async function checkDispatch(d: WorkflowDispatch): Promise<DispatchRejection | undefined> {
    const prep = await prepareDispatch(bare, d, ids);
    if ('status' in prep) {
      fail(`dispatch of ${d.workflowId} at ${d.ref} refused (${prep.status}): ${prep.message}`);
      return prep;
    }
    // Held until its run is over, so that idle() can't slip in between the check and the start.
    prepared.set(d, { prep, release: work.hold() });
    return undefined;
  }

  function onDispatch(d: WorkflowDispatch): void {
    const entry = prepared.get(d);
    if (!entry) return;
    void work
      .track(
        startRun(entry.prep).catch((e: unknown) => fail(`run of ${entry.prep.workflow.path}: ${String(e)}`)),
      )
      .finally(entry.release);
  }

  async function startRun(prep: PreparedDispatch): Promise<void> {
    const path = prep.workflow.path;
    const runNumber = (runNumbers.get(path) ?? 0) + 1;
    runNumbers.set(path, runNumber);
    const workflow = { id: prep.workflowId, name: prep.workflow.name, path };
    const headCommit = await headCommitOf(bare, prep.sha);
    // From here on nothing awaits until the run's title and jobs are set.
    const record = emu.addWorkflowRun({
      name: workflow.name,
      workflow_id: workflow.id,
      path,
      head_branch: refName(prep.ref),
      head_sha: prep.sha,
      event: 'workflow_dispatch',
      status: 'queued',
      conclusion: null,
      run_number: runNumber,
      actor,
      display_title: workflow.name,
    });
    const token = options.token ?? emu.issueToken();
    const contexts: RunContexts = {
      github: githubContext({
        emulator: emu,
        run: record,
        workflow,
        ref: prep.ref,
        sha: prep.sha,
        actor,
        token,
        eventInputs: prep.eventInputs,
      }),
      inputs: prep.inputs,
      vars: { ...options.vars },
      secrets: { ...secrets, GITHUB_TOKEN: token },
      runner: { os: 'Linux', arch: 'X64', name: 'GitHub Actions', environment: 'github-hosted' },
    };
    let finish = (): void => undefined;
    const finished = new Promise<void>((resolve) => (finish = resolve));
    const run: RunState = { record, workflow, headCommit, contexts, jobs: [], cancelled: false, finish };
    runs.set(record.id, run);
    try {
      const plan = planRun(prep.workflow, contexts);
      record.display_title = plan.displayTitle;
      for (const p of plan.jobs) {
        const now = isoNow();
        const fields = {
          name: p.name,
          labels: p.labels,
          started_at: now,
          created_at: now,
          runner_name: null,
        };
        const jobRecord = emu.addJob(record.id, { ...fields, status: 'queued' });
        run.jobs.push({ run, plan: p, record: jobRecord, phase: 'queued', control: new JobControl(timings) });
      }
    } catch (error) {
      if (!(error instanceof TemplateError)) throw error;
      try {
        record.display_title = displayTitle(prep.workflow, contexts);
      } catch {
        // the title is what failed: GitHub shows the workflow's name
      }
      fail(`run ${record.id} (${path}): ${error.message}`);
    }
    emitRun(run, 'requested');
    for (const job of run.jobs) emitJob(job, 'queued');
    queue.push(...run.jobs);
    if (run.jobs.length === 0) completeRun(run);
    pump();
    await finished;
  }

  /** Starts the queued jobs that fit: their run's max-parallel and the overall `maxJobs`. */
  function pump(): void {
    if (stopping) return;
    for (const job of queue) {
      if (options.maxJobs !== undefined && stats.inFlight >= options.maxJobs) break;
      if (job.phase !== 'queued') continue;
      const group = job.run.jobs.filter((j) => j.phase === 'running' && j.plan.group === job.plan.group);
      if (group.length >= job.plan.group.maxParallel) continue;
      job.phase = 'running';
      stats.inFlight += 1;
      stats.maxInFlight = Math.max(stats.maxInFlight, stats.inFlight);
      stats.jobsStarted += 1;
      void runJob(job).catch((e: unknown) => fail(`job ${job.record.name}: ${String(e)}`));
    }
    for (let i = queue.length - 1; i >= 0; i -= 1) if (queue[i]?.phase !== 'queued') queue.splice(i, 1);
  }

  function loseRunner(inputs: Record<string, string>): boolean {
    if (inputs['task-id'] !== options.faults?.killTask?.taskId || killsLeft <= 0) return false;
    killsLeft -= 1;
    return true;
  }

  async function runJob(job: JobState): Promise<void> {
    const { record, run, plan } = job;
    const started = Date.now();
    runners += 1;
    const runnerName = `GitHub Actions ${runners}`;
    Object.assign(record, {
      status: 'in_progress',
      started_at: isoNow(),
      runner_name: runnerName,
      runner_id: runners,
    });
    record.steps = [
      { name: 'Set up job', status: 'completed', conclusion: 'success', number: 1 },
      ...plan.steps.map((s, i) => ({ name: s.name, status: 'queued', conclusion: null, number: i + 2 })),
      { name: 'Complete job', status: 'queued', conclusion: null, number: plan.steps.length + 2 },
    ];
    if (run.record.status === 'queued') {
      Object.assign(run.record, { status: 'in_progress', updated_at: isoNow() });
      emitRun(run, 'in_progress');
    }
    emitJob(job, 'in_progress');
    const limit = Math.min(plan.timeoutMinutes * 60_000, options.jobTimeoutMs ?? 600_000);
    const timeout = setTimeout(() => job.control.cancel('timeout'), limit);
    const github = { ...run.contexts.github, job: plan.group.id };
    let execution: JobExecution;
    try {
      execution = await executeJob({
        plan,
        bareRepoDir: bare,
        repository: `${emu.owner}/${emu.repo}`,
        apiUrl: emu.url,
        github,
        contexts: {
          ...run.contexts,
          github,
          matrix: plan.matrix,
          strategy: plan.strategy,
          job: { status: 'success' },
        },
        action: await projectAction(),
        actionRepository: options.actionRepository ?? 'quantumwala/quantumwala',
        runnerName,
        env: (home) =>
          typeof options.env === 'function'
            ? options.env({
                runId: run.record.id,
                jobId: record.id,
                name: record.name,
                matrix: plan.matrix,
                home,
              })
            : options.env,
        control: job.control,
        ...(options.faults?.killTask ? { loseRunner } : {}),
        onStep: (index, status, conclusion) =>
          Object.assign(record.steps[index + 1] ?? {}, { status, conclusion }),
        onWarning: (m) => warnings.push(m),
        scratch,
      });
    } finally {
      clearTimeout(timeout);
    }
    const ended = job.control.ended;
    const { result, failure } = execution;
    const conclusion: JobOutcome['conclusion'] =
      ended === 'cancelled'
        ? 'cancelled'
        : ended === undefined && failure === undefined && (result?.code ?? 0) === 0
          ? 'success'
          : 'failure';
    for (const step of record.steps) {
      if (step.status === 'completed') continue;
      Object.assign(step, {
        status: 'completed',
        conclusion: step.name === 'Complete job' ? 'success' : 'skipped',
      });
    }
    Object.assign(record, { status: 'completed', conclusion, completed_at: isoNow() });
    job.phase = 'done';
    stats.inFlight -= 1;
    stats.jobsCompleted += 1;
    stats.jobs.push({
      runId: run.record.id,
      jobId: record.id,
      name: record.name,
      matrix: plan.matrix,
      conclusion,
      exitCode: result?.code ?? null,
      signal: result?.signal ?? null,
      ...(ended ? { ended } : {}),
      outputs: result?.outputs ?? {},
      stdoutTail: (result?.stdout ?? '').slice(-TAIL),
      stderrTail: `${result?.stderr ?? ''}${failure ? `\n${failure}` : ''}`.slice(-TAIL),
      startedAt: started,
      durationMs: Date.now() - started,
    });
    emitJob(job, 'completed');
    if (conclusion === 'failure' && plan.group.failFast) {
      for (const other of run.jobs) if (other.plan.group === plan.group) cancelJob(other);
    }
    if (run.jobs.every((j) => j.phase === 'done')) completeRun(run);
    pump();
  }

  /** A queued job is cancelled at once; a running one is signalled (it completes when it ends). */
  function cancelJob(job: JobState): void {
    if (job.phase === 'running') job.control.cancel('cancelled');
    if (job.phase !== 'queued') return;
    job.phase = 'done';
    Object.assign(job.record, { status: 'completed', conclusion: 'cancelled', completed_at: isoNow() });
    emitJob(job, 'completed');
  }

  function completeRun(run: RunState): void {
    if (run.record.status === 'completed') return;
    const conclusions = run.jobs.map((j) => j.record.conclusion);
    const conclusion = run.cancelled
      ? 'cancelled'
      : run.jobs.length === 0 || conclusions.includes('failure')
        ? 'failure'
        : conclusions.includes('cancelled')
          ? 'cancelled'
          : 'success';
    Object.assign(run.record, { status: 'completed', conclusion, updated_at: isoNow() });
    emitRun(run, 'completed');
    run.finish();
  }

  function onCancel(record: WorkflowRunRecord): boolean {
    const run = runs.get(record.id);
    if (!run) return false;
    run.cancelled = true;
    for (const job of run.jobs) cancelJob(job);
    if (run.jobs.every((j) => j.phase === 'done')) completeRun(run);
    return true;
  }

  emu.setWorkflowHooks({ checkDispatch: (d) => work.track(checkDispatch(d)), onDispatch, onCancel });

  const idle = (timeoutMs = 300_000): Promise<void> =>
    work.idle(
      timeoutMs,
      () => `${stats.inFlight} jobs running, ${queue.length} queued, ${work.size} pending`,
    );

  return {
    stats,
    errors,
    warnings,
    deliveries: outbox.deliveries,
    idle,
    deliver: (event, payload, deliveryId) => outbox.deliver(event, payload, deliveryId),
    async stop() {
      emu.setWorkflowHooks(undefined);
      stopping = true;
      for (const run of runs.values()) {
        if (run.record.status === 'completed') continue;
        for (const job of run.jobs) if (job.phase === 'running') await job.control.abort('cancelled');
        onCancel(run.record);
      }
      await idle(30_000).catch((e: unknown) => fail(String(e)));
      await Promise.all(scratch.splice(0).map((d) => rm(d, { recursive: true, force: true })));
    },
  };
}
