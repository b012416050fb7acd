/**
 * One job on a (simulated) runner: its steps in order — `actions/checkout` as a clone of the bare
 * repository, the project's action as `node dist/index.js` — and the ways a job ends early:
 * cancellation (SIGINT, SIGTERM, then the tree killed, as the runner does) and a lost runner
 * (the whole process tree SIGKILLed at once).
 */
import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { jobCheckout, runActionJob, type JobResult } from '../action-job.js';
import { stepInputs, type ActionDefinition } from './action-definition.js';
import { refName, runnerVariables } from './github-context.js';
import type { PlannedJob } from './expand-run.js';
import { descendantCommands, killProcessTree } from './process-tree.js';
import type { Contexts, JsonObject } from './template-eval.js';
import type { JobOutcome } from './types.js';

export type EndReason = NonNullable<JobOutcome['ended']>;

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** How a running job is stopped from outside. */
export class JobControl {
  ended: EndReason | undefined;
  private pid: number | undefined;
  private timers: NodeJS.Timeout[] = [];

  constructor(private readonly timings: { sigtermAfterMs: number; killAfterMs: number }) {}

  attach(pid: number): void {
    this.pid = pid;
    if (this.ended === 'cancelled' || this.ended === 'timeout') this.signalSteps();
  }

  detach(): void {
    this.pid = undefined;
    for (const t of this.timers.splice(0)) clearTimeout(t);
  }

  /** Cancels (or times out) the job: the running step gets SIGINT, SIGTERM, then its tree is killed. */
  cancel(reason: 'cancelled' | 'timeout'): void {
    if (this.ended) return;
    this.ended = reason;
    this.signalSteps();
  }

  /** The runner is lost: every process of the job dies at once. */
  lose(): Promise<void> {
    return this.abort('lost-runner');
  }

  /** Ends the job now: its whole process tree is killed. */
  async abort(reason: EndReason): Promise<void> {
    this.ended ??= reason;
    if (this.pid !== undefined) await killProcessTree(this.pid);
  }

  private signalSteps(): void {
    const pid = this.pid;
    if (pid === undefined) return;
    const send = (sig: NodeJS.Signals): void => {
      try {
        process.kill(pid, sig);
      } catch {
        // already gone
      }
    };
    send('SIGINT');
    this.timers.push(setTimeout(() => send('SIGTERM'), this.timings.sigtermAfterMs));
    this.timers.push(
      setTimeout(() => void killProcessTree(pid), this.timings.sigtermAfterMs + this.timings.killAfterMs),
    );
  }
}

export interface JobSetup {
  plan: PlannedJob;
  bareRepoDir: string;
  repository: string;
  apiUrl: string;
  github: JsonObject;
  /** Contexts for the action's input defaults (github, matrix, strategy, …). */
  contexts: Contexts;
  action: ActionDefinition;
  actionRepository: string;
  runnerName: string;
  env: (home: string) => NodeJS.ProcessEnv;
  control: JobControl;
  /** Asked once the job's `claude` process runs; true when this job's runner is to be lost. */
  loseRunner?: (inputs: Record<string, string>) => boolean;
  onStep: (index: number, status: 'in_progress' | 'completed', conclusion: string | null) => void;
  onWarning: (message: string) => void;
  /** Temporary directories to remove when the runner stops. */
  scratch: string[];
}

export interface JobExecution {
  result: JobResult | undefined;
  /** Why the job failed before or outside the action step (checkout failed, unsupported step). */
  failure?: string;
}

const isClaude = (argv: string[]): boolean =>
  /(^|\/)claude(\.exe)?$/.test(argv[0] ?? '') || argv.some((a) => a.includes('@anthropic-ai/claude-code'));

async function watchForClaude(
  setup: JobSetup,
  pid: number,
  inputs: Record<string, string>,
  exited: () => boolean,
): Promise<void> {
  while (!exited()) {
    await sleep(50);
    const commands = await descendantCommands(pid);
    if (!commands.some(isClaude)) continue;
    if (!exited() && setup.loseRunner?.(inputs) === true) await setup.control.lose();
    return;
  }
}

function usesAction(uses: string, actionRepository: string): boolean {
  return (
    uses === './' || uses === '.' || uses.split('@')[0]?.toLowerCase() === actionRepository.toLowerCase()
  );
}

/** Runs the job's steps; the step records are updated through `onStep`. */
export async function executeJob(setup: JobSetup): Promise<JobExecution> {
  const { plan, control } = setup;
  let workspace: string | undefined;
  let result: JobResult | undefined;
  for (const [index, step] of plan.steps.entries()) {
    if (control.ended) break;
    setup.onStep(index, 'in_progress', null);
    const uses = step.uses.split('@')[0]?.toLowerCase() ?? '';
    if (uses === 'actions/checkout') {
      const ref = refName(step.with.ref || String(setup.github.ref));
      try {
        workspace = await jobCheckout(setup.bareRepoDir, ref);
      } catch (error) {
        setup.onStep(index, 'completed', 'failure');
        return {
          result,
          failure: `checkout of ${ref} failed: ${error instanceof Error ? error.message : String(error)}`,
        };
      }
      setup.onStep(index, 'completed', 'success');
      continue;
    }
    if (!usesAction(step.uses, setup.actionRepository)) {
      setup.onStep(index, 'completed', 'failure');
      return { result, failure: `this runner can't run ${step.uses}` };
    }
    if (workspace === undefined) {
      const dir = await mkdtemp(path.join(os.tmpdir(), 'qw-runner-job-'));
      setup.scratch.push(dir);
      workspace = path.join(dir, 'workspace');
      await mkdir(workspace);
    }
    const jobDir = path.dirname(workspace);
    const home = path.join(jobDir, 'home');
    await mkdir(home, { recursive: true });
    const eventPath = path.join(jobDir, 'event.json');
    await writeFile(eventPath, JSON.stringify(setup.github.event ?? {}));
    const { inputs, warnings } = stepInputs(setup.action, step.with, setup.contexts);
    for (const w of warnings) setup.onWarning(`${plan.name}: ${w}`);
    let exited = false;
    let watcher: Promise<void> = Promise.resolve();
    result = await runActionJob({
      workspace,
      repository: setup.repository,
      apiUrl: setup.apiUrl,
      inputs,
      env: setup.env(home),
      runnerEnv: {
        ...runnerVariables(setup.github, plan.group.id, setup.runnerName, eventPath),
        GITHUB_ACTION: `__${step.uses.split('@')[0]?.replace(/\W/g, '_') ?? 'action'}`,
        GITHUB_ACTION_REPOSITORY: setup.actionRepository,
        GITHUB_ACTION_REF: step.uses.split('@')[1] ?? '',
      },
      onSpawn: (pid) => {
        control.attach(pid);
        if (setup.loseRunner) watcher = watchForClaude(setup, pid, inputs, () => exited);
      },
    });
    exited = true;
    control.detach();
    await watcher;
    setup.onStep(
      index,
      'completed',
      result.code === 0 && !control.ended
        ? 'success'
        : control.ended === 'cancelled'
          ? 'cancelled'
          : 'failure',
    );
    if (result.code !== 0) break;
  }
  return { result };
}
