/**
 * Writes a tree the way POST /git/trees does: entries with nested paths applied on top of an
 * optional base tree (`sha: null` deletes), bottom-up with `git mktree`.
 */
import type { BareRepo } from './bare-repo.js';

export interface TreeChange {
  path: string;
  mode: string;
  type: 'blob' | 'tree' | 'commit';
  /** null deletes the path. */
  sha: string | null;
}

interface Leaf {
  mode: string;
  type: string;
  sha: string;
}

interface Dir {
  children: Map<string, Leaf | Dir>;
}

const isDir = (n: Leaf | Dir): n is Dir => 'children' in n;

async function loadDir(repo: BareRepo, sha: string | undefined): Promise<Dir> {
  const children = new Map<string, Leaf | Dir>();
  if (sha !== undefined) {
    for (const e of await repo.readTree(sha))
      children.set(e.path, { mode: e.mode, type: e.type, sha: e.sha });
  }
  return { children };
}

async function apply(repo: BareRepo, root: Dir, change: TreeChange): Promise<void> {
  const parts = change.path.split('/').filter(Boolean);
  const name = parts.pop();
  if (name === undefined) throw new Error(`empty path in tree entry`);
  let dir = root;
  for (const part of parts) {
    let child = dir.children.get(part);
    if (child !== undefined && !isDir(child)) {
      child = child.type === 'tree' ? await loadDir(repo, child.sha) : undefined;
    }
    if (child === undefined) {
      if (change.sha === null) return;
      child = { children: new Map() };
    }
    dir.children.set(part, child);
    dir = child;
  }
  if (change.sha === null) dir.children.delete(name);
  else dir.children.set(name, { mode: change.mode, type: change.type, sha: change.sha });
}

/** Writes `dir`; undefined when it ended up empty (GitHub drops empty directories). */
async function write(repo: BareRepo, dir: Dir, isRoot: boolean): Promise<string | undefined> {
  const lines: string[] = [];
  for (const [name, node] of [...dir.children].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    if (isDir(node)) {
      const sha = await write(repo, node, false);
      if (sha !== undefined) lines.push(`040000 tree ${sha}\t${name}`);
    } else {
      lines.push(`${node.mode} ${node.type} ${node.sha}\t${name}`);
    }
  }
  if (lines.length === 0 && !isRoot) return undefined;
  return (await repo.git(['mktree', '-z'], lines.map((l) => `${l}\0`).join(''))).trim();
}

export async function writeTreeWithChanges(
  repo: BareRepo,
  baseTree: string | undefined,
  changes: TreeChange[],
): Promise<string> {
  const root = await loadDir(repo, baseTree);
  for (const change of changes) await apply(repo, root, change);
  return (await write(repo, root, true)) ?? '';
}
