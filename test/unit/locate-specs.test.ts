import { mkdir, symlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { globToRegExp } from '../../src/spec/glob.js';
import { fsSpecSource } from '../../src/spec/fs-spec-source.js';
import { loadSpec } from '../../src/spec/load-spec.js';
import { locateSpecs } from '../../src/spec/locate-specs.js';
import { resolveSpec } from '../../src/spec/resolve-spec.js';
import { tempRepo } from '../support/temp-repo.js';

const FILES = [
  '.claude/specs/auth/tasks.md',
  '.claude/specs/auth/requirements.md',
  '.claude/specs/backlog/billing/billing-tasks.md',
  '.claude/specs/backlog/billing/billing-design.md',
  '.claude/specs/completed/auth/tasks.md',
  '.claude/specs/steering.md',
  '.kiro/specs/search/tasks.md',
  '.kiro/specs/rag/spec.json',
  '.kiro/specs/rag/tasks.md',
  'specs/001-event-rsvp/tasks.md',
  'specs/001-event-rsvp/spec.md',
  'specs/001-event-rsvp/plan.md',
  'specs/notes/tasks.md',
  '.spec-workflow/specs/upload/tasks.md',
  'docs/features/export/tasks.md',
  'src/index.ts',
];

describe('locateSpecs', () => {
  const specs = locateSpecs(FILES, ['docs/features/*']);

  it('finds specs in every conventional root, lifecycle folders and configured globs', () => {
    expect(specs.map((s) => [s.dir, s.format])).toEqual([
      ['.claude/specs/auth', 'claude-code-spec-workflow'],
      ['.claude/specs/backlog/billing', 'quantumwala'],
      ['.claude/specs/completed/auth', 'quantumwala'],
      ['.kiro/specs/rag', 'cc-sdd'],
      ['.kiro/specs/search', 'kiro'],
      ['.spec-workflow/specs/upload', 'spec-workflow'],
      ['docs/features/export', 'custom'],
      ['specs/001-event-rsvp', 'spec-kit'],
    ]);
  });

  it("names each spec's documents", () => {
    const billing = specs.find((s) => s.name === 'billing');
    expect(billing).toMatchObject({
      tasksFile: '.claude/specs/backlog/billing/billing-tasks.md',
      designFile: '.claude/specs/backlog/billing/billing-design.md',
    });
    const kit = specs.find((s) => s.format === 'spec-kit');
    expect(kit).toMatchObject({
      aliases: ['event-rsvp'],
      requirementsFile: 'specs/001-event-rsvp/spec.md',
      designFile: 'specs/001-event-rsvp/plan.md',
    });
  });

  it('resolves folder names, spec-kit short names and folder paths', () => {
    expect(resolveSpec(specs, 'billing').dir).toBe('.claude/specs/backlog/billing');
    expect(resolveSpec(specs, 'event-rsvp').dir).toBe('specs/001-event-rsvp');
    expect(resolveSpec(specs, '001-event-rsvp').dir).toBe('specs/001-event-rsvp');
    expect(resolveSpec(specs, 'completed/auth').dir).toBe('.claude/specs/completed/auth');
  });

  it('an ambiguous name is an error listing the candidates', () => {
    expect(() => resolveSpec(specs, 'auth')).toThrow(
      'spec name "auth" is ambiguous; it matches: .claude/specs/auth, .claude/specs/completed/auth ' +
        '(name it by folder path, e.g. ".claude/specs/auth")',
    );
  });

  it('an unknown name is an error listing the known specs', () => {
    expect(() => resolveSpec(specs, 'nope')).toThrow(
      'spec "nope" not found; known specs: auth, billing, auth, rag, search, upload, export, 001-event-rsvp',
    );
    expect(() => resolveSpec([], 'nope')).toThrow(
      'spec "nope" not found: no specs under .claude/specs, .kiro/specs, specs, .spec-workflow/specs (or the configured workflow.spec_globs)',
    );
  });

  it.each(['../etc', '/etc/passwd', 'a/../../b', '..', 'C:\\specs', '..\\x'])(
    'refuses the spec name %s: spec names never leave the repository',
    (name) => {
      expect(() => resolveSpec(specs, name)).toThrow(
        `spec name "${name}" is not allowed: spec names never leave the repository (no "..", no absolute paths)`,
      );
    },
  );

  it('globs: * stays within a segment, ** crosses them', () => {
    expect(globToRegExp('docs/*').test('docs/a')).toBe(true);
    expect(globToRegExp('docs/*').test('docs/a/b')).toBe(false);
    expect(globToRegExp('**/specs/*').test('a/b/specs/c')).toBe(true);
    expect(globToRegExp('**/specs/*').test('specs/c')).toBe(true);
  });
});

describe('fsSpecSource and loadSpec', () => {
  it('lists spec files and loads a spec from disk', async () => {
    const repo = await tempRepo({
      '.kiro/specs/a/tasks.md': '- [ ] 1. one\n',
      '.kiro/specs/a/requirements.md': '### Requirement 1: X\n1. WHEN a THEN b\n',
      'node_modules/x/.kiro/specs/b/tasks.md': '- [ ] 1. no\n',
      'README.md': 'x',
    });
    const source = fsSpecSource(repo);
    expect(await source.listFiles()).toEqual(['.kiro/specs/a/requirements.md', '.kiro/specs/a/tasks.md']);
    const [loc] = locateSpecs(await source.listFiles());
    const spec = await loadSpec(source, loc!);
    expect(spec.tasks.tasks.map((t) => t.id)).toEqual(['1']);
    expect(spec.requirements?.sections[0]?.criteria[0]?.id).toBe('1.1');
  });

  it('an empty tasks file is an error naming it', async () => {
    const repo = await tempRepo({ '.kiro/specs/a/tasks.md': '# Tasks\n\nNothing yet.\n' });
    const source = fsSpecSource(repo);
    const [loc] = locateSpecs(await source.listFiles());
    await expect(loadSpec(source, loc!)).rejects.toThrow(
      '.kiro/specs/a/tasks.md: no tasks found (expected checkbox lines such as "- [ ] 1. Title", or "#### Task 1: Title" cards)',
    );
  });

  it('an unreadable tasks file is an error naming it', async () => {
    const repo = await tempRepo({ '.kiro/specs/a/requirements.md': 'x' });
    await symlink(path.join(repo, 'missing.md'), path.join(repo, '.kiro/specs/a/tasks.md'));
    const source = fsSpecSource(repo);
    const [loc] = locateSpecs(await source.listFiles());
    await expect(loadSpec(source, loc!)).rejects.toThrow(
      '.kiro/specs/a/tasks.md: cannot read tasks file: no such file (a broken symbolic link?)',
    );
  });

  it('never reads a file outside the repository through a symbolic link', async () => {
    const outside = await tempRepo({ 'secret.md': '- [ ] 1. secret\n' });
    const repo = await tempRepo({});
    await mkdir(path.join(repo, '.kiro/specs/a'), { recursive: true });
    await symlink(path.join(outside, 'secret.md'), path.join(repo, '.kiro/specs/a/tasks.md'));
    const source = fsSpecSource(repo);
    const [loc] = locateSpecs(await source.listFiles());
    await expect(loadSpec(source, loc!)).rejects.toThrow(
      '.kiro/specs/a/tasks.md: cannot read tasks file: it resolves outside the repository',
    );
  });

  it('a spec folder without a tasks file is an error', async () => {
    const repo = await tempRepo({ '.kiro/specs/a/requirements.md': 'x' });
    await writeFile(path.join(repo, '.kiro/specs/a/design.md'), 'y');
    const source = fsSpecSource(repo);
    const [loc] = locateSpecs(await source.listFiles());
    await expect(loadSpec(source, loc!)).rejects.toThrow(
      '.kiro/specs/a: no tasks file (expected tasks.md or <name>-tasks.md)',
    );
  });
});
