import { errorMessage } from '../errors.js';
import { randomUUID } from 'node:crypto';
import type { Octokit } from '@octokit/rest';
import type { GitHubRestClient } from '../github/octokit.js';
import type { StateEvent } from './events.js';
import { applyEvents } from './reduce.js';
import {
  formatStateCommitMessage,
  gitBlobSha,
  parseEventLines,
  parseStateCommitMessage,
  serializeState,
} from './state-commit-message.js';
import { emptyState, parseState, type UnifiedState } from './state-schema.js';
import {
  groupedAppend,
  updateWithRetry,
  type CasBackend,
  type RetryOptions,
  type StateStore,
} from './state-store.js';

/*
 * The scheme: GitHub's contents API, because it makes an append cost the fewest requests.
 *
 *   read   GET  /repos/{o}/{r}/contents/{file}?ref={branch}   the state and its blob sha, 1 request
 *   write  PUT  /repos/{o}/{r}/contents/{file} with that sha  a one-request compare-and-swap: GitHub
 *          commits on the branch tip only if the file's blob is still that sha, and answers 409 if not
 *
 * (The Git Data API needs 5: the branch, the state, then a tree, a commit and a ref update.) Nothing
 * can be lost: the sha names the file's content, and the state only ever grows (events are facts,
 * the reducer is idempotent), so when the sha still matches, the stored state is exactly the one the
 * new state was computed from. Other files on the branch are kept (the PUT commits onto the tip).
 *
 * After a successful write the store knows the tip (its own state and the blob sha GitHub answered),
 * so the next append skips the read and goes straight to the PUT: 1 request per append for a
 * single writer. When that PUT loses (409: someone else wrote), the append reads and tries again:
 * 3 requests, and the store then reads before writing for the next 1, 2, 4 … 16 appends (doubling
 * while the optimism keeps failing), so busy shared branches cost 2 requests per append (+2 per
 * lost race) instead of 3.
 *
 *   append, the store wrote last              PUT                                  1
 *   append, first one or after a lost race    GET, PUT                             2
 *   each lost race (409 / 422)                GET, PUT                            +2
 *   state.json over 1 MB                      + GET /git/blobs/{sha} per read     +1
 *   first write, branch missing               GET (404), POST git/trees, POST git/commits,
 *                                             POST git/refs (an orphan commit, like the git store)  4
 *   state.json corrupt or missing             + GET /commits (100 a page) + 1 for the oldest state
 *                                             (+1 for each git-store commit: its events.jsonl)
 *
 * A commit can only change one file through the contents API, so each commit's events go in its
 * message (see state-commit-message.ts) instead of an events.jsonl next to state.json, and a
 * corrupt or missing state.json is rebuilt by replaying the messages of the branch's history. The
 * git store's commits in the same history are read too: their events.jsonl, one request each.
 *
 * Heavy contention stays costly whatever the scheme: one file takes one write at a time. 8 writers
 * appending 10 times each, at once, through the test emulator: ~6 calls per append (~2.2 lost races).
 *
 * `version` is the blob sha of state.json (what the compare-and-swap compares), not a commit id.
 */

/** The retry backoff defaults here are wider than the git store's: baseDelayMs 100, maxDelayMs 5000. */
export interface GitHubStateStoreOptions extends RetryOptions {
  /** Any @octokit/rest client; createOctokit (src/github/octokit.ts) adds retries and throttling. */
  octokit: GitHubRestClient;
  owner: string;
  repo: string;
  branch?: string;
  file?: string;
  /** How a rebuilt state.json is reported (default: console.warn). */
  onWarning?: (message: string) => void;
  /** Called for every API call the store makes (retries by the client's plugins are not calls). */
  countCalls?: (call: { route: string }) => void;
  /** Who the commits are by (default: the token's user or app). */
  author?: { name: string; email: string };
  /**
   * How far apart the client spaces its writes (@octokit/plugin-throttling: 1000 ms). After a lost
   * race the store waits out what is left of it (plus the retry backoff) before re-reading, so the
   * retried write is not held back after the read, while the tip moves on. 0 for an unthrottled client.
   */
  writeSpacingMs?: number;
  /** The clock and session ids used only when the branch does not exist yet. */
  now?: () => Date;
  newSessionId?: () => string;
}

