import type { CommandFailure } from './command.js';
import { USAGE } from './usage.js';

const MAX_ERROR_CHARS = 500;

/** `text` as one markdown code span: nothing in it renders (no mentions, links or HTML). */
function codeSpan(text: string): string {
  const runs = text.match(/`+/g) ?? [];
  const fence = '`'.repeat(Math.max(0, ...runs.map((run) => run.length)) + 1);
  const pad = text.startsWith('`') || text.endsWith('`') ? ' ' : '';
  return `${fence}${pad}${text}${pad}${fence}`;
}

/**
 * The comment to reply with when a command did not parse: the error (as inert code) and {@link USAGE}.
 * Takes the error message, or the failed result itself (then the line is named too).
 */
export function formatUsageReply(error: string | Pick<CommandFailure, 'error' | 'line'>): string {
  const message = typeof error === 'string' ? error : error.error;
  const oneLine = Array.from(message.replace(/\s+/g, ' ').trim()).slice(0, MAX_ERROR_CHARS).join('');
  const where = typeof error === 'string' ? '' : ` (line ${error.line})`;
  return `Quantumwala could not read that command${where}: ${codeSpan(oneLine || 'unknown error')}\n\n${USAGE}\n`;
}
