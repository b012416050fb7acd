import { randomUUID } from 'node:crypto';
import type { StateEvent } from './events.js';
import { rebuildFromHistory } from './rebuild-from-history.js';
import { catFileBatch, mktreeLine, parseTree, type TreeEntry } from './cat-file-batch.js';
import { gitLine, runGit, GitError } from '../git/run-git.js';
import { emptyState, parseState, type UnifiedState } from './state-schema.js';
import {
  groupedAppend,
  updateWithRetry,
  type CasBackend,
  type RetryOptions,
  type StateStore,
} from './state-store.js';
import { summarizeEvent } from './summarize-event.js';

export interface GitStateStoreOptions extends RetryOptions {
  repoDir: string;
  branch?: string;
  file?: string;
  author?: { name: string; email: string };
  /** How a rebuilt state.json is reported (default: console.warn). */
  onWarning?: (message: string) => void;
  /** Runs between reading the tip and the compare-and-swap; tests move the branch here. */
  beforeUpdateRef?: () => Promise<void> | void;
  /** The clock and session ids used only when the branch does not exist yet. */
  now?: () => Date;
  newSessionId?: () => string;
}

const EVENTS_FILE = 'events.jsonl';

/**
 * Keeps the state as `state.json` (and each commit's events as `events.jsonl`) on a branch, written
 * with plumbing only: no checkout, no index, nothing in the user's working tree changes. Every write
 * is a new commit on the old tip, and `git update-ref <ref> <new> <old>` makes it a compare-and-swap.
 */
export function createGitStateStore(options: GitStateStoreOptions): StateStore {
  const { repoDir, branch = 'quantumwala/state', file = 'state.json' } = options;
  const ref = `refs/heads/${branch}`;
  const author = options.author ?? { name: 'Quantumwala', email: 'quantumwala@users.noreply.github.com' };
  const warn = options.onWarning ?? ((message: string) => console.warn(message));
  const now = options.now ?? (() => new Date());
  const newSessionId = options.newSessionId ?? randomUUID;
  // On top of runGit's own environment (inherited, minus repository overrides, with LC_ALL=C).
  const env: Record<string, string> = {
    GIT_AUTHOR_NAME: author.name,
    GIT_AUTHOR_EMAIL: author.email,
    GIT_COMMITTER_NAME: author.name,
    GIT_COMMITTER_EMAIL: author.email,
  };
  const gitOptions = { cwd: repoDir, env };
  const run = (args: string[], input?: string) => gitLine(args, { ...gitOptions, input });
  // The entries of the tip last read, so a write keeps any other files on the branch.
  let lastTree: { tip: string; entries: TreeEntry[] } | null = null;

  async function tipCommit(): Promise<string | null> {
    const args = ['rev-parse', '--verify', '--quiet', `${ref}^{commit}`];
    const result = await runGit(args, { ...gitOptions, allowFail: true });
    if (result.exitCode === 0) return result.stdout.trim();
    if (result.exitCode === 1) return null;
    throw new GitError(args, result, repoDir);
  }

  async function readTip(): Promise<{ state: UnifiedState; version: string | null; repaired: boolean }> {
    for (let tries = 1; ; tries++) {
      // The ref is looked up twice in the one call; if it moved in between, the blob may not be the tip's.
      const [head, tree, blob, again] = await catFileBatch(
        [ref, `${ref}^{tree}`, `${ref}:${file}`, ref],
        gitOptions,
      );
      if (head?.oid !== again?.oid) {
        if (tries < 10) continue;
        throw new Error(`${ref} in ${repoDir} kept moving while being read`);
      }
      if (!head) {
        lastTree = null;
        return { state: emptyState(newSessionId(), now().toISOString()), version: null, repaired: false };
      }
      const tip = head.oid;
      lastTree = { tip, entries: tree ? parseTree(tree.content, tip.length / 2) : [] };
      if (blob?.type !== 'blob') return rebuild(tip, 'missing');
      try {
        return {
          state: parseState(JSON.parse(blob.content.toString('utf8'))),
          version: tip,
          repaired: false,
        };
      } catch (err) {
        return rebuild(tip, `corrupt (${(err as Error).message.replace(/\s+/g, ' ').slice(0, 300)})`);
      }
    }
  }

  async function rebuild(tip: string, problem: string) {
    const rebuilt = await rebuildFromHistory({
      repoDir,
      env,
      tip,
      stateFile: file,
      eventsFile: EVENTS_FILE,
      fallbackSession: () => ({ id: newSessionId(), at: now().toISOString() }),
    });
    const skipped = rebuilt.skipped > 0 ? ` (skipped ${rebuilt.skipped} unreadable event lines)` : '';
    warn(`${file} on ${branch} is ${problem}; rebuilt from ${rebuilt.commits} commits of history${skipped}`);
    return { state: rebuilt.state, version: tip, repaired: true };
  }

  async function write(
    state: UnifiedState,
    events: readonly StateEvent[],
    expected: string | null,
  ): Promise<{ ok: true; version: string } | { ok: false; reason: string }> {
    const hash = (content: string) => run(['hash-object', '-w', '--no-filters', '--stdin'], content);
    const [stateBlob, eventsBlob] = await Promise.all([
      hash(`${JSON.stringify(state, null, 2)}\n`),
      hash(events.map((e) => `${JSON.stringify(e)}\n`).join('')),
    ]);
    let kept: TreeEntry[] = [];
    if (expected !== null && lastTree?.tip === expected) kept = lastTree.entries;
    else if (expected !== null) {
      const [tree] = await catFileBatch([`${expected}^{tree}`], gitOptions);
      kept = tree ? parseTree(tree.content, expected.length / 2) : [];
    }
    const entries = [
      ...kept.filter((e) => e.name !== file && e.name !== EVENTS_FILE).map(mktreeLine),
      `100644 blob ${stateBlob}\t${file}`,
      `100644 blob ${eventsBlob}\t${EVENTS_FILE}`,
    ];
    const tree = await run(['mktree', '-z'], entries.map((e) => `${e}\0`).join(''));
    const message =
      events.map((e) => `state: ${summarizeEvent(e)}`).join('\n') || 'state: rebuilt from history';
    const commit = await run(
      ['commit-tree', tree, ...(expected ? ['-p', expected] : []), '-F', '-'],
      `${message}\n`,
    );
    await options.beforeUpdateRef?.();
    // All zeros as the old value: the ref must not exist yet, so of two creators only one wins.
    const old = expected ?? '0'.repeat(commit.length);
    const args = ['update-ref', '-m', 'quantumwala: state', ref, commit, old];
    const result = await runGit(args, { ...gitOptions, allowFail: true });
    if (result.exitCode === 0) return { ok: true, version: commit };
    const reason = result.stderr.trim();
    if (/but expected|already exists|File exists/.test(reason) || (await tipCommit()) !== expected) {
      return { ok: false, reason };
    }
    throw new GitError(args, result, repoDir);
  }

  const backend: CasBackend = { readTip, write, describe: `${branch} in ${repoDir}` };
  return {
    read: async () => {
      const { state, version } = await readTip();
      return { state, version };
    },
    append: groupedAppend(backend, options),
    update: (decide) => updateWithRetry(backend, decide, options),
  };
}
