import { chmod, mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { defaultConfig } from '../../src/config/config-schema.js';
import { buildClaudeArgs, claudeEnv, redactPrompt } from '../../src/exec/claude-args.js';
import { ClaudeNotFoundError } from '../../src/exec/claude-not-found-error.js';
import { resolveClaudeBin } from '../../src/exec/resolve-claude-bin.js';
import { runClaude } from '../../src/exec/run-claude.js';
import { tempRepo } from '../support/temp-repo.js';

const exec = defaultConfig().execution;

async function executable(dir: string, name: string, body: string): Promise<string> {
  const file = path.join(dir, name);
  await mkdir(path.dirname(file), { recursive: true });
  await writeFile(file, `#!${process.execPath}\n${body}\n`);
  await chmod(file, 0o755);
  return file;
}

describe('buildClaudeArgs', () => {
  it('builds print-mode stream-json args from the defaults, with the prompt last after --', () => {
    expect(buildClaudeArgs({ prompt: 'do it' }, exec)).toEqual([
      '-p',
      '--output-format',
      'stream-json',
      '--verbose',
      '--allowedTools',
      'Read,Glob,Grep,LS,TodoWrite',
      '--permission-mode',
      'acceptEdits',
      '--',
      'do it',
    ]);
  });

  it('adds limits, model, fallback model, agent, tool lists, budget, permission mode and extra args', () => {
    const config = {
      ...exec,
      max_turns: 30,
      model: 'opus',
      fallback_model: 'sonnet',
      allowed_tools: ['Read', 'Bash(git diff:*)'],
      disallowed_tools: ['WebFetch'],
      max_budget_usd: 2.5,
      permission_mode: 'default' as const,
      extra_args: ['--add-dir', '../shared'],
    };
    expect(buildClaudeArgs({ prompt: 'p', agent: 'spec-task-executor' }, config)).toEqual([
      '-p',
      '--output-format',
      'stream-json',
      '--verbose',
      '--max-turns',
      '30',
      '--model',
      'opus',
      '--fallback-model',
      'sonnet',
      '--agent',
      'spec-task-executor',
      '--allowedTools',
      'Read,Bash(git diff:*)',
      '--disallowedTools',
      'WebFetch',
      '--max-budget-usd',
      '2.5',
      '--permission-mode',
      'default',
      '--add-dir',
      '../shared',
      '--',
      'p',
    ]);
  });

  it('lets overrides win, and drops --fallback-model when it equals the model', () => {
    const config = { ...exec, model: 'opus', fallback_model: 'sonnet', allowed_tools: [] };
    const args = buildClaudeArgs({ prompt: 'p', agent: 'a' }, config, {
      model: 'sonnet',
      agent: 'b',
      maxTurns: 5,
      maxBudgetUsd: 1,
    });
    expect(args).toEqual([
      '-p',
      '--output-format',
      'stream-json',
      '--verbose',
      '--max-turns',
      '5',
      '--model',
      'sonnet',
      '--agent',
      'b',
      '--max-budget-usd',
      '1',
      '--permission-mode',
      'acceptEdits',
      '--',
      'p',
    ]);
  });

  it('redacts the prompt for logs', () => {
    expect(
      redactPrompt(buildClaudeArgs({ prompt: 'secret\nprompt' }, { ...exec, allowed_tools: [] })),
    ).toEqual([
      '-p',
      '--output-format',
      'stream-json',
      '--verbose',
      '--permission-mode',
      'acceptEdits',
      '--',
      '<prompt: 13 chars>',
    ]);
  });

  it('passes a prompt with shell metacharacters byte-for-byte as one argument', async () => {
    const dir = await tempRepo();
    const bin = await executable(
      dir,
      'fake-claude',
      'console.log(JSON.stringify({ type: "argv", argv: process.argv.slice(2) }));',
    );
    const prompt =
      'Task ID: 1\n$(rm -rf /) `touch pwned` "double" \'single\' ; | & > out.txt\n\t-- --help *\\n ünï 🚀\n';
    const args = buildClaudeArgs({ prompt }, exec);
    const seen: unknown[] = [];
    const result = await runClaude({
      bin,
      args,
      env: { PATH: process.env.PATH },
      cwd: dir,
      timeoutMs: 60_000,
      killGraceMs: 1000,
      onEvent: (e) => {
        if (e.kind === 'other' && e.type === 'argv') seen.push(e.raw.argv);
      },
    });
    expect(result.exitCode).toBe(0);
    expect(seen).toEqual([args]);
    expect((seen[0] as string[]).at(-1)).toBe(prompt);
  });
});

describe('claudeEnv', () => {
  it('sets CLAUDE_CODE_MAX_RETRIES and drops the parent session markers', () => {
    const env = claudeEnv(
      { ...exec, claude_max_retries: 1 },
      { PATH: '/bin', CLAUDECODE: '1', CLAUDE_CODE_MAX_RETRIES: '10' },
    );
    expect(env).toEqual({ PATH: '/bin', CLAUDE_CODE_MAX_RETRIES: '1' });
  });
});

describe('resolveClaudeBin', () => {
  it('finds claude on PATH without a shell, skipping non-executables', async () => {
    const dir = await tempRepo();
    await mkdir(path.join(dir, 'a'));
    await writeFile(path.join(dir, 'a', 'claude'), 'not executable');
    const bin = await executable(dir, 'b/claude', '');
    const env = {
      PATH: [path.join(dir, 'missing'), path.join(dir, 'a'), path.join(dir, 'b')].join(path.delimiter),
    };
    expect(resolveClaudeBin({ env })).toBe(bin);
  });

  it('prefers execution.claude_path, then QUANTUMWALA_CLAUDE_PATH', async () => {
    const dir = await tempRepo();
    const one = await executable(dir, 'one', '');
    const two = await executable(dir, 'two', '');
    expect(resolveClaudeBin({ claudePath: one, env: { QUANTUMWALA_CLAUDE_PATH: two } })).toBe(one);
    expect(resolveClaudeBin({ env: { QUANTUMWALA_CLAUDE_PATH: two } })).toBe(two);
    expect(resolveClaudeBin({ claudePath: './one', cwd: dir, env: {} })).toBe(one);
  });

  it('throws ClaudeNotFoundError saying how to install it', () => {
    let error: unknown;
    try {
      resolveClaudeBin({ env: { PATH: '/nonexistent-qw' } });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ClaudeNotFoundError);
    expect((error as Error).message).toContain('npm install -g @anthropic-ai/claude-code');
    expect((error as Error).message).toContain('execution.claude_path');
    expect(() => resolveClaudeBin({ claudePath: '/nonexistent-qw/claude' })).toThrow(
      /does not exist.*\n.*npm install -g/,
    );
  });
});
