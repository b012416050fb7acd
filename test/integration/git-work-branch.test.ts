import { describe, expect, it } from 'vitest';
import { GitError, runGit } from '../../src/git/run-git.js';
import { branchTip, casUpdateBranch, ensureBranch } from '../../src/git/work-branch.js';
import { commitFiles, git, gitTestRepo } from '../support/git-test-repo.js';

describe('runGit', () => {
  it('throws a GitError naming the command and git’s message', async () => {
    const repo = await gitTestRepo();
    const err = await runGit(['rev-parse', '--verify', 'no-such-ref'], { cwd: repo }).catch(
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(GitError);
    expect((err as GitError).message).toContain('git rev-parse --verify no-such-ref');
    expect((err as GitError).message).toContain('fatal: Needed a single revision');
  });

  it('returns the exit code with allowFail, and passes input and env', async () => {
    const repo = await gitTestRepo();
    const r = await runGit(['rev-parse', '--verify', 'nope'], { cwd: repo, allowFail: true });
    expect(r.exitCode).toBe(128);
    const blob = await runGit(['hash-object', '--stdin'], { cwd: repo, input: 'x\n' });
    expect(blob.stdout).toBe('587be6b4c3f93f93c489c0111bba5596147a26cb\n');
    const name = await runGit(['var', 'GIT_AUTHOR_IDENT'], {
      cwd: repo,
      env: { GIT_AUTHOR_NAME: 'Env Name' },
    });
    expect(name.stdout).toMatch(/^Env Name </);
  });
});

describe('work branch', () => {
  it('creates the branch at HEAD, and leaves an existing one where it is', async () => {
    const repo = await gitTestRepo();
    const head = await git(repo, 'rev-parse', 'HEAD');
    expect(await branchTip(repo, 'qw/demo')).toBeNull();
    expect(await ensureBranch(repo, 'qw/demo')).toBe(head);
    expect(await branchTip(repo, 'qw/demo')).toBe(head);
    const next = await commitFiles(repo, { 'a.txt': 'a\n' });
    expect(await ensureBranch(repo, 'qw/demo', next)).toBe(head);
    expect(await ensureBranch(repo, 'other', 'HEAD~0')).toBe(next);
  });

  it('lets exactly one of two concurrent creators win', async () => {
    const repo = await gitTestRepo();
    const first = await git(repo, 'rev-parse', 'HEAD');
    const second = await commitFiles(repo, { 'a.txt': 'a\n' });
    const tips = await Promise.all([ensureBranch(repo, 'race', first), ensureBranch(repo, 'race', second)]);
    expect(tips[0]).toBe(tips[1]);
    expect(await branchTip(repo, 'race')).toBe(tips[0]);
  });

  it('refuses a start that names no commit', async () => {
    const repo = await gitTestRepo();
    await expect(ensureBranch(repo, 'x', 'does-not-exist')).rejects.toThrow(/names no commit/);
  });

  it('moves the branch only from the expected tip', async () => {
    const repo = await gitTestRepo();
    const a = await ensureBranch(repo, 'w');
    const b = await commitFiles(repo, { 'b.txt': 'b\n' });
    const c = await commitFiles(repo, { 'c.txt': 'c\n' });
    expect(await casUpdateBranch(repo, 'w', b, a)).toBe(true);
    expect(await branchTip(repo, 'w')).toBe(b);
    expect(await casUpdateBranch(repo, 'w', c, a)).toBe(false);
    expect(await branchTip(repo, 'w')).toBe(b);
    expect(await casUpdateBranch(repo, 'fresh', c, null)).toBe(true);
    expect(await casUpdateBranch(repo, 'fresh', b, null)).toBe(false);
    expect(await casUpdateBranch(repo, 'missing', b, a)).toBe(false);
  });

  it('throws on failures that are not a moved branch', async () => {
    const repo = await gitTestRepo();
    const a = await ensureBranch(repo, 'w');
    const tree = await git(repo, 'rev-parse', 'HEAD^{tree}');
    await expect(casUpdateBranch(repo, 'w', tree, a)).rejects.toThrow(GitError);
    await expect(casUpdateBranch(repo, 'bad..name', a, a)).rejects.toThrow(GitError);
    expect(await branchTip(repo, 'w')).toBe(a);
  });
});
