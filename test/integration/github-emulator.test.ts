import type { Octokit } from '@octokit/rest';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gitLine, runGit } from '../../src/git/run-git.js';
import {
  emulatorOctokit,
  failure,
  startGitHubEmulator,
  type GitHubEmulator,
} from '../support/github-emulator.js';

const TOKEN = 'ghs_emulator_token';

let emu: GitHubEmulator;
let gh: Octokit;
let repo: { owner: string; repo: string };

async function headOf(branch: string): Promise<string> {
  return (await gh.git.getRef({ ...repo, ref: `heads/${branch}` })).data.object.sha;
}

/** A commit with one more file on top of `parent`, through the git data API. */
async function commitOn(parent: string, file: string, content: string): Promise<string> {
  const base = (await gh.git.getCommit({ ...repo, commit_sha: parent })).data.tree.sha;
  const tree = await gh.git.createTree({
    ...repo,
    base_tree: base,
    tree: [{ path: file, mode: '100644', type: 'blob', content }],
  });
  const commit = await gh.git.createCommit({
    ...repo,
    message: `add ${file}`,
    tree: tree.data.sha,
    parents: [parent],
  });
  return commit.data.sha;
}

beforeAll(async () => {
  const started = performance.now();
  emu = await startGitHubEmulator({
    owner: 'acme',
    repo: 'widgets',
    token: TOKEN,
    files: { 'README.md': '# widgets\n', 'src/index.ts': 'export {};\n', 'docs/old.md': 'old\n' },
    users: {
      alice: { permission: 'write' },
      bob: { permission: 'triage' },
      'ci[bot]': { permission: 'write', type: 'Bot' },
    },
  });
  console.log(`emulator started in ${Math.round(performance.now() - started)} ms`);
  gh = emulatorOctokit(emu, TOKEN);
  repo = { owner: emu.owner, repo: emu.repo };
});

afterAll(async () => {
  try {
    emu.assertNoViolations();
    emu.assertNoRejections();
  } finally {
    await emu.close();
  }
});

