import { randomBytes, randomUUID } from 'node:crypto';
import os from 'node:os';
import path from 'node:path';
import {
  graphOptions,
  loadConfig,
  workBranchFor,
  type ConfigFlag,
  type QuantumwalaConfig,
} from '../config/index.js';
import { UserError } from '../errors.js';
import { resolveClaudeBin } from '../exec/resolve-claude-bin.js';
import { cleanupStaleWorktrees, ensureBranch, gitLine, gitSpecSource, runGit } from '../git/index.js';
import { planSpec, type SpecPlan } from '../graph/plan-spec.js';
import { runHook } from '../hooks/run-hook.js';
import { createResourceGuard, createSystemSampler } from '../resources/index.js';
import { loadSpec } from '../spec/load-spec.js';
import { findSpec } from '../spec/resolve-spec.js';
import type { StateEvent } from '../state/events.js';
import { createGitStateStore } from '../state/git-state-store.js';
import { acquireRunLock } from './run-lock.js';
import { runLocalAttempt } from './local-attempt.js';
import { policyPorts } from './policy-ports.js';
import { runLoop, type RunPorts, type RunResult } from './run-loop.js';
import { selectTasks } from '../graph/select-tasks.js';
import { serialize } from '../util/serialize.js';

export interface RunSpecOptions {
  repoDir: string;
  spec: string;
  env: NodeJS.ProcessEnv;
  flags?: ConfigFlag[];
  /** Run only these task IDs (their pending dependencies must be among them or done). */
  only?: string[];
  dryRun?: boolean;
  signal: AbortSignal;
  onEvent?: (event: StateEvent) => void;
  onWarning?: (message: string) => void;
}

export interface RunSpecResult {
  runId: string | null;
  plan: SpecPlan;
  workBranch: string;
  selected: string[];
  result: RunResult | null;
  config: QuantumwalaConfig;
}

function newRunId(now: Date): string {
  const stamp = now
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, 'Z')
    .replace('T', '-');
  return `${stamp}-${randomBytes(3).toString('hex')}`;
}

async function repoRoot(dir: string): Promise<string> {
  const r = await runGit(['rev-parse', '--show-toplevel'], { cwd: dir, allowFail: true });
  if (r.exitCode !== 0)
    throw new UserError(`${dir} is not inside a git repository (quantumwala run works on git branches)`);
  const head = await runGit(['rev-parse', '--verify', '--quiet', 'HEAD^{commit}'], {
    cwd: dir,
    allowFail: true,
  });
  if (head.exitCode !== 0) throw new UserError('the repository has no commits yet: commit the spec first');
  return r.stdout.trim();
}

/**
 * `quantumwala run`: plans the spec as it stands on its work branch (created from HEAD when missing,
 * so checkboxes ticked by earlier runs count as done) and runs the pending tasks as Claude Code
 * sessions, recording everything on the state branch.
 */
