/** The emulated repository's storage: a real bare git repository, driven with git plumbing. */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { GitError, runGit, runGitRaw, type GitResult, type RunGitOptions } from '../../../src/git/run-git.js';
import { writeTreeWithChanges, type TreeChange } from './tree-writer.js';

export const ZERO_SHA = '0'.repeat(40);

export interface Signature {
  name: string;
  email: string;
  /** ISO 8601, second precision, `Z`. */
  date: string;
}

export interface CommitInfo {
  sha: string;
  tree: string;
  parents: string[];
  author: Signature;
  committer: Signature;
  message: string;
}

export interface TreeEntry {
  path: string;
  mode: string;
  type: 'blob' | 'tree' | 'commit';
  sha: string;
  size?: number;
}

export const isoSeconds = (d: Date): string => d.toISOString().replace(/\.\d{3}Z$/, 'Z');

/**
 * Runs git, again when it did not run at all (exit code -1: spawn EAGAIN/ENOMEM or killed, as under a
 * loaded CI runner): a request must not fail with a 500 because a process could not be started.
 */
async function withSpawnRetry<T>(run: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await run();
    } catch (error) {
      if (!(error instanceof GitError) || error.exitCode !== -1 || attempt >= 4) throw error;
      await new Promise((r) => setTimeout(r, 25 * attempt));
    }
  }
}

const gitRetrying = (args: string[], options: RunGitOptions): Promise<GitResult> =>
  withSpawnRetry(() => runGit(args, options));

const DEFAULT_SIGNATURE = { name: 'Quantumwala Emulator', email: 'emulator@example.com' };

function parseSignature(line: string): Signature {
  const m = /^(.*) <(.*)> (\d+) [+-]\d{4}$/.exec(line);
  if (!m) return { ...DEFAULT_SIGNATURE, date: isoSeconds(new Date(0)) };
  return { name: m[1] ?? '', email: m[2] ?? '', date: isoSeconds(new Date(Number(m[3]) * 1000)) };
}

export class BareRepo {
  private constructor(
    readonly dir: string,
    private readonly tempRoot: string | undefined,
  ) {}

  /** Opens `dir`, or creates a bare repository (initial commit of `files`) in a temporary directory. */
  static async open(options: {
    dir?: string;
    name: string;
    defaultBranch: string;
    files: Record<string, string>;
  }): Promise<BareRepo> {
    if (options.dir !== undefined) return new BareRepo(options.dir, undefined);
    const tempRoot = await mkdtemp(path.join(os.tmpdir(), 'gh-emulator-'));
    const dir = path.join(tempRoot, `${options.name}.git`);
    await gitRetrying(['init', '--quiet', '--bare', `--initial-branch=${options.defaultBranch}`, dir], {
      cwd: tempRoot,
    });
    const repo = new BareRepo(dir, tempRoot);
    const changes: TreeChange[] = [];
    for (const [file, content] of Object.entries(options.files)) {
      changes.push({
        path: file,
        mode: '100644',
        type: 'blob',
        sha: await repo.writeBlob(Buffer.from(content)),
      });
    }
    const tree = await repo.writeTree(undefined, changes);
    const now = { ...DEFAULT_SIGNATURE, date: isoSeconds(new Date()) };
    const sha = await repo.writeCommit({
      tree,
      parents: [],
      message: 'Initial commit',
      author: now,
      committer: now,
    });
    await repo.updateRef(`refs/heads/${options.defaultBranch}`, sha, ZERO_SHA);
    return repo;
  }

  async git(args: string[], input?: string | Buffer, env?: Record<string, string>): Promise<string> {
    return (await gitRetrying(args, { cwd: this.dir, input, env })).stdout;
  }

  private async tryGit(args: string[]): Promise<string | null> {
    const r = await gitRetrying(args, { cwd: this.dir, allowFail: true });
    return r.exitCode === 0 ? r.stdout : null;
  }

  async objectType(sha: string): Promise<string | null> {
    if (!/^[0-9a-f]{4,40}$/.test(sha)) return null;
    return (await this.tryGit(['cat-file', '-t', sha]))?.trim() ?? null;
  }

  /** The commit a branch, tag, full ref or sha names, or null. */
  async resolveCommit(rev: string): Promise<string | null> {
    if (rev.startsWith('-') || rev.includes('..')) return null;
    return (await this.tryGit(['rev-parse', '--verify', '--quiet', `${rev}^{commit}`]))?.trim() ?? null;
  }

  /** All refs under `refs/` whose name starts with `prefix` (a full ref name prefix). */
  async listRefs(prefix = 'refs/'): Promise<{ ref: string; sha: string; type: string }[]> {
    const out = await this.git(['for-each-ref', '--format=%(refname) %(objectname) %(objecttype)']);
    return out
      .split('\n')
      .filter(Boolean)
      .map((line) => {
        const [ref = '', sha = '', type = ''] = line.split(' ');
        return { ref, sha, type };
      })
      .filter((r) => r.ref.startsWith(prefix));
  }

  async readRef(fullRef: string): Promise<{ sha: string; type: string } | null> {
    const found = (await this.listRefs(fullRef)).find((r) => r.ref === fullRef);
    return found ? { sha: found.sha, type: found.type } : null;
  }

