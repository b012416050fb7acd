import { cp, mkdtemp, rm, writeFile, mkdir } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach } from 'vitest';
import { runGit } from '../../src/git/index.js';
import { parseState, type UnifiedState } from '../../src/state/state-schema.js';
import { claudeBinPath, claudeEnv } from './claude-cli.js';
import { runCli, type CliRun } from './run-cli.js';
import {
  startScriptedAnthropic,
  type ScriptedAnthropic,
  type ScriptedAnthropicOptions,
} from './scripted-anthropic.js';
import { PROJECT_ROOT } from './shared-specs.js';

const cleanups: (() => Promise<void>)[] = [];

afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c().catch(() => undefined);
});

/** A temporary git repository (one commit) holding the given files, removed after the test. */
export async function gitRepo(files: Record<string, string>): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'qw-engine-'));
  cleanups.push(() => rm(dir, { recursive: true, force: true }));
  const repo = path.join(dir, 'repo');
  await mkdir(repo);
  for (const [rel, content] of Object.entries(files)) {
    await mkdir(path.dirname(path.join(repo, rel)), { recursive: true });
    await writeFile(path.join(repo, rel), content);
  }
  await initRepo(repo);
  return repo;
}

/** The example spec of `npm run demo` (9 tasks: a diamond and a chain) in a temporary repository. */
export async function exampleRepo(): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'qw-engine-'));
  cleanups.push(() => rm(dir, { recursive: true, force: true }));
  const repo = path.join(dir, 'repo');
  await cp(path.join(PROJECT_ROOT, 'examples/text-stats'), repo, { recursive: true });
  await initRepo(repo);
  return repo;
}

async function initRepo(repo: string): Promise<void> {
  for (const args of [
    ['init', '-q', '-b', 'main'],
    ['config', 'user.name', 'Test'],
    ['config', 'user.email', 'test@quantumwala.invalid'],
    ['add', '-A'],
    ['commit', '-q', '-m', 'spec'],
  ]) {
    await runGit(args, { cwd: repo });
  }
}

export async function endpoint(options: ScriptedAnthropicOptions = {}): Promise<ScriptedAnthropic> {
  const server = await startScriptedAnthropic(options);
  cleanups.push(() => server.close());
  return server;
}

/** The environment a run gets: the real CLI against the scripted endpoint, a private HOME. */
export function engineEnv(server: ScriptedAnthropic, extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const home = path.join(os.tmpdir(), `qw-home-${process.pid}-${server.port}`);
  cleanups.push(() => rm(home, { recursive: true, force: true }));
  return {
    ...claudeEnv(server.url, home),
    QUANTUMWALA_CLAUDE_PATH: claudeBinPath(),
    USER: 'tester',
    ...extra,
  };
}

export function run(repo: string, args: string[], env: NodeJS.ProcessEnv): Promise<CliRun> {
  return runCli(['run', ...args], { cwd: repo, env });
}

export async function git(repo: string, args: string[]): Promise<string> {
  return (await runGit(args, { cwd: repo })).stdout;
}

export async function fileOnBranch(repo: string, branch: string, file: string): Promise<string | null> {
  const r = await runGit(['cat-file', 'blob', `${branch}:${file}`], { cwd: repo, allowFail: true });
  return r.exitCode === 0 ? r.stdout : null;
}

export async function readState(repo: string): Promise<UnifiedState> {
  return parseState(JSON.parse(await git(repo, ['cat-file', 'blob', 'quantumwala/state:state.json'])));
}

/** A task's attempts in the newest run: [outcome, error class] pairs. */
export function attemptsOf(state: UnifiedState, taskId: string): [string | null, string | null][] {
  const run = Object.values(state.runs)
    .sort((a, b) => a.started_at.localeCompare(b.started_at))
    .at(-1);
  return (run?.tasks[taskId]?.attempts ?? []).map((a) => [a.outcome, a.error_class]);
}
