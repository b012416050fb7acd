import { accessSync, constants, statSync } from 'node:fs';
import path from 'node:path';
import { ClaudeNotFoundError } from './claude-not-found-error.js';

export interface ResolveClaudeBinOptions {
  /** execution.claude_path (the config layer already maps QUANTUMWALA_CLAUDE_PATH onto it). */
  claudePath?: string | undefined;
  /** The environment to read QUANTUMWALA_CLAUDE_PATH, PATH and PATHEXT from; default process.env. */
  env?: NodeJS.ProcessEnv;
  /** Base for a relative claude_path; default process.cwd(). */
  cwd?: string;
  platform?: NodeJS.Platform;
}

function isExecutableFile(file: string, platform: NodeJS.Platform): boolean {
  try {
    if (!statSync(file).isFile()) return false;
    if (platform !== 'win32') accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/**
 * The absolute path of the `claude` executable: execution.claude_path, else QUANTUMWALA_CLAUDE_PATH,
 * else the first `claude` on PATH (searched here, without a shell). A configured name without a
 * slash (`claude-beta`) is looked up on PATH too. Throws {@link ClaudeNotFoundError}.
 */
export function resolveClaudeBin(options: ResolveClaudeBinOptions = {}): string {
  const env = options.env ?? process.env;
  const platform = options.platform ?? process.platform;
  const configured = options.claudePath ?? (env.QUANTUMWALA_CLAUDE_PATH || undefined);
  const name = configured ?? 'claude';

  if (name.includes('/') || (platform === 'win32' && name.includes('\\'))) {
    const file = path.resolve(options.cwd ?? process.cwd(), name);
    if (isExecutableFile(file, platform)) return file;
    throw new ClaudeNotFoundError(
      `The configured Claude Code CLI ${file} does not exist or is not executable.`,
      [file],
    );
  }

  const dirs = (env.PATH ?? env.Path ?? '').split(path.delimiter).filter((d) => d !== '');
  const exts =
    platform === 'win32'
      ? ['', ...(env.PATHEXT ?? '.EXE;.CMD;.BAT;.COM').split(';').filter((e) => e !== '')]
      : [''];
  const searched: string[] = [];
  for (const dir of dirs) {
    for (const ext of exts) {
      const file = path.resolve(dir, name + ext);
      searched.push(file);
      if (isExecutableFile(file, platform)) return file;
    }
  }
  const where =
    configured === undefined
      ? 'The Claude Code CLI (`claude`)'
      : `The configured Claude Code CLI \`${name}\``;
  throw new ClaudeNotFoundError(`${where} was not found on PATH.`, searched);
}
