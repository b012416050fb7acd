import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach } from 'vitest';
import { gitLine, runGit } from '../../src/git/run-git.js';
import { worktreeRoot } from '../../src/git/task-worktree.js';

const made: string[] = [];

afterEach(async () => {
  for (const dir of made.splice(0)) {
    await rm(await worktreeRoot(dir), { recursive: true, force: true }).catch(() => undefined);
    await rm(dir, { recursive: true, force: true });
  }
});

/** Runs git in a test repository and returns its trimmed output. */
export function git(cwd: string, ...args: string[]): Promise<string> {
  return gitLine(args, { cwd });
}

export async function writeFiles(dir: string, files: Record<string, string>): Promise<void> {
  for (const [rel, content] of Object.entries(files)) {
    const target = path.join(dir, rel);
    await mkdir(path.dirname(target), { recursive: true });
    await writeFile(target, content);
  }
}

/** Writes the files and commits them (with the repository's local identity). */
export async function commitFiles(
  dir: string,
  files: Record<string, string>,
  message = 'change',
): Promise<string> {
  await writeFiles(dir, files);
  await runGit(['add', '-A'], { cwd: dir });
  await runGit(['commit', '-q', '--no-verify', '-m', message], { cwd: dir });
  return git(dir, 'rev-parse', 'HEAD');
}

/**
 * A temporary git repository on branch `main` with one commit of the given files and a local
 * identity, removed (with its task worktrees) after the test.
 */
export async function gitTestRepo(
  files: Record<string, string> = { 'README.md': 'hello\n' },
): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'qw-git-test-'));
  made.push(dir);
  await runGit(['init', '-q', '-b', 'main'], { cwd: dir });
  await runGit(['config', 'user.name', 'Test User'], { cwd: dir });
  await runGit(['config', 'user.email', 'test@example.com'], { cwd: dir });
  await runGit(['config', 'commit.gpgSign', 'false'], { cwd: dir });
  await commitFiles(dir, files, 'initial');
  return dir;
}

/** Everything about the user's checkout that the orchestrator must never change. */
export async function checkoutSnapshot(dir: string): Promise<Record<string, string>> {
  return {
    head: await git(dir, 'rev-parse', 'HEAD'),
    branch: await git(dir, 'symbolic-ref', 'HEAD'),
    index: await git(dir, 'ls-files', '-s'),
    status: await git(dir, 'status', '--porcelain=v1', '-uall'),
    diff: await git(dir, 'diff'),
    staged: await git(dir, 'diff', '--cached'),
  };
}
