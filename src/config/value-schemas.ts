import path from 'node:path';
import { z } from 'zod';
import { isValidRefName } from './is-valid-ref-name.js';

/**
 * Builders for the leaf values of the config schema. Every check of a leaf carries the same message,
 * so whatever is wrong with a value, the error says what was expected.
 */
const expected = (what: string) => ({ error: `expected ${what}` });

export function positiveInt() {
  const e = expected('a positive integer');
  return z.number(e).int(e).positive(e);
}

export function nonNegativeInt() {
  const e = expected('a non-negative integer');
  return z.number(e).int(e).nonnegative(e);
}

export function positiveSeconds() {
  const e = expected('a positive number of seconds');
  return z.number(e).positive(e);
}

export function nonNegativeSeconds(what = 'a non-negative number of seconds') {
  const e = expected(what);
  return z.number(e).nonnegative(e);
}

export function milliseconds() {
  const e = expected('a non-negative integer number of milliseconds');
  return z.number(e).int(e).nonnegative(e);
}

export function megabytes() {
  const e = expected('a non-negative integer number of megabytes');
  return z.number(e).int(e).nonnegative(e);
}

export function percent() {
  const e = expected('a number from 1 to 100');
  return z.number(e).min(1, e).max(100, e);
}

export function intRange(min: number, max: number) {
  const e = expected(`an integer from ${min} to ${max}`);
  return z.number(e).int(e).min(min, e).max(max, e);
}

export function usd() {
  const e = expected('a positive amount of US dollars');
  return z.number(e).positive(e);
}

export function bool() {
  return z.boolean(expected('true or false'));
}

export function text() {
  const e = expected('a non-empty string');
  return z.string(e).min(1, e);
}

export function stringList() {
  const e = expected('a list of strings');
  return z.array(z.string(e), e);
}

export function nonEmptyStringList() {
  const e = expected('a non-empty list of non-empty strings');
  return z.array(z.string(e).min(1, e), e).min(1, e);
}

export function oneOf<const T extends readonly [string, ...string[]]>(values: T) {
  return z.enum(values, expected(`one of ${values.join(', ')}`));
}

/** An enum matched case-insensitively (the seed wrote `"INFO"`), normalised to lowercase. */
export function oneOfIgnoringCase<const T extends readonly [string, ...string[]]>(values: T) {
  return z.preprocess((v) => (typeof v === 'string' ? v.toLowerCase() : v), oneOf(values));
}

/** A git branch name; with `placeholder`, that text may appear in it and is replaced before checking. */
export function branchName(placeholder?: string) {
  const what = placeholder
    ? `a valid git branch name (may contain ${placeholder})`
    : 'a valid git branch name';
  const e = expected(what);
  return z
    .string(e)
    .refine((name) => isValidRefName(placeholder ? name.replaceAll(placeholder, 'spec') : name), e);
}

/** True when `p` is relative and stays inside the directory it is relative to. */
export function isInsideRepo(p: string): boolean {
  if (path.posix.isAbsolute(p) || path.win32.isAbsolute(p)) return false;
  return !p.split(/[\\/]/).includes('..');
}

/** A hook script: a repository-relative path that cannot point outside the repository. */
export function repoScriptPath() {
  const e = expected('a repository-relative path to a script');
  return z.string(e).min(1, e).refine(isInsideRepo, {
    error: 'hook scripts must stay inside the repository (use a relative path without "..")',
  });
}
