const SHOWN_CHARS = 64;
// Invisible or layout-changing characters JSON.stringify leaves as they are (bidi overrides, zero-width ones, ...).
const INVISIBLE = /[\p{Cf}\p{Co}\p{Zl}\p{Zp}]/gu;

/**
 * `value` (user input) in double quotes for an error message: at most 64 characters, control and
 * invisible characters escaped, so the message stays one short, readable line.
 */
export function quoteValue(value: string): string {
  const chars = Array.from(value);
  const shown = chars.length > SHOWN_CHARS ? `${chars.slice(0, SHOWN_CHARS).join('')}…` : value;
  return JSON.stringify(shown).replace(
    INVISIBLE,
    (c) => `\\u${(c.codePointAt(0) ?? 0).toString(16).padStart(4, '0')}`,
  );
}
