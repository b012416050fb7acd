import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { catFileBatch } from '../../src/state/cat-file-batch.js';
import type { StateEvent } from '../../src/state/events.js';
import { createGitStateStore, type GitStateStoreOptions } from '../../src/state/git-state-store.js';
import { StateInconsistencyError } from '../../src/state/state-inconsistency-error.js';
import { attemptFinished, attemptStarted, runFinished, runStarted } from '../support/state-events.js';
import { gitIn, stateTestRepo } from '../support/state-repo.js';

const BRANCH = 'quantumwala/state';
const REF = `refs/heads/${BRANCH}`;
const PROJECT_ROOT = fileURLToPath(new URL('../..', import.meta.url));
const WRITER = fileURLToPath(new URL('../support/state-writer.ts', import.meta.url));

const store = (repoDir: string, extra: Partial<GitStateStoreOptions> = {}) =>
  createGitStateStore({ repoDir, onWarning: () => undefined, ...extra });

const runEvents: StateEvent[] = [
  runStarted('r1', [{ id: '1' }, { id: '2' }]),
  attemptStarted('r1', '1', 1, 10),
  attemptFinished('r1', '1', 1, 20, { costUsd: 0.5 }),
  attemptStarted('r1', '2', 1, 21),
  attemptFinished('r1', '2', 1, 30, { outcome: 'failed', errorClass: 'timeout' }),
  runFinished('r1', 40, 'failed'),
];

/** Every commit on the branch, newest first, with its parents. */
async function history(dir: string): Promise<string[][]> {
  const out = await gitIn(dir, ['rev-list', '--parents', REF]);
  return out.split('\n').map((line) => line.split(' '));
}

function expectLinear(commits: string[][]): void {
  commits.forEach(([, ...parents], i) => {
    expect(parents).toEqual(i === commits.length - 1 ? [] : [commits[i + 1]![0]]);
  });
}

