import { symlink } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { gitSpecSource } from '../../src/git/git-spec-source.js';
import { commitFiles, git, gitTestRepo, writeFiles } from '../support/git-test-repo.js';

const TASKS = '.claude/specs/demo/tasks.md';

describe('gitSpecSource', () => {
  it('reads the ref’s version of a file, not the working tree’s', async () => {
    const repo = await gitTestRepo({
      [TASKS]: '- [ ] 1. One\n',
      'docs/x/tasks.md': 'docs\n',
      'src/a.ts': '',
    });
    await git(repo, 'branch', 'work');
    await git(repo, 'switch', '-q', 'work');
    await commitFiles(repo, { [TASKS]: '- [x] 1. One\n' });
    await git(repo, 'switch', '-q', 'main');
    await writeFiles(repo, { [TASKS]: '- [ ] 1. One (edited, uncommitted)\n' });

    const source = gitSpecSource(repo, 'work', ['docs/**/tasks.md']);
    expect(await source.readFile(TASKS)).toBe('- [x] 1. One\n');
    expect(await source.listFiles()).toEqual([TASKS, 'docs/x/tasks.md']);
    expect(await gitSpecSource(repo, 'main').readFile(TASKS)).toBe('- [ ] 1. One\n');
    // Outside the listed folders, still from the ref.
    expect(await source.readFile('src/a.ts')).toBe('');
  });

  it('refuses paths that are not repository-relative, and missing files', async () => {
    const repo = await gitTestRepo({ [TASKS]: 'x\n' });
    const source = gitSpecSource(repo, 'main');
    await expect(source.readFile('../etc/passwd')).rejects.toThrow(/repository-relative/);
    await expect(source.readFile('/etc/passwd')).rejects.toThrow(/repository-relative/);
    await expect(source.readFile('./README.md')).rejects.toThrow(/repository-relative/);
    await expect(source.readFile('.claude/specs/none.md')).rejects.toThrow(/no such/);
    await expect(gitSpecSource(repo, 'no-such-branch').listFiles()).rejects.toThrow(/names no commit/);
  });

  it('does not list or read symbolic links', async () => {
    const repo = await gitTestRepo({ [TASKS]: 'x\n' });
    await symlink('/etc/hostname', path.join(repo, '.claude/specs/demo/link.md'));
    await commitFiles(repo, {});
    const source = gitSpecSource(repo, 'HEAD');
    expect(await source.listFiles()).toEqual([TASKS]);
    await expect(source.readFile('.claude/specs/demo/link.md')).rejects.toThrow(/not a regular file/);
  });
});
