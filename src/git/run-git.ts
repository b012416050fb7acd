import { execa } from 'execa';

export interface RunGitOptions {
  cwd: string;
  env?: Record<string, string>;
  input?: string;
  /** Return a non-zero exit instead of throwing. */
  allowFail?: boolean;
}

export interface GitResult {
  /** Raw output: not trimmed, so blob contents come back exactly. */
  stdout: string;
  stderr: string;
  exitCode: number;
}

export class GitError extends Error {
  readonly args: readonly string[];
  readonly stderr: string;
  readonly exitCode: number;

  constructor(args: readonly string[], result: { stderr: string; exitCode: number }, cwd: string) {
    const detail = result.stderr.trim() || `exit code ${result.exitCode}`;
    super(`git ${args.join(' ')} (in ${cwd}) failed: ${detail}`);
    this.name = 'GitError';
    this.args = args;
    this.stderr = result.stderr;
    this.exitCode = result.exitCode;
  }
}

/**
 * Variables that point git at another repository or index. A caller running inside a git hook (or a
 * test runner started from one) inherits them, and they would override `cwd`.
 */
const REPO_ENV = [
  'GIT_DIR',
  'GIT_WORK_TREE',
  'GIT_INDEX_FILE',
  'GIT_COMMON_DIR',
  'GIT_OBJECT_DIRECTORY',
  'GIT_ALTERNATE_OBJECT_DIRECTORIES',
  'GIT_IMPLICIT_WORK_TREE',
  'GIT_PREFIX',
  'GIT_NAMESPACE',
];

function gitEnv(extra: Record<string, string> | undefined): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (v !== undefined && !REPO_ENV.includes(k)) env[k] = v;
  }
  return { ...env, LC_ALL: 'C', LANGUAGE: 'C', GIT_TERMINAL_PROMPT: '0', ...extra };
}

/** Runs git with an argument array (never a shell) and the C locale, so messages can be matched. */
export async function runGit(args: string[], options: RunGitOptions): Promise<GitResult> {
  const result = await execa('git', args, {
    cwd: options.cwd,
    env: gitEnv(options.env),
    extendEnv: false,
    input: options.input ?? '',
    reject: false,
    stripFinalNewline: false,
    maxBuffer: 512 * 1024 * 1024,
  });
  if (result.failed && result.exitCode === undefined) {
    // git did not run to completion (not installed, cwd missing, killed, output too large).
    throw new GitError(args, { stderr: result.message ?? 'git did not run', exitCode: -1 }, options.cwd);
  }
  const out: GitResult = {
    stdout: String(result.stdout),
    stderr: String(result.stderr),
    exitCode: result.exitCode ?? -1,
  };
  if (out.exitCode !== 0 && !options.allowFail) throw new GitError(args, out, options.cwd);
  return out;
}

/** Runs git and returns its trimmed output (for oids and one-line answers). */
export async function gitLine(args: string[], options: RunGitOptions): Promise<string> {
  return (await runGit(args, options)).stdout.trim();
}