describe('git state store', () => {
  it('reads an empty state before the branch exists, then round-trips appends', async () => {
    const dir = await stateTestRepo();
    const s = store(dir);
    const before = await s.read();
    expect(before.version).toBeNull();
    expect(before.state.runs).toEqual({});

    await s.append(runEvents.slice(0, 3));
    const written = await s.append(runEvents.slice(3));
    const { state, version } = await s.read();
    expect(state).toEqual(written);
    expect(version).toBe(await gitIn(dir, ['rev-parse', REF]));
    expect(state.runs.r1).toMatchObject({ status: 'failed', cost_usd: 0.5 });
    expect(state.runs.r1!.event_ids).toHaveLength(6);

    expect(await gitIn(dir, ['ls-tree', '--name-only', REF])).toBe('events.jsonl\nstate.json');
    const stored = await gitIn(dir, ['show', `${REF}:events.jsonl`]);
    expect(stored.split('\n').map((l) => (JSON.parse(l) as StateEvent).id)).toEqual(
      runEvents.slice(3).map((e) => e.id),
    );
    expect(await gitIn(dir, ['log', '-1', '--format=%B', REF])).toBe(
      'state: attempt_started 2 #1\nstate: attempt_finished 2 #1 failed (timeout)\nstate: run_finished r1 failed',
    );
    expect(await gitIn(dir, ['log', '-1', '--format=%an <%ae>', REF])).toBe(
      'Quantumwala <quantumwala@users.noreply.github.com>',
    );
    expectLinear(await history(dir));
  });

  it('leaves the working tree, the index and HEAD alone', async () => {
    const dir = await stateTestRepo();
    const head = await gitIn(dir, ['rev-parse', 'HEAD']);
    const branch = await gitIn(dir, ['symbolic-ref', 'HEAD']);
    await store(dir).append(runEvents);
    expect(await gitIn(dir, ['status', '--porcelain', '--untracked-files=all'])).toBe('');
    expect(await gitIn(dir, ['rev-parse', 'HEAD'])).toBe(head);
    expect(await gitIn(dir, ['symbolic-ref', 'HEAD'])).toBe(branch);
    expect(await gitIn(dir, ['ls-files'])).toBe('README.md');
  });

  it('appending events already stored writes nothing', async () => {
    const dir = await stateTestRepo();
    const s = store(dir);
    const first = await s.append(runEvents);
    const tip = await gitIn(dir, ['rev-parse', REF]);
    expect(await s.append(runEvents.slice(2, 4))).toEqual(first);
    expect(await gitIn(dir, ['rev-parse', REF])).toBe(tip);
  });

  it('refuses events of a run that never started, writing nothing', async () => {
    const dir = await stateTestRepo();
    await expect(store(dir).append([attemptStarted('ghost', '1', 1, 1)])).rejects.toThrow(
      StateInconsistencyError,
    );
    expect((await store(dir).read()).version).toBeNull();
  });

  it('retries a lost race, also when both writers create the branch, and loses nothing', async () => {
    const dir = await stateTestRepo();
    const other = store(dir);
    const moves = [[runEvents[0]!], [runEvents[1]!]];
    const retries: string[] = [];
    const s = store(dir, {
      // Another writer lands a commit between this store's read and its compare-and-swap, twice.
      beforeUpdateRef: async () => {
        const next = moves.shift();
        if (next) await other.append(next);
      },
      onRetry: ({ reason }) => retries.push(reason),
    });
    await s.append([runEvents[0]!, runEvents[2]!]);
    expect(retries).toHaveLength(2);
    expect(retries[0]).toMatch(/already exists/);
    expect(retries[1]).toMatch(/but expected/);
    const { state } = await s.read();
    expect(state.runs.r1!.event_ids).toEqual(
      runEvents
        .slice(0, 3)
        .map((e) => e.id)
        .sort(),
    );
    expect(state.runs.r1!.tasks['1']!.attempts[0]).toMatchObject({
      started_at: runEvents[1]!.at,
      outcome: 'succeeded',
    });
    const commits = await history(dir);
    expect(commits).toHaveLength(3);
    expectLinear(commits);
  });

  it('gives up with a clear error when the branch keeps moving', async () => {
    const dir = await stateTestRepo();
    const other = store(dir);
    let n = 0;
    const s = store(dir, {
      maxAttempts: 3,
      baseDelayMs: 1,
      // Attempt numbers from 2 on, so the moves never include the event being appended.
      beforeUpdateRef: () => other.append([attemptStarted('r1', '1', ++n + 1, n)]).then(() => undefined),
    });
    await other.append([runEvents[0]!]);
    await expect(s.append([runEvents[1]!])).rejects.toThrow(
      /gave up appending 1 event\(s\) to quantumwala\/state .* after 3 attempts/,
    );
  });

  it.each([
    [
      'corrupt',
      '{"version": 1, "session": ',
      /state\.json on quantumwala\/state is corrupt \(.*JSON.*\); rebuilt from 4 commits of history/,
    ],
    ['invalid', '{"version": 1}', /is corrupt \(invalid state: .*\); rebuilt from 4 commits/],
    ['missing', null, /state\.json on quantumwala\/state is missing; rebuilt from 4 commits of history/],
  ])(
    'rebuilds a %s state.json from history, with a warning, and repairs it on the next append',
    async (_, content, warning) => {
      const dir = await stateTestRepo();
      const warnings: string[] = [];
      const s = store(dir, { onWarning: (m) => warnings.push(m) });
      for (const batch of [runEvents.slice(0, 2), runEvents.slice(2, 4), runEvents.slice(4, 5)])
        await s.append(batch);
      const good = (await s.read()).state;

      // A hand-made commit that breaks state.json and carries events.jsonl forward unchanged.
      const tip = await gitIn(dir, ['rev-parse', REF]);
      const eventsBlob = await gitIn(dir, ['rev-parse', `${tip}:events.jsonl`]);
      const entries = [`100644 blob ${eventsBlob}\tevents.jsonl`];
      if (content !== null)
        entries.push(
          `100644 blob ${await gitIn(dir, ['hash-object', '-w', '--stdin'], content)}\tstate.json`,
        );
      const tree = await gitIn(dir, ['mktree'], `${entries.join('\n')}\n`);
      const broken = await gitIn(dir, ['commit-tree', tree, '-p', tip, '-m', 'oops']);
      await gitIn(dir, ['update-ref', REF, broken, tip]);

      const rebuilt = await s.read();
      expect(warnings).toHaveLength(1);
      expect(warnings[0]).toMatch(warning);
      expect(rebuilt.state).toEqual(good);
      expect(rebuilt.version).toBe(broken);

      const after = await s.append([runEvents[5]!]);
      expect(after.runs.r1!.status).toBe('failed');
      expect((await s.read()).state).toEqual(after);
      expect(warnings).toHaveLength(2); // the append's own read saw the damage; the read after it did not
      expect(await gitIn(dir, ['rev-parse', `${REF}~1`])).toBe(broken);
    },
  );

  it('8 processes appending 10 events each at once lose nothing and keep history linear', async () => {
    const dir = await stateTestRepo();
    const writers = 8;
    const perWriter = 10;
    const tasks = [];
    for (let w = 0; w < writers; w++)
      for (let i = 1; i <= perWriter / 2; i++) tasks.push({ id: `${w}.${i}` });
    await store(dir).append([runStarted('multi', tasks)]);

    const children = Array.from({ length: writers }, (_, w) =>
      spawn(process.execPath, ['--import', 'tsx', WRITER, dir, String(w), String(perWriter)], {
        cwd: PROJECT_ROOT,
        stdio: ['pipe', 'pipe', 'inherit'],
      }),
    );
    const outputs = children.map((child) => {
      const lines = createInterface({ input: child.stdout! });
      const ready = new Promise<void>((resolve) => lines.once('line', () => resolve()));
      const report = new Promise<{ retries: number; ms: number }>((resolve, reject) => {
        lines.on(
          'line',
          (line) => line.startsWith('{') && resolve(JSON.parse(line) as { retries: number; ms: number }),
        );
        child.on('exit', (code) =>
          code === 0 ? undefined : reject(new Error(`writer exited with ${code}`)),
        );
      });
      return { ready, report };
    });
    await Promise.all(outputs.map((o) => o.ready));
    const started = performance.now();
    for (const child of children) child.stdin!.end('go\n');
    const reports = await Promise.all(outputs.map((o) => o.report));
    const elapsed = Math.round(performance.now() - started);
    const retries = reports.reduce((n, r) => n + r.retries, 0);
    console.log(`8 writers x ${perWriter} events: ${elapsed} ms, ${retries} CAS retries`);

    const { state } = await store(dir).read();
    const run = state.runs.multi!;
    expect(run.event_ids).toHaveLength(1 + writers * perWriter);
    for (const task of tasks) {
      expect(run.tasks[task.id]!.attempts).toEqual([
        expect.objectContaining({
          n: 1,
          started_at: expect.any(String),
          outcome: 'succeeded',
          cost_usd: 0.01,
        }),
      ]);
    }
    expect(state.resources.total_tasks_executed).toBe(writers * (perWriter / 2));
    expect(run.cost_usd).toBeCloseTo(0.4, 6);
    const commits = await history(dir);
    console.log(`8 writers: ${commits.length - 1} commits`);
    // Every event landed in exactly one commit's events.jsonl.
    const files = await catFileBatch(
      commits.map(([c]) => `${c}:events.jsonl`),
      { cwd: dir, env: process.env },
    );
    const stored = files.flatMap((f) => f!.content.toString('utf8').trim().split('\n'));
    expect(stored.map((l) => (JSON.parse(l) as StateEvent).id).sort()).toEqual([...run.event_ids]);
    expect(commits.length).toBeGreaterThanOrEqual(1 + writers * 2);
    expectLinear(commits);
  }, 60_000);
});
