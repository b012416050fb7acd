/**
 * The git objects of the fake repository: blobs (by their real git blob sha), flat trees (path →
 * blob sha), commits and branches. Enough for the contents API, the Git Data calls the app and its
 * state store make, and the recursive tree listing the spec source reads.
 */
import { createHash } from 'node:crypto';
import { gitBlobSha } from '../../../src/state/state-commit-message.js';

export interface GitCommit {
  sha: string;
  tree: string;
  message: string;
  parents: string[];
}

const sha1 = (text: string): string => createHash('sha1').update(text).digest('hex');

export class GitModel {
  readonly blobs = new Map<string, Buffer>();
  /** Tree sha → path → blob sha (only files; directories are implied by the paths). */
  readonly trees = new Map<string, Map<string, string>>();
  readonly commits = new Map<string, GitCommit>();
  /** Branch name (without refs/heads/) → commit sha. */
  readonly refs = new Map<string, string>();
  private counter = 0;

  putBlob(content: string | Buffer): string {
    const bytes = Buffer.from(content);
    const sha = gitBlobSha(bytes);
    this.blobs.set(sha, bytes);
    return sha;
  }

  putTree(files: ReadonlyMap<string, string>): string {
    const sorted = new Map([...files].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
    const sha = sha1(`tree ${JSON.stringify([...sorted])}`);
    this.trees.set(sha, sorted);
    return sha;
  }

  newCommit(message: string, tree: string, parents: readonly string[]): string {
    const sha = sha1(`commit ${++this.counter} ${tree} ${message}`);
    this.commits.set(sha, { sha, tree, message, parents: [...parents] });
    return sha;
  }

  /** A commit on `branch` (created as an orphan when missing) changing these files (null deletes). */
  commit(branch: string, message: string, files: Record<string, string | null>): string {
    const parent = this.refs.get(branch);
    const tree = new Map(parent ? this.filesOf(parent) : []);
    for (const [path, content] of Object.entries(files)) {
      if (content === null) tree.delete(path);
      else tree.set(path, this.putBlob(content));
    }
    const sha = this.newCommit(message, this.putTree(tree), parent ? [parent] : []);
    this.refs.set(branch, sha);
    return sha;
  }

  /** A branch, or a commit sha, as GitHub resolves `ref` query parameters. */
  resolve(ref: string): GitCommit | undefined {
    const name = ref.replace(/^refs\/heads\//, '').replace(/^heads\//, '');
    const sha = this.refs.get(name) ?? ref;
    return this.commits.get(sha);
  }

  filesOf(commitSha: string): Map<string, string> {
    const commit = this.commits.get(commitSha);
    const tree = commit && this.trees.get(commit.tree);
    if (!tree) throw new Error(`no tree for commit ${commitSha}`);
    return tree;
  }

  fileAt(ref: string, path: string): string | undefined {
    const commit = this.resolve(ref);
    const blob = commit && this.filesOf(commit.sha).get(path);
    return blob ? this.blobs.get(blob)?.toString('utf8') : undefined;
  }

  /** First-parent history of a branch, newest first. */
  history(branch: string): GitCommit[] {
    const out: GitCommit[] = [];
    for (let sha = this.refs.get(branch); sha; sha = this.commits.get(sha)?.parents[0]) {
      const commit = this.commits.get(sha);
      if (!commit) break;
      out.push(commit);
    }
    return out;
  }

  /** A stable made-up sha for a directory entry of a tree listing. */
  static dirSha(tree: string, dir: string): string {
    return sha1(`dir ${tree} ${dir}`);
  }
}
