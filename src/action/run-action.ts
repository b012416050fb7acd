import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import * as core from '@actions/core';
import {
  CONFIG_FILE,
  GITHUB_CONFIG_FILE,
  graphOptions,
  loadConfig,
  workBranchFor,
  type QuantumwalaConfig,
} from '../config/index.js';
import { policyPorts } from '../engine/policy-ports.js';
import { runLoop, type RunPorts, type RunResult } from '../engine/run-loop.js';
import { runGit } from '../git/index.js';
import { createOctokit } from '../github/octokit.js';
import { planSpec } from '../graph/plan-spec.js';
import { createResourceGuard, createSystemSampler } from '../resources/index.js';
import { fsSpecSource } from '../spec/fs-spec-source.js';
import { loadSpec } from '../spec/load-spec.js';
import { findSpec } from '../spec/resolve-spec.js';
import type { StateEvent } from '../state/events.js';
import { createGitHubStateStore } from '../state/github-state-store.js';
import { runActionAttempt } from './action-attempt.js';
import { readActionInputs, sessionEnv } from './action-inputs.js';
import { findOrInstallClaude } from './install-claude.js';
import { writeJobSummary } from './job-summary.js';
import { VERSION } from '../version.js';

export interface ActionOutcome {
  conclusion: 'success' | 'failure' | 'skipped';
  errorClass: string;
  costUsd: number;
  turns: number;
  durationMs: number;
  sessionId: string;
  commit: string;
  apiCalls: number;
}

function requireEnv(env: NodeJS.ProcessEnv, name: string): string {
  const value = env[name];
  if (!value) throw new Error(`${name} is not set: this runs as a GitHub Action step`);
  return value;
}

function setOutputs(o: ActionOutcome): void {
  core.setOutput('conclusion', o.conclusion);
  core.setOutput('error-class', o.errorClass);
  core.setOutput('cost', o.costUsd.toFixed(6));
  core.setOutput('turns', String(o.turns));
  core.setOutput('duration', String(o.durationMs));
  core.setOutput('session-id', o.sessionId);
  core.setOutput('commit-sha', o.commit);
}

/**
 * The action: one matrix job runs one task, with the local engine's executor, resource guard and
 * recovery (the same run loop, restricted to this task), GitHub as the state store, and the job's
 * checkout as the task's isolation. Returns the exit status: non-zero when the task failed.
 */
