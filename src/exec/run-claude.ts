import { createWriteStream, type WriteStream } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { execa } from 'execa';
import { redactPrompt } from './claude-args.js';
import { ClaudeNotFoundError } from './claude-not-found-error.js';
import { classifyAttempt, isFatalApiRetry, type AttemptClassification } from './classify-error.js';
import { reapGroup, signalGroup, trackGroup } from './process-group.js';
import { StreamParser, type StreamEventHandler, type StreamSummary } from './stream-parser.js';

export interface RunClaudeOptions {
  /** The resolved executable (resolveClaudeBin). */
  bin: string;
  /** The argument array (buildClaudeArgs); passed as is, never through a shell. */
  args: readonly string[];
  /** The complete environment (claudeEnv); nothing else is inherited. */
  env: NodeJS.ProcessEnv;
  cwd: string;
  timeoutMs: number;
  /** Time between SIGTERM and SIGKILL when the session is stopped. */
  killGraceMs: number;
  /** Where to write the transcript (JSON lines; folders are created); none when undefined. */
  transcriptPath?: string | undefined;
  /** Aborting stops the session and classifies the attempt as interrupted. */
  signal?: AbortSignal | undefined;
  onEvent?: StreamEventHandler | undefined;
  /** For the transcript's header line. */
  label?: { task?: string; attempt?: number } | undefined;
  /** Stop at the first api_retry for HTTP 401/403 instead of waiting out the CLI's retries (default true). */
  stopOnFatalApiRetry?: boolean | undefined;
}

export type StopReason = 'timeout' | 'interrupted' | 'auth';

export interface AttemptResult {
  exitCode: number | null;
  signal: string | null;
  timedOut: boolean;
  interrupted: boolean;
  /** Why the orchestrator stopped the session, when it did. */
  stoppedFor?: StopReason;
  summary: StreamSummary;
  /** The last 64 KiB of stderr (all of it is in the transcript). */
  stderr: string;
  startedAt: string;
  durationMs: number;
  classification: AttemptClassification;
  /** Why the transcript could not be written completely, if it could not (the attempt itself is unaffected). */
  transcriptError?: string;
  /** False if something of the process group outlived the cleanup (should not happen). */
  groupGone: boolean;
  pid?: number;
}

const STDERR_KEEP = 64 * 1024;
const MAX_TIMER_MS = 2 ** 31 - 1;

async function openTranscript(file: string | undefined): Promise<WriteStream | undefined> {
  if (file === undefined) return undefined;
  await mkdir(path.dirname(file), { recursive: true });
  return createWriteStream(file, { flags: 'w' });
}

/** Ends the transcript; a write error was already recorded by the caller's listener. */
function closeTranscript(stream: WriteStream | undefined): Promise<void> {
  if (stream === undefined || stream.destroyed) return Promise.resolve();
  return new Promise((resolve) => {
    stream.once('error', () => resolve());
    stream.end(() => resolve());
  });
}

function errnoCode(value: unknown): string | undefined {
  if (typeof value !== 'object' || value === null || !('code' in value)) return undefined;
  return typeof value.code === 'string' ? value.code : undefined;
}

/**
 * Runs one Claude Code CLI session as its own process group, streaming stdout through the parser and
 * into the transcript. On timeout, abort or a fatal API error it sends SIGTERM to the whole group and
 * SIGKILL after the grace period; after the CLI exits, whatever is left of its group is ended too.
 * Resolves for every outcome of the CLI (failed, killed, timed out); rejects only when the binary
 * cannot be started (ClaudeNotFoundError) or for a programmer error (e.g. onEvent threw).
 */
