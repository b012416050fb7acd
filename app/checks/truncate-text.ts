/**
 * Shortens `text` to at most `max` code points (never splitting a surrogate pair), ending it with
 * "…" when anything was cut. Truncate before escaping, so an escape sequence is never cut in half.
 */
export function truncateText(text: string, max: number): string {
  if (max <= 0) return '';
  if (text.length <= max) return text;
  const points = Array.from(text);
  if (points.length <= max) return text;
  return `${points.slice(0, max - 1).join('')}…`;
}
