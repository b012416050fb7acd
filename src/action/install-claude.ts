import path from 'node:path';
import * as core from '@actions/core';
import { execa } from 'execa';
import { ClaudeNotFoundError } from '../exec/claude-not-found-error.js';
import { resolveClaudeBin } from '../exec/resolve-claude-bin.js';

/**
 * The claude executable for a job: execution.claude_path, else `claude` on PATH, else the pinned
 * @anthropic-ai/claude-code version installed with npm into the runner's temp folder (said in the log).
 */
export async function findOrInstallClaude(options: {
  claudePath: string | undefined;
  version: string;
  env: NodeJS.ProcessEnv;
  cwd: string;
}): Promise<string> {
  try {
    return resolveClaudeBin({ claudePath: options.claudePath, env: options.env, cwd: options.cwd });
  } catch (err) {
    if (!(err instanceof ClaudeNotFoundError) || options.claudePath) throw err;
  }
  if (!/^[\w.-]+$/.test(options.version))
    throw new Error(`input claude-version is not a version: ${options.version}`);
  const prefix = path.join(options.env.RUNNER_TEMP ?? options.cwd, 'quantumwala-claude');
  core.info(
    `claude is not on PATH: installing @anthropic-ai/claude-code@${options.version} with npm into ${prefix}`,
  );
  await execa(
    'npm',
    [
      'install',
      '--no-save',
      '--no-audit',
      '--no-fund',
      '--prefix',
      prefix,
      `@anthropic-ai/claude-code@${options.version}`,
    ],
    { stdio: 'inherit', env: options.env },
  );
  return resolveClaudeBin({
    claudePath: path.join(prefix, 'node_modules', '.bin', 'claude'),
    env: options.env,
  });
}
