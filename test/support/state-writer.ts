/**
 * One of several OS processes appending to the same state branch at once (the multi-writer test).
 * Usage: node --import tsx test/support/state-writer.ts <repo> <writerIndex> <eventCount>
 * Prints "ready", waits for a line on stdin, then appends its events one append each, in a shuffled
 * order (so finishes may land before starts): one, then the rest at once after random 0–400 ms
 * waits, overlapping each other and the other writers. Prints a JSON line with its CAS retries.
 */
import { createInterface } from 'node:readline';
import type { StateEvent } from '../../src/state/events.js';
import { createGitStateStore } from '../../src/state/git-state-store.js';
import { attemptFinished, attemptStarted, seededRandom, shuffle } from './state-events.js';

const WRITER_RUN_ID = 'multi';
const writerTaskId = (writer: number, i: number) => `${writer}.${i}`;

async function main(): Promise<void> {
  const [repoDir, writerArg, countArg] = process.argv.slice(2);
  if (!repoDir || !writerArg || !countArg)
    throw new Error('usage: state-writer <repo> <writerIndex> <eventCount>');
  const writer = Number(writerArg);
  const events: StateEvent[] = [];
  for (let i = 1; i <= Number(countArg) / 2; i++) {
    const task = writerTaskId(writer, i);
    events.push(attemptStarted(WRITER_RUN_ID, task, 1, 10 + i));
    events.push(attemptFinished(WRITER_RUN_ID, task, 1, 20 + i, { costUsd: 0.01 }));
  }
  let retries = 0;
  const store = createGitStateStore({ repoDir, onRetry: () => (retries += 1) });

  process.stdout.write('ready\n');
  const lines = createInterface({ input: process.stdin });
  await new Promise<void>((resolve) => lines.once('line', () => resolve()));
  lines.close();

  const started = performance.now();
  const random = seededRandom(writer + 1);
  const order = shuffle(events, random);
  // One append alone, then the rest at once: two commits per writer at least.
  await store.append([order[0]!]);
  await Promise.all(
    order.slice(1).map(async (e) => {
      await new Promise((resolve) => setTimeout(resolve, Math.floor(random() * 400)));
      await store.append([e]);
    }),
  );
  process.stdout.write(
    `${JSON.stringify({ writer, retries, ms: Math.round(performance.now() - started) })}\n`,
  );
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
