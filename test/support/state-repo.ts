import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { tempRepo } from './temp-repo.js';

const exec = promisify(execFile);

/** Runs git in `dir` and returns its trimmed stdout. */
export async function gitIn(dir: string, args: string[], input?: string): Promise<string> {
  if (input === undefined) return (await exec('git', args, { cwd: dir })).stdout.trim();
  return new Promise((resolve, reject) => {
    const child = execFile('git', args, { cwd: dir }, (err, stdout) =>
      err ? reject(err) : resolve(stdout.trim()),
    );
    child.stdin?.end(input);
  });
}

/** A temporary git repository with one commit on main and a local identity, removed after the test. */
export async function stateTestRepo(): Promise<string> {
  const dir = await tempRepo({ 'README.md': '# user project\n' });
  await gitIn(dir, ['init', '-q', '-b', 'main']);
  await gitIn(dir, ['config', 'user.name', 'Test User']);
  await gitIn(dir, ['config', 'user.email', 'test@example.com']);
  await gitIn(dir, ['add', 'README.md']);
  await gitIn(dir, ['commit', '-q', '-m', 'initial']);
  return dir;
}
