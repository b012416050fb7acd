#!/usr/bin/env node
import { realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { ConfigError, type ConfigFlag } from '../config/index.js';
import { UserError } from '../errors.js';
import { initCommand } from './commands/init.js';
import { listCommand } from './commands/list.js';
import { planCommand } from './commands/plan.js';
import { runCommand } from './commands/run.js';
import { statusCommand } from './commands/status.js';
import { validateCommand } from './commands/validate.js';
import type { CliIo } from './io.js';
import { VERSION } from '../version.js';

export const USAGE = `Usage: quantumwala <command> [options]

Commands:
  list                       List the specs found in the repository
  validate [spec...]         Parse specs and check their dependency graphs (all specs when none named)
  plan <spec>                Show a spec's dependency graph, waves and critical path
  run <spec>                 Run the spec's pending tasks as Claude Code sessions
  status [spec]              Show what the state branch records: per task status, attempts, cost
  init                       Write the matrix workflow and a commented .github/quantumwala.yml

Options:
  --repo DIR                 Repository root (default: the current directory)
  --format FORMAT            plan: text|json|mermaid; status: text|json (default: text)
  --include-optional         Schedule optional tasks ("- [ ]*") too
  --max-concurrent N         run: sessions at once (default: resources.max_concurrent_tasks)
  --only IDS                 run: only these task IDs (comma-separated; a group means its tasks)
  --dry-run                  run: show what would run, change nothing
  --force                    init: overwrite the files if they exist
  -h, --help                 Show this help
  -v, --version              Show the version

Exit status: 0 success, 1 errors in specs or config or a task that did not succeed, 2 bad usage.`;

const OPTIONS = {
  repo: { type: 'string' },
  format: { type: 'string' },
  'include-optional': { type: 'boolean' },
  'max-concurrent': { type: 'string' },
  only: { type: 'string' },
  'dry-run': { type: 'boolean' },
  force: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
  version: { type: 'boolean', short: 'v' },
} satisfies ParseArgsConfig['options'];

const FORMATS = ['text', 'json', 'mermaid'] as const;

class UsageError extends Error {}

/** Runs the CLI; returns the exit status. Never calls process.exit, so tests can run it in-process. */
export async function main(argv: readonly string[], io: CliIo): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({ args: [...argv], options: OPTIONS, allowPositionals: true, strict: true });
  } catch (err) {
    io.stderr(`quantumwala: ${(err as Error).message}\n\n${USAGE}`);
    return 2;
  }
  const { values, positionals } = parsed;
  if (values.version) {
    io.stdout(VERSION);
    return 0;
  }
  const [command, ...args] = positionals;
  if (values.help || command === undefined || command === 'help') {
    (command === undefined && !values.help ? io.stderr : io.stdout)(USAGE);
    return command === undefined && !values.help ? 2 : 0;
  }
  try {
    const format = values.format ?? 'text';
    const formats: readonly string[] = command === 'status' ? ['text', 'json'] : FORMATS;
    if (!formats.includes(format)) {
      throw new UsageError(`--format must be one of ${formats.join(', ')} (got "${format}")`);
    }
    const flags: ConfigFlag[] = [];
    if (values['include-optional']) {
      flags.push({ key: 'workflow.include_optional', value: true, source: '--include-optional' });
    }
    if (values['max-concurrent'] !== undefined) {
      const raw = values['max-concurrent'];
      if (!/^\d+$/.test(raw))
        throw new UsageError(`--max-concurrent takes a positive whole number (got "${raw}")`);
      flags.push({ key: 'resources.max_concurrent_tasks', value: Number(raw), source: '--max-concurrent' });
    }
    const runOnly =
      (values.only !== undefined || values['dry-run'] || values['max-concurrent'] !== undefined) &&
      command !== 'run';
    if (runOnly) throw new UsageError('--only, --dry-run and --max-concurrent go with run');
    if (values.force && command !== 'init') throw new UsageError('--force goes with init');
    const common = { repoDir: values.repo ?? io.cwd, env: io.env, flags };
    switch (command) {
      case 'list':
        if (args.length > 0) throw new UsageError(`list takes no arguments (got "${args.join(' ')}")`);
        return await listCommand(common, io);
      case 'validate':
        return await validateCommand({ ...common, specs: args }, io);
      case 'run': {
        if (args.length !== 1) throw new UsageError('run takes exactly one spec name');
        const only = values.only
          ?.split(',')
          .map((s) => s.trim())
          .filter(Boolean);
        return await runCommand(
          {
            ...common,
            spec: args[0] as string,
            ...(only ? { only } : {}),
            dryRun: values['dry-run'] ?? false,
            signal: io.signal ?? new AbortController().signal,
            ...(io.tty ? { tty: io.tty } : {}),
          },
          io,
        );
      }
      case 'status':
        if (args.length > 1) throw new UsageError('status takes at most one spec name');
        return await statusCommand(
          { ...common, ...(args[0] ? { spec: args[0] } : {}), format: format as 'text' | 'json' },
          io,
        );
      case 'plan': {
        if (args.length !== 1) throw new UsageError('plan takes exactly one spec name');
        return await planCommand(
          { ...common, spec: args[0] as string, format: format as (typeof FORMATS)[number] },
          io,
        );
      }
      case 'init':
        if (args.length > 0) throw new UsageError(`init takes no arguments (got "${args.join(' ')}")`);
        return await initCommand({ repoDir: common.repoDir, force: values.force ?? false }, io);
      default:
        throw new UsageError(`unknown command "${command}"`);
    }
  } catch (err) {
    if (err instanceof UsageError) {
      io.stderr(`quantumwala: ${err.message}\n\n${USAGE}`);
      return 2;
    }
    if (err instanceof UserError || err instanceof ConfigError) {
      io.stderr(`quantumwala: ${err.message}`);
      return 1;
    }
    throw err;
  }
}

function isEntryPoint(): boolean {
  const script = process.argv[1];
  if (!script) return false;
  try {
    return realpathSync(script) === realpathSync(fileURLToPath(import.meta.url));
  } catch {
    return false;
  }
}

if (isEntryPoint()) {
  // Ctrl-C once: stop cleanly (sessions terminated, tasks recorded as interrupted). Twice: exit now.
  const controller = new AbortController();
  process.on('SIGINT', () => {
    if (controller.signal.aborted) process.exit(130);
    process.stderr.write('\nstopping: terminating running sessions (Ctrl-C again to exit at once)\n');
    controller.abort();
  });
  process.on('SIGTERM', () => controller.abort());
  const io: CliIo = {
    stdout: (s) => process.stdout.write(s.endsWith('\n') ? s : `${s}\n`),
    stderr: (s) => process.stderr.write(s.endsWith('\n') ? s : `${s}\n`),
    cwd: process.cwd(),
    env: process.env,
    signal: controller.signal,
    ...(process.stdout.isTTY ? { tty: process.stdout } : {}),
  };
  main(process.argv.slice(2), io).then(
    (code) => {
      process.exitCode = code;
    },
    (err: unknown) => {
      process.stderr.write(
        `quantumwala: internal error: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`,
      );
      process.exitCode = 70;
    },
  );
}