  /** Compare-and-swap: moves `fullRef` to `newSha` only if it is at `oldSha` (ZERO_SHA: absent). */
  async updateRef(fullRef: string, newSha: string, oldSha: string): Promise<boolean> {
    const r = await gitRetrying(['update-ref', fullRef, newSha, oldSha], { cwd: this.dir, allowFail: true });
    return r.exitCode === 0;
  }

  async deleteRef(fullRef: string, oldSha: string): Promise<boolean> {
    const r = await gitRetrying(['update-ref', '-d', fullRef, oldSha], { cwd: this.dir, allowFail: true });
    return r.exitCode === 0;
  }

  async isAncestor(ancestor: string, descendant: string): Promise<boolean> {
    const r = await gitRetrying(['merge-base', '--is-ancestor', ancestor, descendant], {
      cwd: this.dir,
      allowFail: true,
    });
    return r.exitCode === 0;
  }

  async writeBlob(content: Buffer): Promise<string> {
    return (await this.git(['hash-object', '-w', '--stdin'], content)).trim();
  }

  async readBlob(sha: string): Promise<Buffer | null> {
    if ((await this.objectType(sha)) !== 'blob') return null;
    return (await withSpawnRetry(() => runGitRaw(['cat-file', 'blob', sha], { cwd: this.dir }))).stdout;
  }

  /** Entries of a tree (or of a commit's tree), `recursive` including subtrees and their contents. */
  async readTree(treeish: string, recursive = false): Promise<TreeEntry[]> {
    const args = ['ls-tree', '-z', '--long', ...(recursive ? ['-r', '-t'] : []), treeish];
    return (await this.git(args))
      .split('\0')
      .filter(Boolean)
      .map((record) => {
        const tab = record.indexOf('\t');
        const [mode = '', type = '', sha = '', size = '-'] = record.slice(0, tab).split(/ +/);
        const entry: TreeEntry = { path: record.slice(tab + 1), mode, type: type as TreeEntry['type'], sha };
        if (size !== '-') entry.size = Number(size);
        return entry;
      });
  }

  /** The entry at `filePath` in a commit, or null. */
  async entryAt(commit: string, filePath: string): Promise<TreeEntry | null> {
    const out = await this.tryGit(['ls-tree', '-z', '--long', commit, '--', filePath]);
    if (!out) return null;
    const entries = out.split('\0').filter(Boolean);
    const tab = entries[0]?.indexOf('\t') ?? -1;
    const record = entries[0];
    if (!record || tab < 0 || record.slice(tab + 1) !== filePath) return null;
    const [mode = '', type = '', sha = '', size = '-'] = record.slice(0, tab).split(/ +/);
    return {
      path: filePath,
      mode,
      type: type as TreeEntry['type'],
      sha,
      ...(size === '-' ? {} : { size: Number(size) }),
    };
  }

  writeTree(baseTree: string | undefined, changes: TreeChange[]): Promise<string> {
    return writeTreeWithChanges(this, baseTree, changes);
  }

  async writeCommit(c: Omit<CommitInfo, 'sha'>): Promise<string> {
    const args = ['commit-tree', c.tree, ...c.parents.flatMap((p) => ['-p', p])];
    const env = {
      GIT_AUTHOR_NAME: c.author.name,
      GIT_AUTHOR_EMAIL: c.author.email,
      GIT_AUTHOR_DATE: c.author.date,
      GIT_COMMITTER_NAME: c.committer.name,
      GIT_COMMITTER_EMAIL: c.committer.email,
      GIT_COMMITTER_DATE: c.committer.date,
    };
    return (await this.git(args, c.message, env)).trim();
  }

  async readCommit(sha: string): Promise<CommitInfo | null> {
    if ((await this.objectType(sha)) !== 'commit') return null;
    const raw = await this.git(['cat-file', 'commit', sha]);
    const split = raw.indexOf('\n\n');
    const headers = (split < 0 ? raw : raw.slice(0, split)).split('\n');
    const info: CommitInfo = {
      sha,
      tree: '',
      parents: [],
      author: parseSignature(''),
      committer: parseSignature(''),
      message: split < 0 ? '' : raw.slice(split + 2),
    };
    for (const line of headers) {
      const space = line.indexOf(' ');
      const [key, value] = [line.slice(0, space), line.slice(space + 1)];
      if (key === 'tree') info.tree = value;
      else if (key === 'parent') info.parents.push(value);
      else if (key === 'author') info.author = parseSignature(value);
      else if (key === 'committer') info.committer = parseSignature(value);
    }
    return info;
  }

  /** Commits reachable from `rev`, newest first, `skip`ped and limited to `max`. */
  async revList(rev: string, skip: number, max: number): Promise<string[]> {
    const out = await this.git(['rev-list', `--skip=${skip}`, `--max-count=${max}`, rev, '--']);
    return out.split('\n').filter(Boolean);
  }

  async dispose(): Promise<void> {
    if (this.tempRoot) await rm(this.tempRoot, { recursive: true, force: true });
  }
}