export async function runClaude(options: RunClaudeOptions): Promise<AttemptResult> {
  const { bin, args, env, cwd } = options;
  if (!(options.timeoutMs > 0) || !(options.killGraceMs >= 0)) {
    throw new RangeError(
      `runClaude: bad timeoutMs ${options.timeoutMs} or killGraceMs ${options.killGraceMs}`,
    );
  }
  // setTimeout fires at once for delays past 2^31-1 ms; no session runs for 24 days anyway.
  const timeoutMs = Math.min(options.timeoutMs, MAX_TIMER_MS);
  const killGraceMs = Math.min(options.killGraceMs, MAX_TIMER_MS);
  const startedAt = new Date();
  const transcript = await openTranscript(options.transcriptPath);
  let transcriptError: string | undefined;
  transcript?.on('error', (error) => {
    transcriptError ??= error.message;
  });
  const write = (record: unknown): void => void transcript?.write(`${JSON.stringify(record)}\n`);
  write({
    type: 'quantumwala_attempt',
    task: options.label?.task,
    attempt: options.label?.attempt,
    bin,
    args: redactPrompt(args),
    cwd,
    started_at: startedAt.toISOString(),
  });

  let stoppedFor: StopReason | undefined;
  let hookError: unknown;
  let stop: (reason: StopReason) => void = () => undefined;
  const parser = new StreamParser((event) => {
    if (event.kind === 'api_retry' && options.stopOnFatalApiRetry !== false && isFatalApiRetry(event.retry)) {
      stop('auth');
    }
    try {
      options.onEvent?.(event);
    } catch (error) {
      hookError ??= error;
      stop('interrupted');
    }
  });

  if (options.signal?.aborted) {
    await closeTranscript(transcript);
    const summary = parser.summary();
    const outcome = { exitCode: null, signal: null, timedOut: false, interrupted: true, summary, stderr: '' };
    return {
      ...outcome,
      stoppedFor: 'interrupted',
      startedAt: startedAt.toISOString(),
      durationMs: 0,
      classification: classifyAttempt(outcome),
      groupGone: true,
    };
  }

  const child = execa(bin, [...args], {
    cwd,
    env,
    extendEnv: false,
    detached: true,
    cleanup: false,
    stdin: 'ignore',
    stdout: 'pipe',
    stderr: 'pipe',
    buffer: false,
    reject: false,
    forceKillAfterDelay: false,
  });
  const pid = child.pid;
  const untrack = pid !== undefined ? trackGroup(pid) : () => false;

  let killTimer: NodeJS.Timeout | undefined;
  stop = (reason) => {
    if (stoppedFor !== undefined || pid === undefined) return;
    stoppedFor = reason;
    signalGroup(pid, 'SIGTERM');
    killTimer = setTimeout(() => signalGroup(pid, 'SIGKILL'), killGraceMs);
  };
  const timer = setTimeout(() => stop('timeout'), timeoutMs);
  const onAbort = (): void => stop('interrupted');
  options.signal?.addEventListener('abort', onAbort, { once: true });

  child.stdout?.on('data', (chunk: Buffer) => {
    for (const line of parser.push(chunk)) transcript?.write(`${line}\n`);
  });
  let stderr = '';
  let stderrLine = '';
  child.stderr?.setEncoding('utf8');
  child.stderr?.on('data', (text: string) => {
    stderr = (stderr + text).slice(-STDERR_KEEP);
    const lines = (stderrLine + text).split('\n');
    stderrLine = lines.pop() ?? '';
    for (const line of lines) write({ type: 'quantumwala_stderr', text: line });
  });

  const result = await child;
  clearTimeout(timer);
  options.signal?.removeEventListener('abort', onAbort);
  for (const line of parser.end()) transcript?.write(`${line}\n`);
  if (stderrLine !== '') write({ type: 'quantumwala_stderr', text: stderrLine });

  const groupGone = pid === undefined ? true : await reapGroup(pid, killGraceMs);
  clearTimeout(killTimer);
  untrack();

  const cause = result.cause;
  if (pid === undefined || (result.failed && result.exitCode === undefined && result.signal === undefined)) {
    await closeTranscript(transcript);
    const code = errnoCode(cause);
    if (code === 'ENOENT' || code === 'EACCES') {
      throw new ClaudeNotFoundError(`Cannot start the Claude Code CLI ${bin} (${code}).`, [bin]);
    }
    throw cause instanceof Error ? cause : new Error(`cannot start ${bin}: ${String(cause)}`);
  }

  const summary = parser.summary();
  const outcome = {
    exitCode: result.exitCode ?? null,
    signal: result.signal ?? null,
    timedOut: stoppedFor === 'timeout',
    interrupted: stoppedFor === 'interrupted',
    summary,
    stderr,
  };
  const classification = classifyAttempt(outcome);
  const durationMs = Date.now() - startedAt.getTime();
  write({
    type: 'quantumwala_exit',
    exit_code: outcome.exitCode,
    signal: outcome.signal,
    stopped_for: stoppedFor ?? null,
    duration_ms: durationMs,
    classification,
  });
  await closeTranscript(transcript);
  if (hookError !== undefined) throw hookError;
  return {
    ...outcome,
    ...(stoppedFor !== undefined ? { stoppedFor } : {}),
    ...(transcriptError !== undefined ? { transcriptError } : {}),
    startedAt: startedAt.toISOString(),
    durationMs,
    classification,
    groupGone,
    pid,
  };
}
