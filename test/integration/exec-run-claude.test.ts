/**
 * The whole exec pipeline with the real `claude` CLI (the pinned dev dependency) against the
 * scripted Anthropic endpoint: buildTaskPrompt → buildClaudeArgs → claudeEnv → runClaude.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { defaultConfig } from '../../src/config/config-schema.js';
import { buildTaskPrompt } from '../../src/exec/build-prompt.js';
import { buildClaudeArgs, claudeEnv } from '../../src/exec/claude-args.js';
import { runClaude, type AttemptResult, type RunClaudeOptions } from '../../src/exec/run-claude.js';
import type { StreamEvent } from '../../src/exec/stream-parser.js';
import { parseTasks } from '../../src/spec/parse-tasks.js';
import type { Spec } from '../../src/spec/types.js';
import { claudeBinPath, claudeEnv as hermeticEnv } from '../support/claude-cli.js';
import {
  startScriptedAnthropic,
  type ScriptedAnthropic,
  type ScriptedAnthropicOptions,
} from '../support/scripted-anthropic.js';
import { tempRepo } from '../support/temp-repo.js';

const TEST_TIMEOUT_MS = 60_000;
const servers: ScriptedAnthropic[] = [];

afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

async function startServer(options: ScriptedAnthropicOptions = {}): Promise<ScriptedAnthropic> {
  const server = await startScriptedAnthropic(options);
  servers.push(server);
  return server;
}

/** A one-task spec whose task tells the scripted model which file to write. */
function specFor(id: string, file: string): Spec {
  const tasks = parseTasks(
    `- [ ] ${id}. Write the marker file\n  - Write file: ${file}\n`,
    'specs/demo/tasks.md',
  );
  return {
    location: { name: 'demo', aliases: [], dir: 'specs/demo', format: 'claude-code-spec-workflow' },
    tasks,
  };
}

interface Run {
  result: AttemptResult;
  cwd: string;
  events: StreamEvent[];
  transcript: string;
}

async function runTask(
  server: ScriptedAnthropic,
  id: string,
  execution: Partial<ReturnType<typeof defaultConfig>['execution']> = {},
  extra: Partial<RunClaudeOptions> = {},
): Promise<Run> {
  const config = { ...defaultConfig().execution, ...execution };
  const spec = specFor(id, `out/task-${id}.txt`);
  const task = spec.tasks.tasks[0];
  if (!task) throw new Error('no task');
  const cwd = await tempRepo();
  const home = await tempRepo();
  const transcriptPath = path.join(home, 'transcripts', `task-${id}.jsonl`);
  const events: StreamEvent[] = [];
  const result = await runClaude({
    bin: claudeBinPath(),
    args: buildClaudeArgs({ prompt: buildTaskPrompt(spec, task).prompt, agent: task.agent }, config),
    env: claudeEnv(config, hermeticEnv(server.url, home)),
    cwd,
    timeoutMs: 45_000,
    killGraceMs: 2_000,
    transcriptPath,
    label: { task: id, attempt: 1 },
    onEvent: (event) => events.push(event),
    ...extra,
  });
  return { result, cwd, events, transcript: await readFile(transcriptPath, 'utf8') };
}

function groupGone(result: AttemptResult): boolean {
  try {
    process.kill(-(result.pid ?? 0), 0);
    return false;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ESRCH';
  }
}

