import { execa } from 'execa';

export interface RunGitOptions {
  cwd: string;
  /** Added to (or, where undefined, removed from) the cleaned inherited environment. */
  env?: Record<string, string | undefined>;
  input?: string | Buffer;
  /** Return a non-zero exit instead of throwing. */
  allowFail?: boolean;
}

export interface GitResult<Stdout extends string | Buffer = string> {
  /** Raw output: not trimmed, so blob contents come back exactly. */
  stdout: Stdout;
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

function gitEnv(extra: RunGitOptions['env']): Record<string, string> {
  const env: Record<string, string | undefined> = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (!REPO_ENV.includes(k)) env[k] = v;
  }
  Object.assign(env, { LC_ALL: 'C', LANGUAGE: 'C', GIT_TERMINAL_PROMPT: '0' }, extra);
  return Object.fromEntries(Object.entries(env).filter((e): e is [string, string] => e[1] !== undefined));
}

/** What execa gives back for a stream: text, or bytes with `encoding: 'buffer'`. */
type Output = string | Uint8Array;
const asText = (o: Output): string => (typeof o === 'string' ? o : Buffer.from(o).toString('utf8'));
const asBuffer = (o: Output): Buffer =>
  typeof o === 'string' ? Buffer.from(o) : Buffer.from(o.buffer, o.byteOffset, o.byteLength);

async function execGit<Stdout extends string | Buffer>(
  args: string[],
  options: RunGitOptions,
  encoding: 'utf8' | 'buffer',
  toStdout: (stdout: Output) => Stdout,
): Promise<GitResult<Stdout>> {
  const result = await execa('git', args, {
    cwd: options.cwd,
    env: gitEnv(options.env),
    extendEnv: false,
    input: options.input ?? '',
    encoding,
    reject: false,
    stripFinalNewline: false,
    maxBuffer: 512 * 1024 * 1024,
  });
  if (result.failed && result.exitCode === undefined) {
    // git did not run to completion (not installed, cwd missing, killed, output too large).
    throw new GitError(args, { stderr: result.message ?? 'git did not run', exitCode: -1 }, options.cwd);
  }
  const out: GitResult<Stdout> = {
    stdout: toStdout(result.stdout),
    stderr: asText(result.stderr),
    exitCode: result.exitCode ?? -1,
  };
  if (out.exitCode !== 0 && !options.allowFail) throw new GitError(args, out, options.cwd);
  return out;
}

/** Runs git with an argument array (never a shell) and the C locale, so messages can be matched. */
export function runGit(args: string[], options: RunGitOptions): Promise<GitResult> {
  return execGit(args, options, 'utf8', asText);
}

/** `runGit` with stdout as raw bytes, for binary output such as `cat-file --batch` of a tree. */
export function runGitRaw(args: string[], options: RunGitOptions): Promise<GitResult<Buffer>> {
  return execGit(args, options, 'buffer', asBuffer);
}

/** Runs git and returns its trimmed output (for oids and one-line answers). */
export async function gitLine(args: string[], options: RunGitOptions): Promise<string> {
  return (await runGit(args, options)).stdout.trim();
}
