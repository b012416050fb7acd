/**
 * `npm run demo`: copies the example spec (examples/text-stats) into a temporary git repository and
 * runs it end to end with the real `claude` CLI, three sessions at once. The CLI talks to a scripted
 * Anthropic-compatible endpoint on 127.0.0.1 (the project's test fixture): no model is called and no
 * key is needed, but the sessions, their tool calls, the worktrees, commits and state are all real.
 */
import { cp, mkdtemp } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { main } from '../src/cli/main.js';
import { runGit } from '../src/git/index.js';
import { claudeBinPath, claudeEnv } from '../test/support/claude-cli.js';
import { startScriptedAnthropic } from '../test/support/scripted-anthropic.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const say = (s = '') => process.stdout.write(`${s}\n`);

async function git(args: string[], cwd: string): Promise<string> {
  return (await runGit(args, { cwd })).stdout.trim();
}

async function demo(): Promise<number> {
  say('Quantumwala demo: the example spec examples/text-stats, run end to end on this machine.');
  say('Claude Code runs for real, but it talks to a SCRIPTED endpoint on 127.0.0.1 (no model, no API key):');
  say('each session writes the file its task names and finishes. Worktrees, commits and state are real.');
  say();
  const work = await mkdtemp(path.join(os.tmpdir(), 'quantumwala-demo-'));
  const repo = path.join(work, 'text-stats');
  await cp(path.join(root, 'examples/text-stats'), repo, { recursive: true });
  await git(['init', '-q', '-b', 'main'], repo);
  await git(['config', 'user.name', 'Quantumwala Demo'], repo);
  await git(['config', 'user.email', 'demo@quantumwala.invalid'], repo);
  await git(['add', '-A'], repo);
  await git(['commit', '-q', '-m', 'Add the text-stats spec'], repo);

  const endpoint = await startScriptedAnthropic({ delayMs: 400 });
  const env = {
    ...claudeEnv(endpoint.url, path.join(work, 'home')),
    QUANTUMWALA_CLAUDE_PATH: claudeBinPath(),
    USER: os.userInfo().username,
  };
  const io = {
    stdout: (s: string) => process.stdout.write(s.endsWith('\n') ? s : `${s}\n`),
    stderr: (s: string) => process.stderr.write(s.endsWith('\n') ? s : `${s}\n`),
    cwd: repo,
    env,
    ...(process.stdout.isTTY ? { tty: process.stdout } : {}),
  };
  say(`$ quantumwala run text-stats --max-concurrent 3   (in ${repo})`);
  let code: number;
  try {
    code = await main(['run', 'text-stats', '--max-concurrent', '3'], io);
  } finally {
    await endpoint.close();
  }
  say();
  say(`The scripted endpoint saw at most ${endpoint.stats.maxConcurrentSessions} sessions at once.`);
  say();
  say('$ git log --oneline quantumwala/text-stats');
  say(await git(['log', '--oneline', 'quantumwala/text-stats'], repo));
  say();
  say('$ git show quantumwala/text-stats:.kiro/specs/text-stats/tasks.md   (checkboxes)');
  const tasks = await git(['show', 'quantumwala/text-stats:.kiro/specs/text-stats/tasks.md'], repo);
  say(
    tasks
      .split('\n')
      .filter((l) => /\[[ xX]\]/.test(l))
      .join('\n'),
  );
  say();
  say('$ quantumwala status text-stats');
  await main(['status', 'text-stats'], { ...io, tty: undefined });
  say();
  say(`The repository is kept at ${repo}; the state is on its branch quantumwala/state.`);
  return code;
}

demo().then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(`demo failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exitCode = 1;
  },
);