export async function runSpec(options: RunSpecOptions): Promise<RunSpecResult> {
  const warn = options.onWarning ?? ((m: string) => console.warn(m));
  const repoDir = await repoRoot(path.resolve(options.repoDir));
  const config = await loadConfig({ repoDir, env: options.env, flags: options.flags ?? [] });
  const globs = config.workflow.spec_globs;

  const location = await findSpec(gitSpecSource(repoDir, 'HEAD', globs), options.spec, globs);
  const workBranch = workBranchFor(config, location.name);
  const current = (
    await runGit(['symbolic-ref', '--quiet', '--short', 'HEAD'], { cwd: repoDir, allowFail: true })
  ).stdout.trim();
  if (current === workBranch) {
    throw new UserError(`the work branch ${workBranch} is checked out here; switch to another branch first`);
  }
  if (!options.dryRun) await ensureBranch(repoDir, workBranch, 'HEAD');
  const ref = options.dryRun ? ((await branchExists(repoDir, workBranch)) ? workBranch : 'HEAD') : workBranch;
  const source = gitSpecSource(repoDir, ref, globs);
  const spec = await loadSpec(source, await findSpec(source, location.dir, globs));
  const plan = planSpec(spec, graphOptions(config));
  for (const w of plan.warnings) warn(`warning: ${w.file}${w.line ? `:${w.line}` : ''}: ${w.message}`);
  const selected = selectTasks(plan, options.only);
  const base = { plan, workBranch, selected: [...selected], config };
  if (options.dryRun) return { ...base, runId: null, result: null };

  const claudeBin = resolveClaudeBin({
    claudePath: config.execution.claude_path,
    env: options.env,
    cwd: repoDir,
  });
  const lock = await acquireRunLock(repoDir, location.name);
  const guard = createResourceGuard({
    limits: config.resources,
    sampler: createSystemSampler({ intervalMs: config.resources.resource_check_interval * 1000 }),
  });
  try {
    const store = createGitStateStore({ repoDir, branch: config.workflow.state_branch, onWarning: warn });
    const now = () => new Date();
    const runId = newRunId(now());
    // The store folds appends made while a write is in flight into one commit.
    const recorder = {
      record: async (events: StateEvent[]): Promise<void> => {
        for (const e of events) options.onEvent?.(e);
        await store.append(events);
      },
    };
    const removed = await cleanupStaleWorktrees(repoDir);
    if (removed.length > 0)
      warn(`removed ${removed.length} worktree(s) left by an earlier run that did not finish`);

    // Runs of this spec that a crashed runner left "running" (the lock proves no runner is alive).
    const { state } = await store.read();
    for (const run of Object.values(state.runs)) {
      if (run.spec === location.name && run.status === 'running') {
        await recorder.record([
          {
            type: 'run_finished',
            id: randomUUID(),
            at: now().toISOString(),
            runId: run.id,
            status: 'interrupted',
            message: `the runner stopped without finishing; found by run ${runId}`,
          },
        ]);
      }
    }

    const budgetUsd = config.execution.run_budget_usd;
    await recorder.record([
      {
        type: 'run_started',
        id: randomUUID(),
        at: now().toISOString(),
        runId,
        spec: location.name,
        specDir: location.dir,
        format: spec.location.format,
        workBranch,
        requestedBy: options.env.USER ?? os.userInfo().username,
        mode: 'local',
        maxConcurrent: config.resources.max_concurrent_tasks,
        ...(budgetUsd !== undefined ? { budgetUsd } : {}),
        tasks: plan.graph.units
          .filter((u) => selected.has(u.id))
          .map((u) => ({
            id: u.id,
            title: u.title,
            deps: u.deps,
            ...(u.source.agent ? { agent: u.source.agent } : {}),
          })),
      },
    ]);

    const gitDir = await gitLine(['rev-parse', '--path-format=absolute', '--git-common-dir'], {
      cwd: repoDir,
    });
    const ctx = {
      repoDir,
      runId,
      spec,
      workBranch,
      config,
      claudeBin,
      env: options.env,
      logDir: path.join(gitDir, 'quantumwala', 'logs', runId),
      landingLock: serialize(<T>(fn: () => Promise<T>) => fn()) as <T>(fn: () => Promise<T>) => Promise<T>,
    };
    const ports: RunPorts = {
      admit: (task, signal) => guard.acquire(`${location.name}/${task.id}`, { signal }),
      attempt: (task, plan, signal) => runLocalAttempt(ctx, task, plan, signal),
      record: (events) => recorder.record(events),
      ...policyPorts(config),
    };
    const result = await runLoop(
      {
        runId,
        graph: plan.graph,
        selected,
        maxConcurrent: config.resources.max_concurrent_tasks,
        ...(budgetUsd !== undefined ? { budgetUsd } : {}),
        signal: options.signal,
      },
      ports,
    );
    const stats = guard.stats();
    await recorder.record([
      {
        type: 'resource_sample',
        id: randomUUID(),
        at: now().toISOString(),
        runId,
        running: stats.peakRunning,
        cpuPercent: stats.peakCpuPercent,
        memoryPercent: stats.peakMemoryPercent,
      },
    ]);
    const hook = await runHook(config, 'post_command', {
      repoDir,
      env: {
        PATH: options.env.PATH,
        HOME: options.env.HOME,
        QUANTUMWALA_RUN_ID: runId,
        QUANTUMWALA_SPEC: location.name,
        QUANTUMWALA_RUN_STATUS: result.status,
        QUANTUMWALA_WORK_BRANCH: workBranch,
      },
    });
    if (hook.ran && !hook.ok) warn(`warning: ${hook.reason}`);
    return { ...base, runId, result };
  } finally {
    guard.close();
    await lock.release();
  }
}

async function branchExists(repoDir: string, branch: string): Promise<boolean> {
  const r = await runGit(['rev-parse', '--verify', '--quiet', `refs/heads/${branch}`], {
    cwd: repoDir,
    allowFail: true,
  });
  return r.exitCode === 0;
}
