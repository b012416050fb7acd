import { stateEvent, type StateEvent } from './events.js';
import { applyEvents } from './reduce.js';
import { catFileBatch } from './cat-file-batch.js';
import { gitLine } from '../git/run-git.js';
import { emptyState, parseState, type UnifiedState } from './state-schema.js';

export interface RebuildOptions {
  repoDir: string;
  /** Variables added to git's environment (see `runGit`). */
  env: Record<string, string>;
  /** The commit whose history to replay. */
  tip: string;
  stateFile: string;
  eventsFile: string;
  /** The session to start from when the oldest commit's state cannot tell (new id, now). */
  fallbackSession: () => { id: string; at: string };
}

export interface Rebuilt {
  state: UnifiedState;
  commits: number;
  /** Lines of events files that were not valid events (skipped). */
  skipped: number;
}

function parseEvents(text: string | null): { events: StateEvent[]; skipped: number } {
  const events: StateEvent[] = [];
  let skipped = 0;
  for (const line of (text ?? '').split('\n')) {
    if (line.trim() === '') continue;
    try {
      events.push(stateEvent.parse(JSON.parse(line)));
    } catch {
      skipped += 1;
    }
  }
  return { events, skipped };
}

function sessionOf(text: string | null): { id: string; at: string } | null {
  if (text === null) return null;
  try {
    const { session } = parseState(JSON.parse(text));
    return { id: session.id, at: session.started_at };
  } catch {
    return null;
  }
}

/**
 * Replays every commit's events file, oldest first. Events are idempotent, so a commit that carried
 * its parent's events file forward (a hand-made commit) replays harmlessly.
 */
export async function rebuildFromHistory(options: RebuildOptions): Promise<Rebuilt> {
  const { repoDir, env, tip } = options;
  const list = await gitLine(['rev-list', '--reverse', '--topo-order', tip], { cwd: repoDir, env });
  const commits = list.split('\n').filter(Boolean);
  const root = commits[0] ?? tip;
  const objects = await catFileBatch(
    [`${root}:${options.stateFile}`, ...commits.map((c) => `${c}:${options.eventsFile}`)],
    { cwd: repoDir, env },
  );
  const blobs = objects.map((o) => (o?.type === 'blob' ? o.content.toString('utf8') : null));
  const batches = blobs.slice(1).map(parseEvents);
  const firstAt = batches.flatMap((b) => b.events)[0]?.at;
  const fallback = options.fallbackSession();
  const session = sessionOf(blobs[0] ?? null) ?? { id: fallback.id, at: firstAt ?? fallback.at };
  let state = emptyState(session.id, session.at);
  for (const batch of batches) state = applyEvents(state, batch.events);
  return { state, commits: commits.length, skipped: batches.reduce((n, b) => n + b.skipped, 0) };
}
