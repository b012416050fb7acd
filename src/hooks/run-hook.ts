import { access, constants, realpath } from 'node:fs/promises';
import path from 'node:path';
import { execa } from 'execa';
import type { QuantumwalaConfig } from '../config/index.js';

export type HookName = 'pre_task' | 'post_task' | 'post_command';

export type HookResult =
  | { ran: false }
  | { ran: true; ok: true; durationMs: number; output: string }
  | { ran: true; ok: false; durationMs: number; output: string; reason: string };

const OUTPUT_LIMIT = 4000;

/**
 * Runs one of the seed's hook scripts (`hooks.<name>.script`, repo-relative) with its timeout and the
 * task's context in `QUANTUMWALA_*` variables. No shell: an executable script runs directly, any
 * other through `sh`. The script's real path must stay inside the repository.
 */
export async function runHook(
  config: QuantumwalaConfig,
  name: HookName,
  context: { repoDir: string; cwd?: string; env: Record<string, string | undefined> },
): Promise<HookResult> {
  const hook = config.hooks[name];
  if (!hook || !hook.enabled) return { ran: false };
  const started = Date.now();
  const fail = (reason: string, output = ''): HookResult => ({
    ran: true,
    ok: false,
    durationMs: Date.now() - started,
    output,
    reason: `${name} hook ${hook.script}: ${reason}`,
  });

  const root = await realpath(context.repoDir);
  let script: string;
  try {
    script = await realpath(path.join(root, hook.script));
  } catch {
    return fail('script not found');
  }
  if (!script.startsWith(root + path.sep)) return fail('script resolves outside the repository');
  const executable = await access(script, constants.X_OK).then(
    () => true,
    () => false,
  );
  const [file, args] = executable ? [script, []] : ['sh', [script]];
  const result = await execa(file, args, {
    cwd: context.cwd ?? root,
    env: { ...context.env, QUANTUMWALA_HOOK: name },
    timeout: hook.timeout * 1000,
    killSignal: 'SIGTERM',
    forceKillAfterDelay: 2000,
    reject: false,
    all: true,
    stdin: 'ignore',
  });
  const output = (result.all ?? '').slice(-OUTPUT_LIMIT);
  if (result.timedOut) return fail(`timed out after ${hook.timeout} s`, output);
  if (result.exitCode !== 0) {
    const last = output.trim().split('\n').at(-1) ?? '';
    return fail(
      `exited with status ${result.exitCode ?? result.signal ?? '?'}${last ? `: ${last}` : ''}`,
      output,
    );
  }
  return { ran: true, ok: true, durationMs: Date.now() - started, output };
}