export async function runAction(env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const inputs = readActionInputs();
  const workspace = requireEnv(env, 'GITHUB_WORKSPACE');
  const [owner, repo] = requireEnv(env, 'GITHUB_REPOSITORY').split('/');
  if (!owner || !repo) throw new Error(`GITHUB_REPOSITORY must be owner/repo (got ${env.GITHUB_REPOSITORY})`);
  // The app reads .github/quantumwala.yml; the jobs it dispatches read the same file (or .quantumwala.yml).
  const config: QuantumwalaConfig = await loadConfig({
    repoDir: workspace,
    env,
    flags: inputs.flags,
    yamlFiles: [GITHUB_CONFIG_FILE, CONFIG_FILE],
  });
  const globs = config.workflow.spec_globs;

  // Read the spec as it stands on the work branch's tip: tasks landed by earlier jobs are done there.
  const location = await findSpec(fsSpecSource(workspace, globs), inputs.spec, globs);
  const workBranch = inputs.workBranch || workBranchFor(config, location.name);
  await runGit(
    [
      'fetch',
      '--no-tags',
      '--quiet',
      'origin',
      `+refs/heads/${workBranch}:refs/remotes/origin/${workBranch}`,
    ],
    {
      cwd: workspace,
    },
  );
  await runGit(['checkout', '--quiet', '--force', '--detach', `refs/remotes/origin/${workBranch}`], {
    cwd: workspace,
  });
  const source = fsSpecSource(workspace, globs);
  const spec = await loadSpec(source, await findSpec(source, location.dir, globs));
  const plan = planSpec(spec, graphOptions(config));
  for (const w of plan.warnings)
    core.warning(w.message, { file: w.file, ...(w.line ? { startLine: w.line } : {}) });
  const task = plan.graph.byId.get(inputs.taskId);
  if (!task || task.group) {
    throw new Error(
      `task ${inputs.taskId} is not a task of ${spec.tasks.file} (groups run nothing themselves)`,
    );
  }

  const octokit = createOctokit({
    token: inputs.githubToken,
    baseUrl: env.GITHUB_API_URL ?? 'https://api.github.com',
    userAgent: `quantumwala-action/${VERSION}`,
    logger: {
      debug: (m) => core.debug(m),
      info: () => undefined,
      warn: (m) => core.warning(m),
      error: () => undefined,
    },
  });
  const store = createGitHubStateStore({
    octokit,
    owner,
    repo,
    branch: config.workflow.state_branch,
    onWarning: (m) => core.warning(m),
  });
  const outcome: ActionOutcome = {
    conclusion: 'skipped',
    errorClass: '',
    costUsd: 0,
    turns: 0,
    durationMs: 0,
    sessionId: '',
    commit: '',
    apiCalls: 0,
  };
  const now = () => new Date();
  // The app writes run_started when it dispatches; a job started by hand (or a test) writes it too.
  // It lists every task of the plan, so whichever job writes it first, the others find their task.
  // It goes out with the job's first event: one state commit fewer per job, and fewer lost races
  // when many jobs of a run start together.
  let pending: StateEvent[] = [];
  const record = async (events: StateEvent[]): Promise<void> => {
    const batch = [...pending, ...events];
    pending = [];
    await store.append(batch);
  };
  pending.push({
    type: 'run_started',
    id: `run_started:${inputs.runId}`,
    at: now().toISOString(),
    runId: inputs.runId,
    spec: spec.location.name,
    specDir: spec.location.dir,
    format: spec.location.format,
    workBranch,
    mode: 'github',
    maxConcurrent: config.resources.max_concurrent_tasks,
    ...(env.GITHUB_ACTOR ? { requestedBy: env.GITHUB_ACTOR } : {}),
    tasks: plan.graph.units.map((u) => ({
      id: u.id,
      title: u.title,
      deps: u.deps,
      ...(u.source.agent ? { agent: u.source.agent } : {}),
    })),
  });

  // Attempts continue the task's numbering in this run: a job dispatched again (its runner was lost)
  // records attempt 2, not a second attempt 1, and the retry limit counts every job's attempts.
  const before = (await store.read()).state.runs[inputs.runId]?.tasks[task.id];
  const attemptsBefore = Math.max(0, ...(before?.attempts.map((a) => a.n) ?? []));
  if (task.status === 'done') {
    core.info(`task ${task.id} is already done on ${workBranch}: nothing to run`);
    // Landed by an earlier job that ended before it could say so: the task's result is recorded now.
    if (!before?.result || before.result.status !== 'succeeded') {
      await record([
        {
          type: 'task_finished',
          id: randomUUID(),
          at: now().toISOString(),
          runId: inputs.runId,
          taskId: task.id,
          status: 'succeeded',
          message: `already done on ${workBranch}`,
        },
      ]);
    }
    outcome.apiCalls = octokit.requestCount();
    setOutputs(outcome);
    await writeJobSummary(env, {
      spec: spec.location.name,
      task,
      outcome,
      runId: inputs.runId,
      transcriptTail: [],
    });
    return 0;
  }

  const claudeBin = await findOrInstallClaude({
    claudePath: config.execution.claude_path,
    version: inputs.claudeVersion,
    env,
    cwd: workspace,
  });
  const logDir = path.join(env.RUNNER_TEMP ?? os.tmpdir(), 'quantumwala', inputs.runId);
  const ctx = {
    spec,
    config,
    claudeBin,
    env: sessionEnv(env, inputs.claudeCredentials),
    logDir,
    workspace,
    runId: inputs.runId,
    workBranch,
  };
  const guard = createResourceGuard({
    limits: { ...config.resources, max_concurrent_tasks: 1 },
    sampler: createSystemSampler({ intervalMs: config.resources.resource_check_interval * 1000 }),
  });
  const lastAttempt: { transcript?: string; sessionId?: string; turns?: number } = {};
  const policy = policyPorts(config);
  const ports: RunPorts = {
    admit: (t, signal) => guard.acquire(`${spec.location.name}/${t.id}`, { signal }),
    attempt: async (t, attemptPlan, signal) => {
      core.info(`task ${t.id}: attempt ${attemptPlan.attempt} (timeout ${attemptPlan.timeoutSeconds} s)`);
      const o = await runActionAttempt(ctx, t, attemptPlan, signal);
      lastAttempt.transcript = path.join(
        logDir,
        `${t.id.replace(/[^\w.-]/g, '_')}-${attemptPlan.attempt}.jsonl`,
      );
      if (o.sessionId) lastAttempt.sessionId = o.sessionId;
      if (o.turns !== undefined) lastAttempt.turns = o.turns;
      if (!o.ok)
        core.warning(`task ${t.id} attempt ${attemptPlan.attempt}: ${o.errorClass}: ${o.message ?? ''}`);
      return o;
    },
    record,
    ...policy,
    firstPlan: (t) => ({ ...policy.firstPlan(t), attempt: attemptsBefore + 1 }),
  };
  const controller = new AbortController();
  const stop = () => controller.abort();
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
  let result: RunResult;
  try {
    result = await runLoop(
      {
        runId: inputs.runId,
        graph: plan.graph,
        selected: new Set([task.id]),
        maxConcurrent: 1,
        signal: controller.signal,
        // A job's own run_finished would end the whole run: the app decides when a run ends.
        finishRun: false,
      },
      ports,
    );
  } finally {
    guard.close();
    process.off('SIGTERM', stop);
    process.off('SIGINT', stop);
  }
  const summary = result.tasks.find((t) => t.id === task.id);
  outcome.conclusion = summary?.status === 'succeeded' ? 'success' : 'failure';
  outcome.errorClass =
    summary?.status === 'succeeded' ? '' : (summary?.errorClass ?? summary?.status ?? 'not_run');
  outcome.costUsd = summary?.costUsd ?? 0;
  outcome.durationMs = summary?.durationMs ?? 0;
  outcome.turns = lastAttempt.turns ?? 0;
  outcome.sessionId = lastAttempt.sessionId ?? '';
  outcome.commit = summary?.commit ?? '';
  outcome.apiCalls = octokit.requestCount();
  setOutputs(outcome);
  const transcriptTail = outcome.conclusion === 'failure' ? await tail(lastAttempt.transcript, 20) : [];
  await writeJobSummary(env, {
    spec: spec.location.name,
    task,
    outcome,
    runId: inputs.runId,
    transcriptTail,
    attempts: summary?.attempts ?? 0,
    message: summary?.message,
  });
  if (outcome.conclusion === 'failure') {
    core.error(
      `task ${task.id} failed: ${outcome.errorClass}${summary?.message ? ` — ${summary.message}` : ''}`,
      {
        title: `Quantumwala: ${spec.location.name} ${task.id}`,
        file: spec.tasks.file,
        startLine: task.source.line,
      },
    );
    return 1;
  }
  core.info(
    `task ${task.id} landed as ${outcome.commit} ($${outcome.costUsd.toFixed(4)}, ${outcome.apiCalls} API calls)`,
  );
  return 0;
}

async function tail(file: string | undefined, lines: number): Promise<string[]> {
  if (!file) return [];
  const text = await readFile(file, 'utf8').catch(() => '');
  return text.trimEnd().split('\n').slice(-lines);
}