describe('GitHub emulator', () => {
  it('serves the repository with rate-limit and request-id headers', async () => {
    const res = await gh.repos.get(repo);
    expect(res.data.default_branch).toBe('main');
    expect(res.data.full_name).toBe('acme/widgets');
    expect(res.headers['x-ratelimit-limit']).toBe('5000');
    expect(Number(res.headers['x-ratelimit-remaining'])).toBeLessThan(5000);
    expect(res.headers['x-ratelimit-resource']).toBe('core');
    expect(res.headers['x-github-request-id']).toMatch(/\w+:\w+/);
  });

  it('round-trips blobs, trees, commits and a fast-forward ref update', async () => {
    const main = await headOf('main');
    const blob = await gh.git.createBlob({
      ...repo,
      content: Buffer.from('bin\0ary').toString('base64'),
      encoding: 'base64',
    });
    expect((await gh.git.getBlob({ ...repo, file_sha: blob.data.sha })).data.content.replace(/\n/g, '')).toBe(
      Buffer.from('bin\0ary').toString('base64'),
    );
    const utf8 = await gh.git.createBlob({ ...repo, content: 'héllo\n', encoding: 'utf-8' });
    const baseTree = (await gh.git.getCommit({ ...repo, commit_sha: main })).data.tree.sha;
    const tree = await gh.git.createTree({
      ...repo,
      base_tree: baseTree,
      tree: [
        { path: 'src/deep/new.txt', mode: '100644', type: 'blob', content: 'new\n' },
        { path: 'data.bin', mode: '100644', type: 'blob', sha: blob.data.sha },
        { path: 'hello.txt', mode: '100644', type: 'blob', sha: utf8.data.sha },
        { path: 'docs/old.md', mode: '100644', type: 'blob', sha: null },
      ],
    });
    const commit = await gh.git.createCommit({
      ...repo,
      message: 'API commit\n',
      tree: tree.data.sha,
      parents: [main],
      author: { name: 'Ada', email: 'ada@example.com', date: '2025-01-02T03:04:05Z' },
    });
    expect(commit.data.author.date).toBe('2025-01-02T03:04:05Z');
    expect((await gh.git.getCommit({ ...repo, commit_sha: commit.data.sha })).data.parents[0]?.sha).toBe(
      main,
    );
    const updated = await gh.git.updateRef({
      ...repo,
      ref: 'heads/main',
      sha: commit.data.sha,
      force: false,
    });
    expect(updated.data.object.sha).toBe(commit.data.sha);
    const listing = await gh.git.getTree({ ...repo, tree_sha: commit.data.sha, recursive: '1' });
    const paths = listing.data.tree.map((e) => e.path);
    expect(paths).toEqual(
      expect.arrayContaining(['src/deep/new.txt', 'data.bin', 'hello.txt', 'src/index.ts']),
    );
    expect(paths.some((p) => p.startsWith('docs'))).toBe(false);
    expect(await gitLine(['show', 'main:hello.txt'], { cwd: emu.bareRepoDir })).toBe('héllo');
  });

  it('creates, lists, refuses and deletes refs like GitHub', async () => {
    const main = await headOf('main');
    expect(await failure(gh.git.createRef({ ...repo, ref: 'refs/heads/main', sha: main }))).toEqual({
      status: 422,
      message: 'Reference already exists',
    });
    expect((await gh.git.createRef({ ...repo, ref: 'refs/heads/feature/x', sha: main })).status).toBe(201);
    expect(await headOf('feature/x')).toBe(main);
    const matching = await gh.git.listMatchingRefs({ ...repo, ref: 'heads/feat' });
    expect(matching.data.map((r) => r.ref)).toEqual(['refs/heads/feature/x']);
    const sibling = await commitOn(
      (await gh.git.getCommit({ ...repo, commit_sha: main })).data.parents[0]?.sha ?? '',
      's.txt',
      's',
    );
    expect(
      await failure(gh.git.updateRef({ ...repo, ref: 'heads/feature/x', sha: sibling, force: false })),
    ).toEqual({
      status: 422,
      message: 'Update is not a fast forward',
    });
    expect(
      (await gh.git.updateRef({ ...repo, ref: 'heads/feature/x', sha: sibling, force: true })).data.object
        .sha,
    ).toBe(sibling);
    expect((await gh.git.deleteRef({ ...repo, ref: 'heads/feature/x' })).status).toBe(204);
    expect((await failure(gh.git.getRef({ ...repo, ref: 'heads/feature/x' }))).status).toBe(404);
  });

  it('gets and puts contents, 409 on a stale sha', async () => {
    const got = await gh.repos.getContent({ ...repo, path: 'README.md' });
    if (Array.isArray(got.data) || got.data.type !== 'file') throw new Error('expected a file');
    expect(Buffer.from(got.data.content, 'base64').toString()).toBe('# widgets\n');
    const put = await gh.repos.createOrUpdateFileContents({
      ...repo,
      path: 'README.md',
      message: 'edit readme',
      content: Buffer.from('# widgets v2\n').toString('base64'),
      sha: got.data.sha,
    });
    expect(put.status).toBe(200);
    expect(await headOf('main')).toBe(put.data.commit.sha);
    const stale = await failure(
      gh.repos.createOrUpdateFileContents({
        ...repo,
        path: 'README.md',
        message: 'again',
        content: 'eA==',
        sha: got.data.sha,
      }),
    );
    expect(stale).toEqual({ status: 409, message: `README.md does not match ${got.data.sha}` });
    const created = await gh.repos.createOrUpdateFileContents({
      ...repo,
      path: 'a/b/c.txt',
      message: 'new',
      content: 'eA==',
    });
    expect(created.status).toBe(201);
    const dir = await gh.repos.getContent({ ...repo, path: 'a/b' });
    expect(Array.isArray(dir.data) ? dir.data.map((e) => e.name) : []).toEqual(['c.txt']);
    expect((await failure(gh.repos.getContent({ ...repo, path: 'missing.txt' }))).status).toBe(404);
  });

  it('lists commits and gets one with stats', async () => {
    const list = await gh.repos.listCommits({ ...repo, sha: 'main', per_page: 2 });
    expect(list.data).toHaveLength(2);
    expect(list.data[0]?.sha).toBe(await headOf('main'));
    const page2 = await gh.repos.listCommits({ ...repo, sha: 'main', per_page: 2, page: 2 });
    expect(page2.data[0]?.sha).toBe(list.data[1]?.parents[0]?.sha);
    const one = await gh.repos.getCommit({ ...repo, ref: 'main' });
    expect(one.data.files?.map((f) => f.filename)).toEqual(['a/b/c.txt']);
  });

  it('sees a git push to the bare repository through the API', async () => {
    const work = await mkdtemp(path.join(os.tmpdir(), 'gh-emu-clone-'));
    try {
      await runGit(['clone', '--quiet', emu.bareRepoDir, work], { cwd: os.tmpdir() });
      await writeFile(path.join(work, 'pushed.txt'), 'pushed\n');
      const id = {
        GIT_AUTHOR_NAME: 'T',
        GIT_AUTHOR_EMAIL: 't@e.x',
        GIT_COMMITTER_NAME: 'T',
        GIT_COMMITTER_EMAIL: 't@e.x',
      };
      await runGit(['add', 'pushed.txt'], { cwd: work });
      await runGit(['commit', '--quiet', '-m', 'pushed'], { cwd: work, env: id });
      await runGit(['push', '--quiet', 'origin', 'HEAD:main'], { cwd: work });
      expect(await headOf('main')).toBe(await gitLine(['rev-parse', 'HEAD'], { cwd: work }));
    } finally {
      await rm(work, { recursive: true, force: true });
    }
  });

  it('reports collaborator permissions', async () => {
    const alice = await gh.repos.getCollaboratorPermissionLevel({ ...repo, username: 'alice' });
    expect([alice.data.permission, alice.data.role_name]).toEqual(['write', 'write']);
    const bob = await gh.repos.getCollaboratorPermissionLevel({ ...repo, username: 'bob' });
    expect([bob.data.permission, bob.data.role_name]).toEqual(['read', 'triage']);
    const bot = await gh.repos.getCollaboratorPermissionLevel({ ...repo, username: 'ci[bot]' });
    expect(bot.data.user?.type).toBe('Bot');
    expect(
      (await failure(gh.repos.getCollaboratorPermissionLevel({ ...repo, username: 'nobody' }))).status,
    ).toBe(404);
  });
  it('concurrent PUT contents with a sha precondition: 409s for lost races, never a 5xx', async () => {
    const WRITERS = 6;
    const ATTEMPTS = 5; // per writer: a bounded count of GET + PUT rounds
    const branch = 'hammer';
    const file = 'hammer/events.txt';
    await gh.git.createRef({ ...repo, ref: `refs/heads/${branch}`, sha: await headOf('main') });
    const statuses: number[] = [];
    const won: { commit: string; line: string }[] = [];
    await Promise.all(
      Array.from({ length: WRITERS }, async (_, w) => {
        for (let i = 0; i < ATTEMPTS; i++) {
          let sha: string | undefined;
          let text = '';
          try {
            const got = await gh.repos.getContent({ ...repo, path: file, ref: branch });
            if (Array.isArray(got.data) || got.data.type !== 'file') throw new Error('expected a file');
            sha = got.data.sha;
            text = Buffer.from(got.data.content, 'base64').toString();
          } catch (error) {
            if ((error as { status?: number }).status !== 404) throw error;
          }
          const line = `writer ${w} round ${i}\n`;
          try {
            const put = await gh.repos.createOrUpdateFileContents({
              ...repo,
              path: file,
              branch,
              message: line,
              content: Buffer.from(text + line).toString('base64'),
              ...(sha === undefined ? {} : { sha }),
            });
            statuses.push(put.status);
            won.push({ commit: put.data.commit.sha ?? '', line });
          } catch (error) {
            const status = (error as { status?: number }).status;
            if (typeof status !== 'number') throw error;
            statuses.push(status);
          }
        }
      }),
    );
    expect(statuses).toHaveLength(WRITERS * ATTEMPTS);
    expect(statuses.filter((s) => s >= 500)).toEqual([]);
    // A lost race is 409 (stale sha) or 422 (the file was created since it was found missing).
    expect(statuses.every((s) => [200, 201, 409, 422].includes(s))).toBe(true);
    expect(won.length).toBeGreaterThan(0);
    const history = await gh.repos.listCommits({ ...repo, sha: branch, per_page: 100 });
    const shas = new Set(history.data.map((c) => c.sha));
    for (const w of won) expect(shas.has(w.commit)).toBe(true);
    const final = await gh.repos.getContent({ ...repo, path: file, ref: branch });
    if (Array.isArray(final.data) || final.data.type !== 'file') throw new Error('expected a file');
    const lines = Buffer.from(final.data.content, 'base64').toString();
    for (const w of won) expect(lines).toContain(w.line);
    expect(lines.split('\n').filter(Boolean)).toHaveLength(won.length);
    expect(emu.violations).toEqual([]);
  }, 120_000);
});
