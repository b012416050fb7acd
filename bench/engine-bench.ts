import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { defaultConfig } from '../src/config/index.js';
import { buildClaudeArgs, claudeEnv as cliEnv } from '../src/exec/claude-args.js';
import { runClaude } from '../src/exec/run-claude.js';
import { runSpec } from '../src/engine/run-spec.js';
import { runGit } from '../src/git/index.js';
import { claudeBinPath, claudeEnv } from '../test/support/claude-cli.js';
import { startScriptedAnthropic } from '../test/support/scripted-anthropic.js';

export interface EngineBenchResult {
  tasks: number;
  cliOnlyMs: number;
  engineMs: number;
  overheadPerTaskMs: number;
}

/**
 * Orchestration overhead per task: N one-file tasks run by the engine one at a time (worktree, prompt,
 * session, commit, landing, state events), against the same N sessions run bare with the same
 * arguments; the scripted endpoint answers at once, so the difference is what the engine adds.
 */
export async function benchEngine(n = 6): Promise<EngineBenchResult> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'qw-bench-'));
  const server = await startScriptedAnthropic({ delayMs: 0 });
  try {
    const env = {
      ...claudeEnv(server.url, path.join(dir, 'home')),
      QUANTUMWALA_CLAUDE_PATH: claudeBinPath(),
    };
    const repo = path.join(dir, 'repo');
    await mkdir(path.join(repo, '.kiro/specs/bench'), { recursive: true });
    const tasks = Array.from(
      { length: n },
      (_, i) => `- [ ] ${i + 1}. Task ${i + 1} in \`out/${i + 1}.txt\`\n  - _Depends: none_\n`,
    );
    await writeFile(path.join(repo, '.kiro/specs/bench/tasks.md'), tasks.join(''));
    for (const args of [
      ['init', '-q', '-b', 'main'],
      ['add', '-A'],
      ['-c', 'user.name=b', '-c', 'user.email=b@b', 'commit', '-qm', 'spec'],
    ]) {
      await runGit(args, { cwd: repo });
    }

    const config = defaultConfig();
    const bare = path.join(dir, 'bare');
    await mkdir(bare);
    const t0 = performance.now();
    for (let i = 1; i <= n; i++) {
      const prompt = `Task ID: ${i}\nTask: Task ${i} in \`out/${i}.txt\`\n`;
      const result = await runClaude({
        bin: claudeBinPath(),
        args: buildClaudeArgs({ prompt }, config.execution),
        env: cliEnv(config.execution, env),
        cwd: bare,
        timeoutMs: 120_000,
        killGraceMs: 2000,
      });
      if (!result.classification.ok)
        throw new Error(`bare session ${i} failed: ${result.classification.message}`);
    }
    const cliOnlyMs = performance.now() - t0;

    const t1 = performance.now();
    const out = await runSpec({
      repoDir: repo,
      spec: 'bench',
      env,
      flags: [{ key: 'resources.max_concurrent_tasks', value: 1, source: '--max-concurrent' }],
      signal: new AbortController().signal,
      onWarning: () => undefined,
    });
    const engineMs = performance.now() - t1;
    if (out.result?.status !== 'succeeded')
      throw new Error(`engine run ${out.result?.status}: ${out.result?.message}`);
    return { tasks: n, cliOnlyMs, engineMs, overheadPerTaskMs: (engineMs - cliOnlyMs) / n };
  } finally {
    await server.close();
    await rm(dir, { recursive: true, force: true });
  }
}
