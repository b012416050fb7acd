import { COMMAND_LIMITS } from './command-limits.js';
import { quoteValue } from './quote-value.js';

const SPEC_NAME = /^[A-Za-z0-9._/-]+$/;

/**
 * Why `name` cannot be a spec name, or `undefined` when it can. Spec names are relative paths
 * inside the repository: letters, digits, `.`, `_`, `-` and `/`; no `..` segment, no leading `/`
 * and no leading `-` (so they can never be read as an option).
 */
export function checkSpecName(name: string): string | undefined {
  if (name.length > COMMAND_LIMITS.specNameLength) {
    return `spec name ${quoteValue(name)} is too long (at most ${COMMAND_LIMITS.specNameLength} characters)`;
  }
  if (!SPEC_NAME.test(name)) {
    return `spec name ${quoteValue(name)} may only use letters, digits, ".", "_", "-" and "/"`;
  }
  if (name.startsWith('/') || name.split('/').includes('..')) {
    return `spec name ${quoteValue(name)} is not allowed: spec names never leave the repository`;
  }
  if (name.startsWith('-')) return `spec name ${quoteValue(name)} may not start with "-"`;
  return undefined;
}
