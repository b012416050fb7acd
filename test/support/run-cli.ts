import { main } from '../../src/cli/main.js';

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the CLI in-process, as a terminal would, and collects what it prints. */
export async function runCli(
  args: string[],
  options: { cwd: string; env?: NodeJS.ProcessEnv },
): Promise<CliRun> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(args, {
    stdout: (s) => out.push(s.endsWith('\n') ? s : `${s}\n`),
    stderr: (s) => err.push(s.endsWith('\n') ? s : `${s}\n`),
    cwd: options.cwd,
    env: options.env ?? {},
  });
  return { code, stdout: out.join(''), stderr: err.join('') };
}
