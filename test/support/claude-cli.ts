/**
 * The real `claude` CLI (the pinned @anthropic-ai/claude-code dev dependency) for tests: where it
 * is, a hermetic environment for running it against a local endpoint, and a runner that parses
 * its stream-json output.
 */
import { spawn } from 'node:child_process';
import { existsSync, realpathSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The CLAUDE_CODE_MAX_RETRIES that {@link claudeEnv} sets (the CLI's own default is 10). */
export const CLI_TEST_MAX_RETRIES = 2;

const projectRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

/** The resolved path of node_modules/.bin/claude; throws a clear message when it isn't installed. */
export function claudeBinPath(): string {
  const link = path.join(projectRoot, 'node_modules', '.bin', 'claude');
  if (!existsSync(link)) {
    throw new Error(
      `The claude CLI is missing (${link}). Run \`npm ci\` (it comes from the devDependency @anthropic-ai/claude-code).`,
    );
  }
  return realpathSync(link);
}

/**
 * The environment for a hermetic CLI run against a local endpoint: the given base URL and a dummy
 * key, `home` as both HOME and CLAUDE_CONFIG_DIR (so the user's config is never read or written),
 * no autoupdate/telemetry/error reports/nonessential traffic, and few retries. Only PATH, TMPDIR
 * and locale variables come from this process; the caller may add more (e.g. CLAUDE_CODE_MAX_RETRIES).
 */
export function claudeEnv(baseUrl: string, home: string): NodeJS.ProcessEnv {
  const inherited: NodeJS.ProcessEnv = {};
  for (const name of ['PATH', 'TMPDIR', 'LANG', 'LC_ALL', 'TZ']) {
    const value = process.env[name];
    if (value !== undefined) inherited[name] = value;
  }
  return {
    ...inherited,
    HOME: home,
    CLAUDE_CONFIG_DIR: path.join(home, '.claude'),
    XDG_CONFIG_HOME: path.join(home, '.config'),
    ANTHROPIC_BASE_URL: baseUrl,
    ANTHROPIC_API_KEY: 'sk-ant-test-scripted',
    CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1',
    DISABLE_AUTOUPDATER: '1',
    DISABLE_TELEMETRY: '1',
    DISABLE_ERROR_REPORTING: '1',
    CLAUDE_CODE_MAX_RETRIES: String(CLI_TEST_MAX_RETRIES),
  };
}

/** One line of `--output-format stream-json` (only the fields tests look at are typed). */
export interface StreamEvent {
  type: string;
  subtype?: string;
  session_id?: string;
  is_error?: boolean;
  api_error_status?: number | null;
  num_turns?: number;
  total_cost_usd?: number;
  result?: string;
  error_status?: number;
  [key: string]: unknown;
}

export interface ClaudeRun {
  /** Exit code, or null when killed by a signal (e.g. the timeout). */
  code: number | null;
  signal: NodeJS.Signals | null;
  events: StreamEvent[];
  stderr: string;
  durationMs: number;
}

/** Runs the real CLI with an argument array, parsing stdout as stream-json; SIGTERM after `timeoutMs`. */
export function runClaude(
  args: readonly string[],
  options: { cwd: string; env: NodeJS.ProcessEnv; timeoutMs?: number },
): Promise<ClaudeRun> {
  const started = Date.now();
  const child = spawn(claudeBinPath(), args, {
    cwd: options.cwd,
    env: options.env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (text: string) => (stdout += text));
  child.stderr.setEncoding('utf8').on('data', (text: string) => (stderr += text));
  const timer = setTimeout(() => child.kill('SIGTERM'), options.timeoutMs ?? 30_000);
  return new Promise((resolve, reject) => {
    child.once('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, events: parseStreamJson(stdout), stderr, durationMs: Date.now() - started });
    });
  });
}

/** Parses stream-json output: one JSON object a line; other lines are skipped. */
export function parseStreamJson(stdout: string): StreamEvent[] {
  const events: StreamEvent[] = [];
  for (const line of stdout.split('\n')) {
    if (!line.startsWith('{')) continue;
    try {
      const value: unknown = JSON.parse(line);
      if (typeof value === 'object' && value !== null && 'type' in value && typeof value.type === 'string') {
        events.push(value as StreamEvent);
      }
    } catch {
      // not a JSON line
    }
  }
  return events;
}
