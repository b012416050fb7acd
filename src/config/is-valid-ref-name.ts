/**
 * Whether `name` is a valid git branch name, following `git check-ref-format --branch`:
 * no spaces or control characters, none of `~^:?*[\`, no `..`, no `@{`, no empty component,
 * no component starting with `.` or ending in `.lock`, no leading `-`, not ending in `/` or `.`, not `@`.
 */
export function isValidRefName(name: string): boolean {
  if (name === '' || name === '@' || name.startsWith('-')) return false;
  // eslint-disable-next-line no-control-regex
  if (/[\x00-\x20\x7f~^:?*[\\]/.test(name)) return false;
  if (name.includes('..') || name.includes('@{')) return false;
  if (name.endsWith('/') || name.endsWith('.')) return false;
  return name.split('/').every((part) => part !== '' && !part.startsWith('.') && !part.endsWith('.lock'));
}
