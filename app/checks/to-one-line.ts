/** Line breaks, tabs and other control characters (C0, DEL, U+2028, U+2029). */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const CONTROL = /[\u0000-\u001f\u007f\u2028\u2029]+/g;

/** The text on one line: every run of control characters (line breaks included) becomes a space. */
export function toOneLine(text: string): string {
  return text.replace(CONTROL, ' ').trim();
}
