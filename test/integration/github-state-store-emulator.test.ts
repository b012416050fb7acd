import { afterEach, describe, expect, it } from 'vitest';
import { createOctokit } from '../../src/github/octokit.js';
import type { StateEvent } from '../../src/state/events.js';
import { createGitHubStateStore } from '../../src/state/github-state-store.js';
import { startGitHubEmulator, type GitHubEmulator } from '../support/github-emulator.js';
import { attemptFinished, attemptStarted, runStarted } from '../support/state-events.js';

const OWNER = 'octo';
const REPO = 'proj';
const TOKEN = 'ghs_emulator0token';
const WRITERS = 8;
const PER_WRITER = 4;

let emu: GitHubEmulator | undefined;
afterEach(async () => {
  await emu?.close();
  emu = undefined;
});

const silent = {
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
};

/** A store as one process would have it: its own client (and so its own write throttling). */
function storeFor(e: GitHubEmulator, name: string, onRetry?: () => void) {
  const octokit = createOctokit({ token: TOKEN, baseUrl: e.url, throttleId: name, logger: silent });
  const store = createGitHubStateStore({
    octokit,
    owner: OWNER,
    repo: REPO,
    onWarning: () => undefined,
    ...(onRetry ? { onRetry } : {}),
  });
  return { store, octokit };
}

describe('GitHub state store against the GitHub API emulator', () => {
  it(`${WRITERS} concurrent writers append ${PER_WRITER} events each: all are stored`, async () => {
    emu = await startGitHubEmulator({ owner: OWNER, repo: REPO, token: TOKEN });
    const e = emu;
    const tasks = Array.from({ length: WRITERS }, (_, w) =>
      Array.from({ length: PER_WRITER / 2 }, (__, i) => ({ id: `${w}.${i}` })),
    ).flat();
    const setup = storeFor(e, 'setup');
    await setup.store.append([runStarted('multi', tasks)]);

    let retries = 0;
    const writers = Array.from({ length: WRITERS }, (_, w) =>
      storeFor(e, `writer-${w}`, () => (retries += 1)),
    );
    const started = performance.now();
    const appending = Promise.all(
      writers.map(async ({ store }, w) => {
        for (let i = 0; i < PER_WRITER / 2; i++) {
          const events: StateEvent[] = [
            attemptStarted('multi', `${w}.${i}`, 1, 10 + i),
            attemptFinished('multi', `${w}.${i}`, 1, 20 + i, { costUsd: 0.01 }),
          ];
          for (const event of events) await store.append([event]);
        }
      }),
    );
    // An emulator failure (a 500 after the client's retries) is easier to read with its cause.
    await appending.catch((error: unknown) => {
      throw new Error(`${String(error)}; emulator violations: ${e.violations.join(' | ')}`);
    });
    const ms = Math.round(performance.now() - started);

    const { state } = await storeFor(e, 'reader').store.read();
    const run = state.runs.multi!;
    expect(run.event_ids).toHaveLength(1 + WRITERS * PER_WRITER);
    expect(Object.values(run.tasks).every((t) => t.status === 'succeeded')).toBe(true);

    const appends = WRITERS * PER_WRITER;
    const calls = writers.reduce((n, w) => n + w.store.calls(), 0);
    const requests = writers.reduce((n, w) => n + w.octokit.requestCount(), 0);
    const byRoute = Object.fromEntries(e.callsByRoute());
    console.log(
      `github state store, ${WRITERS} writers × ${PER_WRITER} appends: ${calls} calls ` +
        `(${(calls / appends).toFixed(2)} per append), ${requests} HTTP requests, ${retries} lost races, ` +
        `${ms} ms; by route ${JSON.stringify(byRoute)}`,
    );
    // Every append is one PUT (the first made the branch), and each lost race one more PUT and a GET.
    const puts = e.requests.filter((r) => r.route === 'PUT /repos/{owner}/{repo}/contents/{path}').length;
    expect(puts).toBe(appends + retries);
    expect(calls).toBeLessThanOrEqual(appends * 2 + retries * 2);
    // One commit per append (plus the branch's first), each carrying its events in its message.
    const { data: commits } = await writers[0]!.octokit.rest.repos.listCommits({
      owner: OWNER,
      repo: REPO,
      sha: 'quantumwala/state',
      per_page: 100,
    });
    expect(commits).toHaveLength(1 + appends);
    e.assertNoViolations();
    e.assertNoRejections();
  }, 480_000);

  it('rebuilds a corrupt state.json from the history the store wrote', async () => {
    emu = await startGitHubEmulator({ owner: OWNER, repo: REPO, token: TOKEN });
    const { store, octokit } = storeFor(emu, 'rebuild');
    await store.append([runStarted('r', [{ id: '1' }])]);
    await store.append([attemptStarted('r', '1', 1, 5)]);
    const { data: file } = await octokit.rest.repos.getContent({
      owner: OWNER,
      repo: REPO,
      path: 'state.json',
      ref: 'quantumwala/state',
    });
    await octokit.rest.repos.createOrUpdateFileContents({
      owner: OWNER,
      repo: REPO,
      path: 'state.json',
      branch: 'quantumwala/state',
      message: 'oops',
      content: Buffer.from('{ not json').toString('base64'),
      sha: (file as { sha: string }).sha,
    });
    const warnings: string[] = [];
    const reader = createGitHubStateStore({
      octokit,
      owner: OWNER,
      repo: REPO,
      onWarning: (m) => warnings.push(m),
    });
    const { state } = await reader.read();
    expect(state.runs.r!.event_ids).toHaveLength(2);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/is corrupt .*; rebuilt from 3 commits of history/);
    await reader.append([attemptFinished('r', '1', 1, 9)]);
    const again = await store.read();
    expect(again.state.runs.r!.event_ids).toHaveLength(3);
    emu.assertNoViolations();
    emu.assertNoRejections();
  });
});