describe('runClaude with the real claude CLI', () => {
  it(
    'runs a task: the Write tool call lands in the worktree, classified ok, transcript written',
    async () => {
      const server = await startServer();
      const { result, cwd, events, transcript } = await runTask(server, '1');
      expect(result.classification).toEqual({ ok: true });
      expect(result.exitCode).toBe(0);
      expect(await readFile(path.join(cwd, 'out/task-1.txt'), 'utf8')).toBe('done by task 1\n');
      expect(result.summary.sessionId).toMatch(/^[0-9a-f-]{36}$/);
      expect(result.summary.toolUses.map((t) => t.name)).toEqual(['Write']);
      expect(result.summary.permissionDenials).toEqual([]);
      expect(result.summary.result).toMatchObject({
        subtype: 'success',
        isError: false,
        result: 'Task 1 complete.',
      });
      expect(result.summary.result?.numTurns).toBeGreaterThanOrEqual(2);
      expect(events.map((e) => e.kind)).toContain('init');
      expect(groupGone(result)).toBe(true);
      const lines = transcript.trimEnd().split('\n');
      expect(JSON.parse(lines[0] ?? '{}')).toMatchObject({
        type: 'quantumwala_attempt',
        task: '1',
        attempt: 1,
      });
      expect(lines.some((l) => l.startsWith('{"type":"result"'))).toBe(true);
      expect(transcript).not.toContain('Write file: out/task-1.txt'); // the prompt is not logged in the header
    },
    TEST_TIMEOUT_MS,
  );

  it(
    'kills a session whose API call hangs past the timeout; the group is gone',
    async () => {
      const server = await startServer({ faults: { '2': 'hang' } });
      const { result } = await runTask(server, '2', {}, { timeoutMs: 2_500, killGraceMs: 1_000 });
      expect(result.timedOut).toBe(true);
      expect(result.classification).toMatchObject({ ok: false, errorClass: 'timeout' });
      expect(result.groupGone).toBe(true);
      expect(groupGone(result)).toBe(true);
    },
    TEST_TIMEOUT_MS,
  );

  it(
    'stops at the first api_retry for 401 and classifies auth_error',
    async () => {
      const server = await startServer({
        faults: { '3': Array.from({ length: 5 }, () => ({ status: 401 })) },
      });
      const { result } = await runTask(server, '3', { claude_max_retries: 4 });
      expect(result.stoppedFor).toBe('auth');
      expect(result.summary.apiRetries[0]).toMatchObject({
        errorStatus: 401,
        error: 'authentication_failed',
      });
      expect(result.classification).toMatchObject({ ok: false, errorClass: 'auth_error' });
      expect(groupGone(result)).toBe(true);
    },
    TEST_TIMEOUT_MS,
  );

  it(
    "classifies the CLI's own 401 result (no retries: subtype success, is_error, api_error_status 401)",
    async () => {
      const server = await startServer({ faults: { '4': { status: 401 } } });
      const { result } = await runTask(server, '4', { claude_max_retries: 0 });
      expect(result.stoppedFor).toBeUndefined();
      expect(result.summary.result).toMatchObject({ subtype: 'success', isError: true, apiErrorStatus: 401 });
      expect(result.classification).toMatchObject({ ok: false, errorClass: 'auth_error' });
    },
    TEST_TIMEOUT_MS,
  );

  it(
    'lets the CLI absorb two 529s and succeeds',
    async () => {
      const server = await startServer({ faults: { '5': [{ status: 529 }, { status: 529 }] } });
      const { result, cwd } = await runTask(server, '5', { claude_max_retries: 3 });
      expect(result.summary.apiRetries.map((r) => r.errorStatus)).toEqual([529, 529]);
      expect(result.classification).toEqual({ ok: true });
      expect(await readFile(path.join(cwd, 'out/task-5.txt'), 'utf8')).toBe('done by task 5\n');
    },
    TEST_TIMEOUT_MS,
  );

  it(
    'reports an unknown agent as agent_failure (the CLI exits 1 before any API call)',
    async () => {
      const server = await startServer();
      const failed = await runClaude({
        bin: claudeBinPath(),
        args: buildClaudeArgs({ prompt: 'Task ID: 6', agent: 'no-such-agent' }, defaultConfig().execution),
        env: claudeEnv(defaultConfig().execution, hermeticEnv(server.url, await tempRepo())),
        cwd: await tempRepo(),
        timeoutMs: 45_000,
        killGraceMs: 1_000,
      });
      expect(failed.exitCode).toBe(1);
      expect(failed.stderr).toContain("--agent 'no-such-agent' not found");
      expect(failed.classification).toMatchObject({ ok: false, errorClass: 'agent_failure' });
    },
    TEST_TIMEOUT_MS,
  );
});
