import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { claudeEnv, runClaude, type ClaudeRun, type StreamEvent } from '../support/claude-cli.js';
import {
  startScriptedAnthropic,
  type ScriptedAnthropic,
  type ScriptedAnthropicOptions,
} from '../support/scripted-anthropic.js';
import { tempRepo } from '../support/temp-repo.js';

const TEST_TIMEOUT_MS = 60_000;
const CLI_TIMEOUT_MS = 45_000;

const servers: ScriptedAnthropic[] = [];

afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

async function startServer(options: ScriptedAnthropicOptions): Promise<ScriptedAnthropic> {
  const server = await startScriptedAnthropic(options);
  servers.push(server);
  return server;
}

/** Runs one task prompt through the real CLI in a fresh git-less folder with a private HOME. */
async function runTask(
  server: ScriptedAnthropic,
  prompt: string,
  extraEnv: Record<string, string> = {},
): Promise<{ run: ClaudeRun; cwd: string }> {
  const cwd = await tempRepo();
  const home = await tempRepo();
  const run = await runClaude(
    ['-p', prompt, '--permission-mode', 'acceptEdits', '--output-format', 'stream-json', '--verbose'],
    { cwd, env: { ...claudeEnv(server.url, home), ...extraEnv }, timeoutMs: CLI_TIMEOUT_MS },
  );
  return { run, cwd };
}

function resultOf(run: ClaudeRun): StreamEvent {
  const result = run.events.find((event) => event.type === 'result');
  if (result === undefined) throw new Error(`no result line; stderr: ${run.stderr}`);
  return result;
}

describe('scripted Anthropic endpoint with the real claude CLI', () => {
  it(
    'runs a task to completion: Write tool call, tool result, cost',
    async () => {
      const server = await startServer({});
      const { run, cwd } = await runTask(server, 'Task ID: 7\nWrite file: out/seven.txt');

      expect(await readFile(path.join(cwd, 'out/seven.txt'), 'utf8')).toBe('done by task 7\n');
      const result = resultOf(run);
      expect(result).toMatchObject({ subtype: 'success', is_error: false, result: 'Task 7 complete.' });
      expect(result.num_turns).toBeGreaterThanOrEqual(2);
      expect(result.total_cost_usd).toBeGreaterThan(0);
      expect(run.code).toBe(0);

      const messages = server.requests.filter((r) => r.sessionKey !== undefined);
      expect(messages.map((r) => [r.taskId, r.turn, r.hasToolResult, r.status])).toEqual([
        ['7', 1, false, 200],
        ['7', 2, true, 200],
      ]);
      const init = run.events.find((event) => event.type === 'system' && event.subtype === 'init');
      expect(messages[0]?.sessionKey).toBe(init?.session_id);
      expect(server.stats).toMatchObject({ sessionsStarted: 1, sessionsFinished: 1, inFlight: 0 });
    },
    TEST_TIMEOUT_MS,
  );

  it(
    'retries 529 overloaded twice and then succeeds',
    async () => {
      const server = await startServer({ faults: { '3': [{ status: 529 }, { status: 529 }] } });
      const { run, cwd } = await runTask(server, 'Task ID: 3\nWrite file: three.txt', {
        CLAUDE_CODE_MAX_RETRIES: '3',
      });

      const retries = run.events.filter((event) => event.type === 'system' && event.subtype === 'api_retry');
      expect(retries.map((event) => event.error_status)).toEqual([529, 529]);
      expect(resultOf(run)).toMatchObject({ is_error: false, result: 'Task 3 complete.' });
      expect(await readFile(path.join(cwd, 'three.txt'), 'utf8')).toBe('done by task 3\n');
      expect(server.requests.filter((r) => r.status === 529)).toHaveLength(2);
    },
    TEST_TIMEOUT_MS,
  );

  it(
    'reports a 401 it may not retry as an error result',
    async () => {
      const server = await startServer({ faults: { '5': { status: 401 } }, clientMaxRetries: 0 });
      const { run } = await runTask(server, 'Task ID: 5\nWrite file: five.txt', {
        CLAUDE_CODE_MAX_RETRIES: '0',
      });

      // Observed with 2.1.197: subtype "success", is_error true, api_error_status 401, exit code 1.
      expect(resultOf(run)).toMatchObject({
        subtype: 'success',
        is_error: true,
        api_error_status: 401,
        num_turns: 1,
        total_cost_usd: 0,
      });
      expect(run.code).toBe(1);
      expect(run.events.some((event) => event.subtype === 'api_retry')).toBe(false);
      expect(server.stats).toMatchObject({ sessionsStarted: 1, sessionsFinished: 1, inFlight: 0 });
    },
    TEST_TIMEOUT_MS,
  );

  it(
    'sees three sessions active at once',
    async () => {
      const server = await startServer({ delayMs: 1_000 });
      const runs = await Promise.all(
        ['1', '2', '3'].map((id) => runTask(server, `Task ID: ${id}\nWrite file: t${id}.txt`)),
      );

      for (const { run } of runs) expect(resultOf(run).is_error).toBe(false);
      expect(server.stats).toMatchObject({
        maxConcurrentSessions: 3,
        sessionsStarted: 3,
        sessionsFinished: 3,
        inFlight: 0,
      });
    },
    TEST_TIMEOUT_MS,
  );
});
