import { createHash } from 'node:crypto';
import { Octokit } from '@octokit/rest';
import nock from 'nock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createOctokit } from '../../src/github/octokit.js';
import { stateEvent, type StateEvent } from '../../src/state/events.js';
import { createGitHubStateStore, type GitHubStateStoreOptions } from '../../src/state/github-state-store.js';
import {
  formatStateCommitMessage,
  gitBlobSha,
  serializeState,
} from '../../src/state/state-commit-message.js';
import { emptyState } from '../../src/state/state-schema.js';
import { applyEvents } from '../../src/state/reduce.js';
import { attemptFinished, attemptStarted, runFinished, runStarted } from '../support/state-events.js';

const API = 'https://api.github.com';
const OWNER = 'octo';
const REPO = 'proj';
const BRANCH = 'quantumwala/state';
const TOKEN = 'ghp_secretsecretsecretsecretsecret0000';
const DOCS = 'https://docs.github.com/rest';

type Reply = [number, unknown, Record<string, string>?];
interface Commit {
  sha: string;
  message: string;
  parents: string[];
  files: Map<string, string>; // path → blob sha
}

const sha1 = (text: string) => createHash('sha1').update(text).digest('hex');
const err = (status: number, message: string, docs = DOCS): Reply => [
  status,
  { message, documentation_url: docs, status: String(status) },
];

/**
 * A small in-memory GitHub behind nock: the contents API (GET, PUT with its sha compare-and-swap),
 * the Git Data calls the store uses, the commit list and blobs, with GitHub's documented answers.
 * `fail(...)` queues an answer for the next matching request (faults, rate limits).
 */
class FakeGitHub {
  blobs = new Map<string, Buffer>();
  trees = new Map<string, Map<string, string>>();
  commits = new Map<string, Commit>();
  refs = new Map<string, string>();
  /** Every request, as "METHOD /path" (query left off). */
  log: string[] = [];
  /** Files larger than this come without content from the contents API (GitHub: 1 MB). */
  inlineLimit = 1024 * 1024;
  private faults: { method: string; path: RegExp; reply: Reply }[] = [];
  private counter = 0;

  constructor() {
    const scope = nock(API).persist();
    const route = (method: string) => (uri: string, body: unknown) => this.handle(method, uri, body);
    scope.get(/.*/).reply(route('GET'));
    scope.put(/.*/).reply(route('PUT'));
    scope.post(/.*/).reply(route('POST'));
  }

  fail(method: string, path: RegExp, reply: Reply): void {
    this.faults.push({ method, path, reply });
  }

  count(method: string, path: RegExp): number {
    return this.log.filter((l) => l.startsWith(`${method} `) && path.test(l)).length;
  }

  blob(content: string | Buffer): string {
    const bytes = Buffer.from(content);
    const sha = gitBlobSha(bytes);
    this.blobs.set(sha, bytes);
    return sha;
  }

  /** A commit made outside the store (a hand edit, or a git-store commit). */
  commit(branch: string, message: string, files: Record<string, string | null>): string {
    const parent = this.refs.get(branch);
    const tree = new Map(parent ? this.commits.get(parent)!.files : []);
    for (const [path, content] of Object.entries(files)) {
      if (content === null) tree.delete(path);
      else tree.set(path, this.blob(content));
    }
    const sha = this.newCommit(message, tree, parent ? [parent] : []);
    this.refs.set(branch, sha);
    return sha;
  }

  fileAt(branch: string, path: string): string | undefined {
    const tip = this.refs.get(branch);
    const blob = tip && this.commits.get(tip)!.files.get(path);
    return blob ? this.blobs.get(blob)!.toString('utf8') : undefined;
  }

  history(branch: string): Commit[] {
    const out: Commit[] = [];
    for (let sha = this.refs.get(branch); sha; sha = this.commits.get(sha)!.parents[0]) {
      out.push(this.commits.get(sha)!);
    }
    return out;
  }

