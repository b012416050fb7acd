/** runClaude against tiny fake `claude` executables: exit codes, process-group kills, transcripts. */
import { chmod, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ClaudeNotFoundError } from '../../src/exec/claude-not-found-error.js';
import { runClaude, type RunClaudeOptions } from '../../src/exec/run-claude.js';
import { tempRepo } from '../support/temp-repo.js';

/** A grandchild in the CLI's process group that ignores SIGTERM (like a shell command the CLI started). */
const STUBBORN_CHILD = `
const { spawn } = require('node:child_process');
const child = spawn(process.execPath, ['-e', "process.on('SIGTERM', () => {}); setInterval(() => {}, 1000)"], { stdio: 'ignore' });
`;

async function fakeClaude(body: string): Promise<{ bin: string; dir: string }> {
  const dir = await tempRepo();
  const bin = path.join(dir, 'fake-claude.cjs');
  await writeFile(bin, `#!${process.execPath}\n${body}\n`);
  await chmod(bin, 0o755);
  return { bin, dir };
}

function options(bin: string, dir: string, extra: Partial<RunClaudeOptions> = {}): RunClaudeOptions {
  return {
    bin,
    args: ['-p', '--', 'Task ID: 1\nsecret prompt'],
    env: { PATH: process.env.PATH },
    cwd: dir,
    timeoutMs: 60_000,
    killGraceMs: 200,
    ...extra,
  };
}

function errnoOf(fn: () => void): string | undefined {
  try {
    fn();
    return undefined;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code;
  }
}

const RESULT_LINE = JSON.stringify({
  type: 'result',
  subtype: 'success',
  is_error: false,
  api_error_status: null,
  num_turns: 1,
  result: 'done',
});

describe('runClaude with fake CLIs', () => {
  it('classifies a non-zero exit as agent_failure and writes the transcript', async () => {
    const { bin, dir } = await fakeClaude(
      `console.log('plain text line'); console.log(${JSON.stringify(JSON.stringify({ type: 'system', subtype: 'init', session_id: 's-1' }))}); console.error('boom on stderr'); process.exit(3);`,
    );
    const transcriptPath = path.join(dir, 'logs', 'deep', 'task-1.attempt-1.jsonl');
    const result = await runClaude(options(bin, dir, { transcriptPath, label: { task: '1', attempt: 1 } }));
    expect(result).toMatchObject({
      exitCode: 3,
      signal: null,
      timedOut: false,
      interrupted: false,
      groupGone: true,
    });
    expect(result.classification).toMatchObject({ ok: false, errorClass: 'agent_failure' });
    expect(result.stderr).toContain('boom on stderr');
    expect(result.summary).toMatchObject({ sessionId: 's-1', otherLines: 1 });

    const lines = (await readFile(transcriptPath, 'utf8')).trimEnd().split('\n');
    const header = JSON.parse(lines[0] ?? '{}') as Record<string, unknown>;
    expect(header).toMatchObject({
      type: 'quantumwala_attempt',
      task: '1',
      attempt: 1,
      bin,
      cwd: dir,
      args: ['-p', '--', '<prompt: 24 chars>'],
    });
    expect(typeof header.started_at).toBe('string');
    expect(lines).toContain('plain text line');
    expect(lines.some((l) => l.includes('"session_id":"s-1"'))).toBe(true);
    expect(lines).toContain(JSON.stringify({ type: 'quantumwala_stderr', text: 'boom on stderr' }));
    expect(JSON.parse(lines.at(-1) ?? '{}')).toMatchObject({ type: 'quantumwala_exit', exit_code: 3 });
    expect(lines.join('\n')).not.toContain('secret prompt');
  });

  it('kills the whole process group at the timeout (SIGTERM ignored → SIGKILL) and leaves nothing behind', async () => {
    const { bin, dir } = await fakeClaude(
      `${STUBBORN_CHILD}\nprocess.on('SIGTERM', () => {});\nsetInterval(() => {}, 1000);`,
    );
    const result = await runClaude(options(bin, dir, { timeoutMs: 300 }));
    expect(result).toMatchObject({
      timedOut: true,
      stoppedFor: 'timeout',
      exitCode: null,
      signal: 'SIGKILL',
      groupGone: true,
    });
    expect(result.classification).toMatchObject({ ok: false, errorClass: 'timeout' });
    expect(result.pid).toBeGreaterThan(0);
    expect(errnoOf(() => process.kill(-(result.pid ?? 0), 0))).toBe('ESRCH');
  });

  it('stops the group on abort and classifies the attempt as interrupted', async () => {
    const { bin, dir } = await fakeClaude(
      `${STUBBORN_CHILD}\nconsole.log(JSON.stringify({ type: 'pids', child: child.pid }));\nsetInterval(() => {}, 1000);`,
    );
    const controller = new AbortController();
    let grandchild = 0;
    const result = await runClaude(
      options(bin, dir, {
        signal: controller.signal,
        onEvent: (event) => {
          if (event.kind === 'other' && event.type === 'pids') {
            grandchild = Number(event.raw.child);
            controller.abort();
          }
        },
      }),
    );
    expect(result).toMatchObject({ interrupted: true, stoppedFor: 'interrupted', groupGone: true });
    expect(result.classification).toMatchObject({ ok: false, errorClass: 'interrupted' });
    expect(grandchild).toBeGreaterThan(0);
    expect(errnoOf(() => process.kill(grandchild, 0))).toBe('ESRCH');
    expect(errnoOf(() => process.kill(-(result.pid ?? 0), 0))).toBe('ESRCH');
  });

  it('ends children left behind by a CLI that exits normally', async () => {
    const { bin, dir } = await fakeClaude(
      `${STUBBORN_CHILD}\nconsole.log(JSON.stringify({ type: 'pids', child: child.pid }));\nconsole.log(${JSON.stringify(RESULT_LINE)});\nchild.unref();`,
    );
    let grandchild = 0;
    const result = await runClaude(
      options(bin, dir, {
        onEvent: (event) => {
          if (event.kind === 'other' && event.type === 'pids') grandchild = Number(event.raw.child);
        },
      }),
    );
    expect(result).toMatchObject({ exitCode: 0, groupGone: true, classification: { ok: true } });
    expect(errnoOf(() => process.kill(grandchild, 0))).toBe('ESRCH');
  });

  it('does not start when already aborted', async () => {
    const { bin, dir } = await fakeClaude('process.exit(0);');
    const result = await runClaude(options(bin, dir, { signal: AbortSignal.abort() }));
    expect(result.classification).toMatchObject({ ok: false, errorClass: 'interrupted' });
  });

  it('rejects with ClaudeNotFoundError for a missing binary', async () => {
    const dir = await tempRepo();
    const run = runClaude(options(path.join(dir, 'no-such-claude'), dir));
    await expect(run).rejects.toBeInstanceOf(ClaudeNotFoundError);
    await expect(run).rejects.toThrow(/npm install -g @anthropic-ai\/claude-code/);
  });

  it('rejects when the onEvent hook throws (a programmer error), after cleaning up', async () => {
    const { bin, dir } = await fakeClaude(`console.log(${JSON.stringify(RESULT_LINE)});`);
    await expect(
      runClaude(
        options(bin, dir, {
          onEvent: () => {
            throw new Error('hook bug');
          },
        }),
      ),
    ).rejects.toThrow('hook bug');
  });
});
