import { globToRegExp } from './glob.js';
import type { SpecFormat, SpecLocation } from './types.js';

/** Quantumwala's lifecycle folders under `.claude/specs/`: they hold specs, they are not specs. */
export const LIFECYCLE_FOLDERS = ['backlog', 'sandbox', 'scope', 'completed'] as const;

/** Where specs live, for messages: the conventional roots every format uses. */
export const SPEC_ROOTS = ['.claude/specs', '.kiro/specs', 'specs', '.spec-workflow/specs'] as const;

const SPEC_KIT_FOLDER = /^(\d{3,})-(.+)$/;

function conventionalSpecDir(dir: string): { format: SpecFormat } | undefined {
  const parts = dir.split('/');
  const [a, b, c, d] = parts;
  if (a === '.claude' && b === 'specs') {
    if (parts.length === 3 && c && !(LIFECYCLE_FOLDERS as readonly string[]).includes(c)) {
      return { format: 'claude-code-spec-workflow' };
    }
    if (parts.length === 4 && c && d && (LIFECYCLE_FOLDERS as readonly string[]).includes(c)) {
      return { format: 'quantumwala' };
    }
    return undefined;
  }
  if (a === '.kiro' && b === 'specs' && parts.length === 3) return { format: 'kiro' };
  if (a === '.spec-workflow' && b === 'specs' && parts.length === 3) return { format: 'spec-workflow' };
  if (a === 'specs' && parts.length === 2 && b && SPEC_KIT_FOLDER.test(b)) return { format: 'spec-kit' };
  return undefined;
}

function pick(names: string[], exact: string[], suffix: RegExp): string | undefined {
  for (const e of exact) if (names.includes(e)) return e;
  return names.filter((n) => suffix.test(n)).sort()[0];
}

/**
 * Finds spec folders among a repository's file paths (repo-relative, `/`-separated): the
 * conventional roots of every supported format, plus folders matched by configured globs. Pure, so
 * the local CLI (directory walk) and the GitHub App (git tree listing) share it.
 */
export function locateSpecs(files: readonly string[], globs: readonly string[] = []): SpecLocation[] {
  const patterns = globs.map(globToRegExp);
  const dirs = new Map<string, { format: SpecFormat; names: string[] }>();
  for (const file of files) {
    const slash = file.lastIndexOf('/');
    if (slash <= 0) continue;
    const dir = file.slice(0, slash);
    const name = file.slice(slash + 1);
    const conventional = conventionalSpecDir(dir);
    const format = conventional?.format ?? (patterns.some((p) => p.test(dir)) ? 'custom' : undefined);
    if (!format) continue;
    const entry = dirs.get(dir) ?? { format, names: [] };
    entry.names.push(name);
    dirs.set(dir, entry);
  }
  const out: SpecLocation[] = [];
  for (const [dir, { format: located, names }] of dirs) {
    if (!names.some((n) => n.endsWith('.md') || n === 'spec.json')) continue;
    const name = dir.slice(dir.lastIndexOf('/') + 1);
    const aliases: string[] = [];
    const kit = SPEC_KIT_FOLDER.exec(name);
    if (kit?.[2]) aliases.push(kit[2]);
    const metaFile = names.includes('spec.json') ? 'spec.json' : undefined;
    const format: SpecFormat = located === 'kiro' && metaFile ? 'cc-sdd' : located;
    const tasks = pick(names, ['tasks.md'], /tasks\.md$/i);
    const requirements = pick(names, ['requirements.md', 'spec.md'], /requirements\.md$/i);
    const design = pick(names, ['design.md', 'plan.md'], /design\.md$/i);
    out.push({
      name,
      aliases,
      dir,
      format,
      ...(tasks ? { tasksFile: `${dir}/${tasks}` } : {}),
      ...(requirements ? { requirementsFile: `${dir}/${requirements}` } : {}),
      ...(design ? { designFile: `${dir}/${design}` } : {}),
      ...(metaFile ? { metaFile: `${dir}/${metaFile}` } : {}),
    });
  }
  return out.sort((x, y) => x.dir.localeCompare(y.dir));
}
