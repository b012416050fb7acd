import { toOneLine } from './to-one-line.js';
import { truncateText } from './truncate-text.js';

/**
 * Characters that break a Mermaid gantt line: `:` ends the label, `;` ends the statement, `#` starts
 * an entity, `%` a comment (`%%`), and a backtick could close the markdown fence. They become
 * look-alikes; `<` and `>` too, so no label reads as HTML.
 */
const REPLACEMENTS: Record<string, string> = {
  ':': '∶',
  ';': '；',
  '#': '＃',
  '%': '％',
  '`': 'ˋ',
  '<': '‹',
  '>': '›',
};

/** Words that start a gantt statement; a label that begins with one gets a zero-width space first. */
const KEYWORDS =
  /^(?:section|title|dateformat|axisformat|tickinterval|excludes|includes|todaymarker|weekday|weekend|inclusiveenddates|topaxis|displaymode|click|acctitle|accdescr|gantt)\b/i;

/** Makes text safe as a Mermaid gantt task or section label: one line, none of `: ; # %`. */
export function escapeGanttLabel(text: string, maxLength?: number): string {
  const oneLine = toOneLine(text);
  const short = maxLength === undefined ? oneLine : truncateText(oneLine, maxLength);
  const safe = short.replace(/[:;#%`<>]/g, (c) => REPLACEMENTS[c] ?? ' ').trim();
  if (safe === '') return '(untitled)';
  return KEYWORDS.test(safe) ? `\u200b${safe}` : safe;
}
