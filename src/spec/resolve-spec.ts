import { UserError } from '../errors.js';
import type { SpecSource } from './fs-spec-source.js';
import { locateSpecs, SPEC_ROOTS } from './locate-specs.js';
import type { SpecLocation } from './types.js';

/**
 * Refuses spec names that could leave the repository: absolute paths, drive letters, `..` segments,
 * NUL. Spec names are folder names or repo-relative folder paths, nothing else.
 */
export function assertSafeSpecName(name: string): void {
  const unsafe =
    name.trim() === '' ||
    name.includes('\0') ||
    /^[/\\]/.test(name) ||
    /^[A-Za-z]:/.test(name) ||
    name.split(/[/\\]/).some((part) => part === '..');
  if (unsafe) {
    throw new UserError(
      `spec name "${name}" is not allowed: spec names never leave the repository (no "..", no absolute paths)`,
    );
  }
}

/**
 * Finds the one spec a name means: a folder name (`user-authentication`), spec-kit's short name
 * (`event-discovery-rsvp` for `001-event-discovery-rsvp`), or a repo-relative folder path.
 */
export function resolveSpec(specs: readonly SpecLocation[], name: string): SpecLocation {
  assertSafeSpecName(name);
  const wanted = name.replace(/\\/g, '/').replace(/^\.\//, '').replace(/\/+$/, '');
  let matches: SpecLocation[];
  if (wanted.includes('/')) {
    matches = specs.filter((s) => s.dir === wanted || s.dir.endsWith(`/${wanted}`));
  } else {
    matches = specs.filter((s) => s.name === wanted);
    if (matches.length === 0) matches = specs.filter((s) => s.aliases.includes(wanted));
  }
  if (matches.length === 1) return matches[0] as SpecLocation;
  if (matches.length > 1) {
    throw new UserError(
      `spec name "${name}" is ambiguous; it matches: ${matches.map((m) => m.dir).join(', ')} ` +
        `(name it by folder path, e.g. "${matches[0]?.dir}")`,
    );
  }
  const known = specs.map((s) => s.name);
  throw new UserError(
    known.length > 0
      ? `spec "${name}" not found; known specs: ${known.join(', ')}`
      : `spec "${name}" not found: no specs under ${SPEC_ROOTS.join(', ')} (or the configured workflow.spec_globs)`,
  );
}

/** The one spec `name` means among those in `source`'s files (see resolveSpec). */
export async function findSpec(
  source: SpecSource,
  name: string,
  globs: readonly string[],
): Promise<SpecLocation> {
  return resolveSpec(locateSpecs(await source.listFiles(), globs), name);
}