export type GitHubStateStore = StateStore & {
  /** How many API calls the store has made. */
  calls(): number;
};

/** Where the git store keeps a commit's events; read when replaying its commits. */
const EVENTS_FILE = 'events.jsonl';
const MAX_OPTIMISM_PENALTY = 16;

type Tip = { state: UnifiedState; version: string | null; repaired: boolean };
type WriteResult = { ok: true; version: string } | { ok: false; reason: string };
type ContentData = Awaited<ReturnType<Octokit['rest']['repos']['getContent']>>['data'];
type FileData = Extract<ContentData, { type: 'file' }>;

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

function statusOf(err: unknown): number | undefined {
  if (typeof err !== 'object' || err === null || !('status' in err)) return undefined;
  return typeof err.status === 'number' ? err.status : undefined;
}

function messageOf(err: unknown): string {
  return errorMessage(err).replace(/\s+/g, ' ').slice(0, 300);
}

export function createGitHubStateStore(options: GitHubStateStoreOptions): GitHubStateStore {
  const { octokit, owner, repo, branch = 'quantumwala/state', file = 'state.json' } = options;
  const warn = options.onWarning ?? ((message: string) => console.warn(message));
  const now = options.now ?? (() => new Date());
  const newSessionId = options.newSessionId ?? randomUUID;
  const writeSpacingMs = options.writeSpacingMs ?? 1000;
  const identity = options.author ? { author: options.author, committer: options.author } : {};

  let calls = 0;
  async function call<T>(route: string, request: () => Promise<T>): Promise<T> {
    calls += 1;
    options.countCalls?.({ route });
    return request();
  }

  /** What the last read or write found missing: the branch (write creates it) or only the file. */
  let missing: 'branch' | 'file' | null = null;
  /** The tip as this store last saw it intact (its own write, or a read); null when unsure. */
  let known: { state: UnifiedState; version: string } | null = null;
  let optimistic = false;
  let missStreak = 0;
  let readFirst = 0;
  let lastWriteAt = 0;
  /** How much of the client's write spacing was left when a write lost: waited before re-reading. */
  let spacingDebt = 0;

  async function getFile(path: string, ref: string): Promise<ContentData> {
    const { data } = await call('GET /repos/{owner}/{repo}/contents/{path}', () =>
      // The object media type: a file over 1 MB comes without its content (encoding "none")
      // rather than as an error, still with the blob sha to fetch it by.
      octokit.rest.repos.getContent({ owner, repo, path, ref, mediaType: { format: 'object' } }),
    );
    return data;
  }

  function asFile(data: ContentData, path: string): FileData {
    if (!Array.isArray(data) && data.type === 'file') return data;
    const type = Array.isArray(data) ? 'dir' : data.type;
    throw new Error(`${path} on ${branch} in ${owner}/${repo} is a ${type}, not a file`);
  }

  async function fileText(data: FileData): Promise<string> {
    if (data.encoding === 'base64' && (data.content !== '' || data.size === 0)) {
      return Buffer.from(data.content, 'base64').toString('utf8');
    }
    const { data: blob } = await call('GET /repos/{owner}/{repo}/git/blobs/{file_sha}', () =>
      octokit.rest.git.getBlob({ owner, repo, file_sha: data.sha }),
    );
    return Buffer.from(blob.content, blob.encoding === 'base64' ? 'base64' : 'utf8').toString('utf8');
  }

  async function fetchTip(): Promise<Tip> {
    known = null;
    let data: FileData;
    try {
      data = asFile(await getFile(file, branch), file);
    } catch (err) {
      if (statusOf(err) !== 404) throw err;
      if (/no commit found for the ref/i.test(messageOf(err))) return absent();
      missing = 'file';
      return rebuild(null, 'missing');
    }
    missing = null;
    const version = data.sha;
    const text = await fileText(data);
    try {
      const state = parseState(JSON.parse(text));
      known = { state, version };
      return { state, version, repaired: false };
    } catch (err) {
      return rebuild(version, `corrupt (${messageOf(err)})`);
    }
  }

  function absent(): Tip {
    missing = 'branch';
    return { state: emptyState(newSessionId(), now().toISOString()), version: null, repaired: false };
  }

  /** Replays the events of every commit on the branch, as the git store's rebuildFromHistory does. */
  async function rebuild(version: string | null, problem: string): Promise<Tip> {
    const commits: { sha: string; message: string }[] = [];
    const countPage = () => {
      calls += 1;
      options.countCalls?.({ route: 'GET /repos/{owner}/{repo}/commits' });
    };
    try {
      const pages = octokit.paginate.iterator(octokit.rest.repos.listCommits, {
        owner,
        repo,
        sha: branch,
        per_page: 100,
      });
      for await (const page of pages) {
        countPage();
        for (const c of page.data) commits.push({ sha: c.sha, message: c.commit.message });
      }
    } catch (err) {
      countPage();
      // 404: no such branch; 409: an empty repository.
      if (version === null && (statusOf(err) === 404 || statusOf(err) === 409)) return absent();
      throw err;
    }
    if (commits.length === 0 && version === null) return absent();
    commits.reverse(); // oldest first

    let skipped = 0;
    const events: StateEvent[] = [];
    for (const commit of commits) {
      let batch = parseStateCommitMessage(commit.message);
      // A git store commit (every line "state: …"): its events are in its events.jsonl.
      if (!batch && /^state: /.test(commit.message)) batch = await eventsFileAt(commit.sha);
      if (!batch) continue;
      events.push(...batch.events);
      skipped += batch.skipped;
    }
    const root = commits[0];
    const session = (root && (await sessionAt(root.sha))) ?? {
      id: newSessionId(),
      at: events[0]?.at ?? now().toISOString(),
    };
    // One batch, so order does not matter (the reducer starts runs first); events for runs that
    // were never started would make the reducer throw: a damaged history, skipped like bad lines.
    const started = new Set(events.filter((e) => e.type === 'run_started').map((e) => e.runId));
    const usable = events.filter((e) => started.has(e.runId));
    skipped += events.length - usable.length;
    const state = applyEvents(emptyState(session.id, session.at), usable);
    const note = skipped > 0 ? ` (skipped ${skipped} unreadable event lines)` : '';
    warn(`${file} on ${branch} is ${problem}; rebuilt from ${commits.length} commits of history${note}`);
    return { state, version, repaired: true };
  }

  async function eventsFileAt(sha: string): Promise<{ events: StateEvent[]; skipped: number } | null> {
    try {
      return parseEventLines(await fileText(asFile(await getFile(EVENTS_FILE, sha), EVENTS_FILE)));
    } catch (err) {
      if (statusOf(err) === 404) return null;
      throw err;
    }
  }

  async function sessionAt(sha: string): Promise<{ id: string; at: string } | null> {
    try {
      const { session } = parseState(JSON.parse(await fileText(asFile(await getFile(file, sha), file))));
      return { id: session.id, at: session.started_at };
    } catch {
      return null;
    }
  }

  async function readTip(): Promise<Tip> {
    if (known && readFirst === 0) {
      optimistic = true;
      return { ...known, repaired: false };
    }
    if (known) readFirst -= 1;
    optimistic = false;
    // On top of appendWithRetry's jittered backoff (already waited), so writers that lost together
    // do not all re-read together when their spacing ends.
    if (spacingDebt > 0) await sleep(spacingDebt);
    spacingDebt = 0;
    return fetchTip();
  }

  function lost(reason: string): WriteResult {
    known = null;
    spacingDebt = Math.max(0, lastWriteAt + writeSpacingMs - Date.now());
    if (optimistic) {
      missStreak += 1;
      readFirst = Math.min(MAX_OPTIMISM_PENALTY, 2 ** (missStreak - 1));
    }
    return { ok: false, reason };
  }

  function stored(state: UnifiedState, version: string): WriteResult {
    if (optimistic) missStreak = 0;
    known = { state, version };
    missing = null;
    return { ok: true, version };
  }

  async function write(
    state: UnifiedState,
    events: readonly StateEvent[],
    expected: string | null,
  ): Promise<WriteResult> {
    const content = serializeState(state);
    const message = formatStateCommitMessage(events);
    lastWriteAt = Date.now();
    if (expected === null && missing === 'branch') return createBranch(state, content, message);
    try {
      const { data } = await call('PUT /repos/{owner}/{repo}/contents/{path}', () =>
        octokit.rest.repos.createOrUpdateFileContents({
          owner,
          repo,
          path: file,
          branch,
          message,
          content: Buffer.from(content, 'utf8').toString('base64'),
          ...(expected === null ? {} : { sha: expected }),
          ...identity,
        }),
      );
      return stored(state, data.content?.sha ?? gitBlobSha(content));
    } catch (err) {
      const status = statusOf(err);
      const reason = `${status ?? 'error'} ${messageOf(err)}`;
      // 409: the file is no longer `expected` (or the branch moved under GitHub's own commit).
      // 422 "sha wasn't supplied": someone created the file since it was found missing.
      // 404 naming the branch: it was deleted since; the re-read finds it missing and recreates it.
      if (status === 409 || (status === 422 && /\bsha\b/i.test(reason))) return lost(reason);
      if (status === 404 && /branch/i.test(reason)) return lost(reason);
      known = null;
      throw err;
    }
  }

  /** The branch's first commit: an orphan holding only the state file, as the git store makes it. */
  async function createBranch(state: UnifiedState, content: string, message: string): Promise<WriteResult> {
    let tree: string;
    try {
      ({
        data: { sha: tree },
      } = await call('POST /repos/{owner}/{repo}/git/trees', () =>
        octokit.rest.git.createTree({
          owner,
          repo,
          tree: [{ path: file, mode: '100644', type: 'blob', content }],
        }),
      ));
    } catch (err) {
      if (statusOf(err) === 409) {
        throw new Error(
          `cannot create ${branch} in ${owner}/${repo}: the repository is empty and GitHub's Git ` +
            `Data API needs one commit in it (${messageOf(err)})`,
        );
      }
      throw err;
    }
    const { data: commit } = await call('POST /repos/{owner}/{repo}/git/commits', () =>
      octokit.rest.git.createCommit({ owner, repo, message, tree, parents: [], ...identity }),
    );
    try {
      await call('POST /repos/{owner}/{repo}/git/refs', () =>
        octokit.rest.git.createRef({ owner, repo, ref: `refs/heads/${branch}`, sha: commit.sha }),
      );
    } catch (err) {
      // Another writer created the branch first: re-read its state and apply the events to it.
      if (statusOf(err) === 422 && /already exists/i.test(messageOf(err))) {
        missing = null;
        return lost(`422 ${messageOf(err)}`);
      }
      throw err;
    }
    return stored(state, gitBlobSha(content));
  }

  const backend: CasBackend = { readTip, write, describe: `${branch} in ${owner}/${repo} on GitHub` };
  return {
    read: async () => {
      const { state, version } = await fetchTip();
      return { state, version };
    },
    // A write takes GitHub a few hundred ms, so racing writers need a wider jitter than git's.
    append: groupedAppend(backend, { baseDelayMs: 100, maxDelayMs: 5000, ...options }),
    update: (decide) => updateWithRetry(backend, decide, { baseDelayMs: 100, maxDelayMs: 5000, ...options }),
    calls: () => calls,
  };
}
