import { toOneLine } from './to-one-line.js';
import { truncateText } from './truncate-text.js';

/**
 * Makes untrusted text safe for one line of GitHub markdown, including a table cell: line breaks
 * and other control characters become spaces, HTML is shown rather than parsed (`<script>` becomes
 * `&lt;script&gt;`), and the characters that start code spans, emphasis, links, strike-through or a
 * new cell (`` ` * _ [ ] ~ | \ ``) are backslash-escaped. `maxLength` truncates (in code points,
 * before escaping) so an escape is never cut in half.
 */
export function escapeMarkdown(text: string, maxLength?: number): string {
  const oneLine = toOneLine(text);
  const short = maxLength === undefined ? oneLine : truncateText(oneLine, maxLength);
  return short
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/[\\`*_[\]~|]/g, (c) => `\\${c}`);
}