  private newCommit(message: string, files: Map<string, string>, parents: string[]): string {
    const sha = sha1(`commit ${++this.counter} ${message}`);
    this.commits.set(sha, { sha, message, parents, files });
    return sha;
  }

  private resolve(ref: string): Commit | undefined {
    const sha = this.refs.get(ref) ?? ref;
    return this.commits.get(sha);
  }

  private handle(method: string, uri: string, body: unknown): Reply {
    const url = new URL(uri, API);
    const path = url.pathname;
    this.log.push(`${method} ${path}`);
    const fault = this.faults.findIndex((f) => f.method === method && f.path.test(path));
    if (fault >= 0) return this.faults.splice(fault, 1)[0]!.reply;
    const prefix = `/repos/${OWNER}/${REPO}`;
    if (!path.startsWith(prefix)) return err(404, 'Not Found');
    const rest = path.slice(prefix.length);
    const input = (body ?? {}) as Record<string, unknown>;
    let m: RegExpMatchArray | null;
    if (method === 'GET' && (m = rest.match(/^\/contents\/(.+)$/))) {
      return this.getContent(decodeURIComponent(m[1]!), url.searchParams.get('ref') ?? 'main');
    }
    if (method === 'PUT' && (m = rest.match(/^\/contents\/(.+)$/))) {
      return this.putContent(decodeURIComponent(m[1]!), input);
    }
    if (method === 'GET' && (m = rest.match(/^\/git\/blobs\/([0-9a-f]{40})$/))) {
      const bytes = this.blobs.get(m[1]!);
      if (!bytes) return err(404, 'Not Found');
      return [200, { sha: m[1], size: bytes.length, content: bytes.toString('base64'), encoding: 'base64' }];
    }
    if (method === 'GET' && rest === '/commits') return this.listCommits(url.searchParams);
    if (method === 'POST' && rest === '/git/trees') {
      const entries = input.tree as { path: string; content: string }[];
      const tree = new Map(entries.map((e) => [e.path, this.blob(e.content)]));
      const sha = sha1(`tree ${JSON.stringify([...tree])}`);
      this.trees.set(sha, tree);
      return [201, { sha, url: `${API}${prefix}/git/trees/${sha}`, tree: [], truncated: false }];
    }
    if (method === 'POST' && rest === '/git/commits') {
      const tree = this.trees.get(input.tree as string);
      if (!tree) return err(422, 'Tree SHA does not exist');
      const sha = this.newCommit(input.message as string, tree, input.parents as string[]);
      return [201, { sha, message: input.message, tree: { sha: input.tree }, parents: [] }];
    }
    if (method === 'POST' && rest === '/git/refs') {
      const name = (input.ref as string).replace(/^refs\/heads\//, '');
      if (this.refs.has(name)) return err(422, 'Reference already exists');
      this.refs.set(name, input.sha as string);
      return [201, { ref: input.ref, object: { type: 'commit', sha: input.sha } }];
    }
    return err(404, 'Not Found');
  }

  private getContent(path: string, ref: string): Reply {
    const commit = this.resolve(ref);
    if (!commit) return err(404, `No commit found for the ref ${ref}`);
    const sha = commit.files.get(path);
    if (!sha) return err(404, 'Not Found');
    const bytes = this.blobs.get(sha)!;
    const large = bytes.length > this.inlineLimit;
    return [
      200,
      {
        type: 'file',
        name: path.split('/').pop(),
        path,
        sha,
        size: bytes.length,
        // GitHub wraps the base64 at 60 columns.
        content: large ? '' : (bytes.toString('base64').match(/.{1,60}/g) ?? []).join('\n'),
        encoding: large ? 'none' : 'base64',
      },
    ];
  }

  private putContent(path: string, input: Record<string, unknown>): Reply {
    const branch = input.branch as string;
    const tip = this.refs.get(branch);
    if (!tip) return err(404, `Branch ${branch} not found`);
    const files = this.commits.get(tip)!.files;
    const current = files.get(path);
    if (current && input.sha === undefined) return err(422, 'Invalid request.\n\n"sha" wasn\'t supplied.');
    if (current && input.sha !== current) return err(409, `${path} does not match ${String(input.sha)}`);
    const blob = this.blob(Buffer.from(input.content as string, 'base64'));
    const sha = this.newCommit(input.message as string, new Map([...files, [path, blob]]), [tip]);
    this.refs.set(branch, sha);
    return [current ? 200 : 201, { content: { name: path, path, sha: blob }, commit: { sha } }];
  }

  private listCommits(query: URLSearchParams): Reply {
    const list = this.history(query.get('sha') ?? 'main');
    if (list.length === 0) return err(404, `No commit found for SHA: ${query.get('sha')}`);
    const perPage = Number(query.get('per_page') ?? 30);
    const page = Number(query.get('page') ?? 1);
    const items = list.slice((page - 1) * perPage, page * perPage).map((c) => ({
      sha: c.sha,
      commit: { message: c.message },
      parents: c.parents.map((p) => ({ sha: p })),
    }));
    const last = Math.ceil(list.length / perPage);
    const link = (p: number, rel: string) =>
      `<${API}/repos/${OWNER}/${REPO}/commits?sha=${query.get('sha')}&per_page=${perPage}&page=${p}>; rel="${rel}"`;
    const headers: Record<string, string> = {};
    if (page < last) headers.link = [link(page + 1, 'next'), link(last, 'last')].join(', ');
    return [200, items, headers];
  }
}

const events: StateEvent[] = [
  runStarted('r1', [{ id: '1' }, { id: '2' }]),
  attemptStarted('r1', '1', 1, 10),
  attemptFinished('r1', '1', 1, 20, { costUsd: 0.5 }),
  attemptStarted('r1', '2', 1, 21),
  attemptFinished('r1', '2', 1, 30, { outcome: 'failed', errorClass: 'timeout' }),
  runFinished('r1', 40, 'failed'),
];
/** A run of its own: appends to an empty state (the reducer refuses events of unstarted runs). */
const r2 = runStarted('r2', [{ id: '1' }]);

/** A plain client: no retries, no throttling, so the store's own calls are all there is. */
const plainOctokit = () =>
  new Octokit({ auth: TOKEN, log: { debug() {}, info() {}, warn() {}, error() {} } });

let fake: FakeGitHub;
let warnings: string[];
let throttleIds = 0;

function store(extra: Partial<GitHubStateStoreOptions> = {}) {
  return createGitHubStateStore({
    octokit: plainOctokit(),
    owner: OWNER,
    repo: REPO,
    writeSpacingMs: 0,
    baseDelayMs: 1,
    onWarning: (m) => warnings.push(m),
    ...extra,
  });
}

/** The id each event was stored under, from state.json on the branch. */
function storedEventIds(): string[] {
  const text = fake.fileAt(BRANCH, 'state.json');
  const state = JSON.parse(text ?? '{"runs":{}}') as { runs: Record<string, { event_ids: string[] }> };
  return Object.values(state.runs)
    .flatMap((r) => r.event_ids)
    .sort();
}

beforeEach(() => {
  nock.disableNetConnect();
  fake = new FakeGitHub();
  warnings = [];
});

afterEach(() => {
  nock.cleanAll();
  nock.enableNetConnect();
});

describe('GitHub state store (contents API, over nock)', () => {
  it('creates the missing branch as an orphan commit, then round-trips appends in 1 call each', async () => {
    const s = store();
    const before = await s.read();
    expect(before.version).toBeNull();
    expect(before.state.runs).toEqual({});
    expect(s.calls()).toBe(1);

    await s.append(events.slice(0, 3));
    // GET (404: no branch), POST git/trees, POST git/commits, POST git/refs.
    expect(s.calls()).toBe(1 + 4);
    const root = fake.history(BRANCH);
    expect(root).toHaveLength(1);
    expect(root[0]!.parents).toEqual([]);
    expect([...root[0]!.files.keys()]).toEqual(['state.json']);

    const written = await s.append(events.slice(3));
    // The store wrote the tip itself: straight to the PUT.
    expect(s.calls()).toBe(1 + 4 + 1);
    const { state, version } = await s.read();
    expect(s.calls()).toBe(1 + 4 + 1 + 1);
    expect(state).toEqual(written);
    expect(state.runs.r1).toMatchObject({ status: 'failed', cost_usd: 0.5 });
    expect(state.runs.r1!.event_ids).toHaveLength(6);

    // Serialized as the git store does, version = the blob sha of state.json.
    const text = fake.fileAt(BRANCH, 'state.json')!;
    expect(text).toBe(`${JSON.stringify(state, null, 2)}\n`);
    expect(text).toBe(serializeState(state));
    expect(version).toBe(gitBlobSha(text));

    // Each commit's events are in its message.
    const [tip] = fake.history(BRANCH);
    expect(tip!.message).toBe(formatStateCommitMessage(events.slice(3).map((e) => stateEvent.parse(e))));
    expect(tip!.message.split('\n')[0]).toBe('state: attempt_started 2 #1 (+2 more)');
  });

  it('costs GET + PUT for a store that did not write last, and 0 calls for events already stored', async () => {
    await store().append(events.slice(0, 2));
    const s = store();
    await s.append(events.slice(2, 4));
    expect(s.calls()).toBe(2);
    expect(fake.log.slice(-2)).toEqual([
      `GET /repos/${OWNER}/${REPO}/contents/state.json`,
      `PUT /repos/${OWNER}/${REPO}/contents/state.json`,
    ]);
    // A retried append whose events are all stored already writes nothing.
    await s.append(events.slice(2, 4));
    expect(s.calls()).toBe(2);
  });

  it('loses a race on its optimistic write (409), re-reads and re-applies, losing nothing', async () => {
    const retries: string[] = [];
    const a = store({ onRetry: (info) => retries.push(info.reason) });
    await a.append(events.slice(0, 1));
    await store().append(events.slice(1, 2)); // moves the tip a knows of
    const before = a.calls();
    await a.append(events.slice(2, 4));
    expect(a.calls() - before).toBe(3); // PUT (409), GET, PUT
    expect(retries).toHaveLength(1);
    expect(retries[0]).toMatch(/^409 state\.json does not match [0-9a-f]{40}/);
    expect(storedEventIds()).toEqual(
      events
        .slice(0, 4)
        .map((e) => e.id)
        .sort(),
    );
  });

  it('retries a 409 on the first write after a fresh read: GET, PUT (409), GET, PUT', async () => {
    await store().append(events.slice(0, 1));
    const retries: string[] = [];
    const s = store({ onRetry: (info) => retries.push(info.reason) });
    fake.fail('PUT', /contents\/state\.json$/, err(409, 'state.json does not match 0123abcd'));
    await s.append(events.slice(1, 3));
    expect(s.calls()).toBe(4);
    expect(retries).toEqual(['409 state.json does not match 0123abcd - https://docs.github.com/rest']);
    expect(storedEventIds()).toEqual(
      events
        .slice(0, 3)
        .map((e) => e.id)
        .sort(),
    );
  });

  it('two writers creating the branch at once: the loser (422 Reference already exists) re-reads', async () => {
    await store().append(events.slice(0, 1));
    const retries: string[] = [];
    const late = store({ onRetry: (info) => retries.push(info.reason) });
    // It read before the branch was created.
    fake.fail('GET', /contents\/state\.json$/, err(404, `No commit found for the ref ${BRANCH}`));
    await late.append([r2]);
    // GET (404), POST git/trees, POST git/commits, POST git/refs (422), then GET, PUT.
    expect(late.calls()).toBe(4 + 2);
    expect(retries).toEqual([`422 Reference already exists - ${DOCS}`]);
    expect(fake.count('POST', /git\/refs$/)).toBe(2);
    expect(fake.history(BRANCH)).toHaveLength(2);
    expect(storedEventIds()).toEqual([events[0]!.id, r2.id].sort());
  });

  it('a file created between read and write (422 "sha" wasn\'t supplied) is a lost race', async () => {
    fake.commit(BRANCH, 'hand-made branch', { 'README.md': 'state lives here\n' });
    const s = store();
    const empty = await s.read();
    expect(empty.version).toBeNull();
    expect(empty.state.runs).toEqual({});
    expect(warnings).toEqual([
      'state.json on quantumwala/state is missing; rebuilt from 1 commits of history',
    ]);
    await store().append(events.slice(0, 1));
    // s read before that append created the file.
    fake.fail('GET', /contents\/state\.json$/, err(404, 'Not Found'));
    const before = s.calls();
    await s.append(events.slice(1, 2));
    // GET (404), GET commits, GET the root's state.json (none), PUT (422), GET, PUT.
    expect(s.calls() - before).toBe(6);
    expect(storedEventIds()).toEqual([events[0]!.id, events[1]!.id].sort());
    expect(fake.fileAt(BRANCH, 'README.md')).toBe('state lives here\n');
  });

  it('rebuilds a corrupt state.json from the commit messages, with a warning, and repairs it', async () => {
    const s = store();
    await s.append(events.slice(0, 2));
    await s.append(events.slice(2, 4));
    fake.commit(BRANCH, 'oops', { 'state.json': '{"version": 1, "session": ' });
    const reader = store();
    const { state } = await reader.read();
    expect(state.runs.r1!.event_ids).toHaveLength(4);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(
      /^state\.json on quantumwala\/state is corrupt \(.*\); rebuilt from 3 commits/,
    );
    // GET state.json, GET commits (one page), GET the oldest commit's state.json (the session).
    expect(reader.calls()).toBe(3);

    // The session is the one the branch started with.
    const first = JSON.parse(
      fake.blobs.get(fake.history(BRANCH).at(-1)!.files.get('state.json')!)!.toString(),
    );
    expect(state.session.id).toBe((first as { session: { id: string } }).session.id);

    // An append repairs the file even when its events are known already.
    warnings = [];
    await store().append(events.slice(3, 4));
    expect(warnings).toHaveLength(1);
    expect(JSON.parse(fake.fileAt(BRANCH, 'state.json')!)).toEqual(state);
    await store().append(events.slice(4));
    expect(storedEventIds()).toEqual(events.map((e) => e.id).sort());
  });

  it('rebuilds across pages of history and reads git-store commits from their events.jsonl', async () => {
    // A git store commit: events in events.jsonl, "state: …" lines in the message.
    const gitEvents = events.slice(0, 2);
    const gitState = applyEvents(emptyState('git-session', '2025-01-01T00:00:00.000Z'), gitEvents);
    fake.commit(BRANCH, 'state: run_started r1 spec-a (2 tasks)\nstate: attempt_started 1 #1\n', {
      'state.json': serializeState(gitState),
      'events.jsonl': gitEvents.map((e) => `${JSON.stringify(e)}\n`).join(''),
    });
    const s = store();
    for (const e of events.slice(2)) await s.append([e]);
    // 150 commits of duplicates after them, so the history spans two pages.
    for (let i = 0; i < 150; i++) {
      fake.commit(BRANCH, formatStateCommitMessage([events[5]!]), {
        'state.json': fake.fileAt(BRANCH, 'state.json')!,
      });
    }
    fake.commit(BRANCH, 'broken', { 'state.json': null });
    const reader = store();
    const { state, version } = await reader.read();
    expect(version).toBeNull();
    expect(state.session.id).toBe('git-session');
    expect(state.runs.r1!.event_ids).toHaveLength(6);
    expect(warnings[0]).toMatch(/state\.json on quantumwala\/state is missing; rebuilt from 156 commits/);
    // GET state.json (404), 2 pages of commits, the git commit's events.jsonl, the root's state.json.
    expect(reader.calls()).toBe(1 + 2 + 1 + 1);
  });

  it('reads a state.json over the inline limit through the blob API', async () => {
    const s = store();
    await s.append(events.slice(0, 2));
    fake.inlineLimit = 100;
    const reader = store();
    const { state } = await reader.read();
    expect(state.runs.r1!.event_ids).toHaveLength(2);
    expect(reader.calls()).toBe(2);
    expect(fake.log.at(-1)).toMatch(/^GET \/repos\/octo\/proj\/git\/blobs\/[0-9a-f]{40}$/);
    await reader.append(events.slice(2, 3));
    expect(reader.calls()).toBe(3);
    expect(storedEventIds()).toHaveLength(3);
  });

  it('after its optimistic write loses, reads first for the next append', async () => {
    const a = store();
    const b = store();
    await a.append(events.slice(0, 1));
    await b.append(events.slice(1, 2));
    let calls = a.calls();
    await a.append(events.slice(2, 3)); // PUT 409, GET, PUT
    expect(a.calls() - calls).toBe(3);
    await b.append(events.slice(3, 4)); // b's cache is stale too: PUT 409, GET, PUT
    calls = a.calls();
    await a.append(events.slice(4, 5)); // penalty: GET, PUT
    expect(a.calls() - calls).toBe(2);
    calls = a.calls();
    await a.append(events.slice(5)); // optimistic again (a wrote last): PUT
    expect(a.calls() - calls).toBe(1);
    expect(storedEventIds()).toEqual(events.map((e) => e.id).sort());
  });

  describe('through createOctokit (retry and throttling plugins)', () => {
    const client = (logs: string[]) =>
      createOctokit({
        token: TOKEN,
        throttleId: `store-test-${++throttleIds}`,
        logger: {
          debug: (m) => logs.push(m),
          info: (m) => logs.push(m),
          warn: (m) => logs.push(m),
          error: (m) => logs.push(m),
        },
      });

    it('a 502 and a secondary rate limit are retried by the plugins; the store sees 2 calls', async () => {
      await store().append(events.slice(0, 1));
      const logs: string[] = [];
      const octokit = client(logs);
      const s = store({ octokit, writeSpacingMs: 1000 });
      fake.fail('GET', /contents\/state\.json$/, err(502, 'Server Error'));
      fake.fail('PUT', /contents\/state\.json$/, [
        403,
        {
          message:
            'You have exceeded a secondary rate limit. Please wait a few minutes before you try again. ' +
            'If you reach out to GitHub Support for help, please include the request ID 1234:5678.',
          documentation_url:
            'https://docs.github.com/free-pro-team@latest/rest/overview/rate-limits-for-the-rest-api#about-secondary-rate-limits',
          status: '403',
        },
        { 'retry-after': '1', 'x-ratelimit-remaining': '4990' },
      ]);
      const started = Date.now();
      await s.append(events.slice(1, 2));
      expect(Date.now() - started).toBeGreaterThanOrEqual(1900); // 1 s backoff after the 502, 1 s retry-after
      expect(s.calls()).toBe(2);
      expect(octokit.requestCount()).toBe(4);
      expect(fake.log.slice(-4).map((l) => l.split(' ')[0])).toEqual(['GET', 'GET', 'PUT', 'PUT']);
      expect(storedEventIds()).toEqual([events[0]!.id, events[1]!.id].sort());
      expect(logs.some((l) => /secondary rate limit for PUT .*; retry 1\/3 in 1s/.test(l))).toBe(true);
      expect(logs.join('\n')).not.toContain(TOKEN);
    });

    it('a 409 is not retried by the client: the store re-reads at once instead', async () => {
      await store().append(events.slice(0, 1));
      const logs: string[] = [];
      const octokit = client(logs);
      const s = store({ octokit });
      fake.fail('PUT', /contents\/state\.json$/, err(409, 'state.json does not match 0123abcd'));
      await s.append(events.slice(1, 2));
      expect(s.calls()).toBe(4);
      expect(octokit.requestCount()).toBe(4);
      expect(storedEventIds()).toEqual([events[0]!.id, events[1]!.id].sort());
    });
  });
});
