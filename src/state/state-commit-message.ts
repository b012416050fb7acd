import { createHash } from 'node:crypto';
import { stateEvent, type StateEvent } from './events.js';
import type { UnifiedState } from './state-schema.js';
import { summarizeEvent } from './summarize-event.js';

/**
 * How a store that can write only one file per commit (GitHub's contents API) keeps each commit's
 * events: in the commit message. A summary line, a blank line, the events one JSON object a line,
 * a blank line and a trailer giving their count:
 *
 *     state: attempt_finished 2.1 #1 succeeded (+1 more)
 *
 *     {"id":"…","type":"attempt_finished",…}
 *     {"id":"…","type":"task_finished",…}
 *
 *     Quantumwala-Events: 2
 *
 * The trailer tells such a commit from one written by the git store (whose message has only
 * summary lines and whose events are in the commit's `events.jsonl`), even when it has no events.
 */
export const EVENTS_TRAILER = 'Quantumwala-Events';

export function formatStateCommitMessage(events: readonly StateEvent[]): string {
  const [first] = events;
  const summary = first
    ? `state: ${summarizeEvent(first)}${events.length > 1 ? ` (+${events.length - 1} more)` : ''}`
    : 'state: rebuilt from history';
  const body = events.map((e) => `${JSON.stringify(e)}\n`).join('');
  return `${summary}\n\n${body}${body ? '\n' : ''}${EVENTS_TRAILER}: ${events.length}\n`;
}

/** Events in JSON lines; lines that are not valid events are counted as skipped. */
export function parseEventLines(text: string): { events: StateEvent[]; skipped: number } {
  const events: StateEvent[] = [];
  let skipped = 0;
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue;
    try {
      events.push(stateEvent.parse(JSON.parse(line)));
    } catch {
      skipped += 1;
    }
  }
  return { events, skipped };
}

/**
 * The events a commit message carries, or null when it has no events trailer (a commit by the git
 * store or by hand: look in its events file instead).
 */
export function parseStateCommitMessage(message: string): { events: StateEvent[]; skipped: number } | null {
  const lines = message.split('\n');
  if (!lines.some((l) => l.startsWith(`${EVENTS_TRAILER}:`))) return null;
  return parseEventLines(lines.filter((l) => l.trimStart().startsWith('{')).join('\n'));
}

/** state.json's bytes: the same as the git store writes (two-space JSON and a final newline). */
export function serializeState(state: UnifiedState): string {
  return `${JSON.stringify(state, null, 2)}\n`;
}

/** The id git (and so GitHub) gives a blob with these contents. */
export function gitBlobSha(content: string | Buffer): string {
  const bytes = typeof content === 'string' ? Buffer.from(content, 'utf8') : content;
  return createHash('sha1').update(`blob ${bytes.length}\0`).update(bytes).digest('hex');
}
