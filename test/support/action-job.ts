import { spawn } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach } from 'vitest';
import { runGit } from '../../src/git/index.js';
import { parseState, type UnifiedState } from '../../src/state/state-schema.js';
import { PROJECT_ROOT } from './shared-specs.js';

const made: string[] = [];
afterEach(async () => {
  await Promise.all(made.splice(0).map((d) => rm(d, { recursive: true, force: true })));
});

export interface JobResult {
  /** Exit code, or null when a signal ended the process (see `signal`). */
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  outputs: Record<string, string>;
  summary: string;
}

/** A job's checkout of the emulator's bare repository (origin = the bare repo), like actions/checkout. */
export async function jobCheckout(bareRepoDir: string, ref: string): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'qw-job-'));
  made.push(dir);
  const workspace = path.join(dir, 'workspace');
  await runGit(['clone', '--quiet', '--branch', ref, bareRepoDir, workspace], { cwd: dir });
  await runGit(['config', 'user.name', 'runner'], { cwd: workspace });
  await runGit(['config', 'user.email', 'runner@quantumwala.invalid'], { cwd: workspace });
  return workspace;
}

/** GITHUB_OUTPUT's `name<<delimiter` blocks as a record. */
function parseOutputs(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  const re = /^([\w-]+)<<(\S+)\n([\s\S]*?)\n\2$/gm;
  for (let m = re.exec(text); m; m = re.exec(text)) out[m[1] as string] = m[3] as string;
  return out;
}

export interface ActionJobOptions {
  workspace: string;
  repository: string;
  apiUrl: string;
  inputs: Record<string, string>;
  env: NodeJS.ProcessEnv;
  /** More of the runner's variables (GITHUB_RUN_ID, GITHUB_ACTOR, …), set last. */
  runnerEnv?: Record<string, string>;
  /** Called with the step process's pid once it started (to signal or kill it). */
  onSpawn?: (pid: number) => void;
}

/**
 * Runs `node dist/index.js` as a job step would: INPUT_* variables, GITHUB_OUTPUT and
 * GITHUB_STEP_SUMMARY files, GITHUB_WORKSPACE, GITHUB_REPOSITORY, GITHUB_API_URL, RUNNER_TEMP.
 */
export async function runActionJob(options: ActionJobOptions): Promise<JobResult> {
  const temp = path.join(path.dirname(options.workspace), 'runner-temp');
  await mkdir(temp, { recursive: true });
  const outputFile = path.join(temp, 'output.txt');
  const summaryFile = path.join(temp, 'summary.md');
  await writeFile(outputFile, '');
  await writeFile(summaryFile, '');
  const env: NodeJS.ProcessEnv = {
    ...options.env,
    GITHUB_ACTIONS: 'true',
    GITHUB_WORKSPACE: options.workspace,
    GITHUB_REPOSITORY: options.repository,
    GITHUB_API_URL: options.apiUrl,
    GITHUB_OUTPUT: outputFile,
    GITHUB_STEP_SUMMARY: summaryFile,
    GITHUB_ACTOR: 'octocat',
    RUNNER_TEMP: temp,
    ...options.runnerEnv,
  };
  for (const [name, value] of Object.entries(options.inputs)) {
    env[`INPUT_${name.replace(/ /g, '_').toUpperCase()}`] = value;
  }
  const child = spawn(process.execPath, [path.join(PROJECT_ROOT, 'dist/index.js')], {
    cwd: options.workspace,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  if (child.pid !== undefined) options.onSpawn?.(child.pid);
  const [code, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((resolve) =>
    child.on('exit', (c, s) => resolve([c, s])),
  );
  return {
    code,
    signal,
    stdout,
    stderr,
    outputs: parseOutputs(await readFile(outputFile, 'utf8')),
    summary: await readFile(summaryFile, 'utf8'),
  };
}

export async function stateOf(bareRepoDir: string, branch = 'quantumwala/state'): Promise<UnifiedState> {
  const r = await runGit(['cat-file', 'blob', `${branch}:state.json`], { cwd: bareRepoDir });
  return parseState(JSON.parse(r.stdout));
}
