#!/usr/bin/env node
import { realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { ConfigError, type ConfigFlag } from '../config/index.js';
import { UserError } from '../errors.js';
import { listCommand } from './commands/list.js';
import { planCommand } from './commands/plan.js';
import { validateCommand } from './commands/validate.js';
import type { CliIo } from './io.js';
import { VERSION } from '../version.js';

export const USAGE = `Usage: quantumwala <command> [options]

Commands:
  list                       List the specs found in the repository
  validate [spec...]         Parse specs and check their dependency graphs (all specs when none named)
  plan <spec>                Show a spec's dependency graph, waves and critical path

Options:
  --repo DIR                 Repository root (default: the current directory)
  --format text|json|mermaid Output format of plan (default: text)
  --include-optional         Schedule optional tasks ("- [ ]*") too
  -h, --help                 Show this help
  -v, --version              Show the version

Exit status: 0 success, 1 errors in specs or config, 2 bad usage.`;

const OPTIONS = {
  repo: { type: 'string' },
  format: { type: 'string' },
  'include-optional': { type: 'boolean' },
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
    if (!(FORMATS as readonly string[]).includes(format)) {
      throw new UsageError(`--format must be one of ${FORMATS.join(', ')} (got "${format}")`);
    }
    const flags: ConfigFlag[] = [];
    if (values['include-optional']) {
      flags.push({ key: 'workflow.include_optional', value: true, source: '--include-optional' });
    }
    const common = { repoDir: values.repo ?? io.cwd, env: io.env, flags };
    switch (command) {
      case 'list':
        if (args.length > 0) throw new UsageError(`list takes no arguments (got "${args.join(' ')}")`);
        return await listCommand(common, io);
      case 'validate':
        return await validateCommand({ ...common, specs: args }, io);
      case 'plan': {
        if (args.length !== 1) throw new UsageError('plan takes exactly one spec name');
        return await planCommand(
          { ...common, spec: args[0] as string, format: format as (typeof FORMATS)[number] },
          io,
        );
      }
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
  const io: CliIo = {
    stdout: (s) => process.stdout.write(s.endsWith('\n') ? s : `${s}\n`),
    stderr: (s) => process.stderr.write(s.endsWith('\n') ? s : `${s}\n`),
    cwd: process.cwd(),
    env: process.env,
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
