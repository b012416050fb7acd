import { readdirSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildTaskPrompt, specChars } from '../../src/exec/build-prompt.js';
import { extractPaths, mentionsPath } from '../../src/exec/extract-paths.js';
import { splitMarkdownSections } from '../../src/exec/split-markdown-sections.js';
import { fsSpecSource } from '../../src/spec/fs-spec-source.js';
import { loadSpec } from '../../src/spec/load-spec.js';
import { locateSpecs } from '../../src/spec/locate-specs.js';
import { parseRequirements } from '../../src/spec/parse-requirements.js';
import { parseTasks } from '../../src/spec/parse-tasks.js';
import type { ParsedTask, Spec } from '../../src/spec/types.js';
import { describeCorpus, loadSharedSpec, SHARED_SPECS } from '../support/shared-specs.js';

function task(spec: Spec, id: string): ParsedTask {
  const found = spec.tasks.tasks.find((t) => t.id === id);
  if (!found) throw new Error(`no task ${id}`);
  return found;
}

describe('extractPaths / mentionsPath / splitMarkdownSections', () => {
  it('finds file and folder paths, not prose or URLs', () => {
    expect(
      extractPaths(
        'Edit src/foo/bar.ts and `lib/utils`, see server.ts, create `src/dashboard/tunnel/`; start/stop on Node.js, https://x.io/a/b.ts, v1.2',
      ).sort(),
    ).toEqual(['lib/utils', 'server.ts', 'src/dashboard/tunnel/', 'src/foo/bar.ts']);
  });

  it('matches a mention to a task path by equality, containing folder or base name', () => {
    expect(mentionsPath('src/x/bar.ts', 'src/x/bar.ts')).toBe(true);
    expect(mentionsPath('src/x/', 'src/x/bar.ts')).toBe(true);
    expect(mentionsPath('bar.ts', 'src/x/bar.ts')).toBe(true);
    expect(mentionsPath('src/x/bar.ts', 'x/bar.ts')).toBe(true);
    expect(mentionsPath('src/x/other.ts', 'src/x/')).toBe(false);
    expect(mentionsPath('src/y/bar.ts', 'src/x/bar.ts')).toBe(false);
  });

  it('splits at every heading outside fences, with the heading trail', () => {
    const sections = splitMarkdownSections('intro\n# A\na\n## B\n```\n# not a heading\n```\n## C\nc\n# D\n');
    expect(sections.map((s) => [s.trail.join(' > '), s.level, s.line])).toEqual([
      ['', 0, 0],
      ['A', 1, 2],
      ['A > B', 2, 4],
      ['A > C', 2, 8],
      ['D', 1, 10],
    ]);
    expect(sections[2]?.text).toBe('## B\n```\n# not a heading\n```');
  });
});

describe('buildTaskPrompt (synthetic spec)', () => {
  const requirements = parseRequirements(
    [
      '# Requirements',
      '### Requirement 1: Login',
      '**User Story:** As a user, I want to log in, so that I see my data.',
      '#### Acceptance Criteria',
      '1. WHEN the password is right THEN the system SHALL log the user in',
      '2. WHEN the password is wrong THEN the system SHALL refuse',
      '### Requirement 2: Logout',
      '**User Story:** As a user, I want to log out.',
      '1. WHEN the user logs out THEN the session SHALL end',
    ].join('\n'),
    'specs/auth/requirements.md',
  );
  const tasks = parseTasks(
    [
      '- [ ] 1. Add login in `src/auth/login.ts`',
      '  - Hash with bcrypt',
      '  - _Requirements: 1.2, 2_',
      '  - _Leverage: src/auth/session.ts_',
      '  - _Prompt: Role: backend engineer | Task: implement login_',
      '  - _Boundary: only src/auth/_',
      '- [ ] 2. Unrelated',
      '  - _Requirements: 9.9_',
    ].join('\n'),
    'specs/auth/tasks.md',
  );
  const design =
    '# Design\n## Login\nLives in src/auth/login.ts.\n## Billing\nLives in src/billing/pay.ts.\n';
  const spec: Spec = {
    location: { name: 'auth', aliases: [], dir: 'specs/auth', format: 'claude-code-spec-workflow' },
    tasks,
    requirements,
    design: { file: 'specs/auth/design.md', text: design },
  };

  it('carries the task, the named criteria and sections, leverage paths, design and the rules', () => {
    const { prompt, contextChars, unresolvedRequirements, paths } = buildTaskPrompt(spec, task(spec, '1'));
    expect(prompt.startsWith('Task ID: 1\nTask: Add login in `src/auth/login.ts`\n')).toBe(true);
    expect(prompt).toContain('- Hash with bcrypt');
    expect(prompt).toContain('Role: backend engineer | Task: implement login');
    expect(prompt).toContain('only src/auth/');
    expect(prompt).toContain('### Requirement 1: Login\n**User Story:** As a user, I want to log in');
    expect(prompt).toContain('- 1.2: WHEN the password is wrong THEN the system SHALL refuse');
    expect(prompt).not.toContain('the password is right');
    expect(prompt).toContain('1. WHEN the user logs out THEN the session SHALL end'); // whole section 2
    expect(prompt).toContain('- src/auth/session.ts');
    expect(prompt).toContain('### Design › Login\nLives in src/auth/login.ts.');
    expect(prompt).not.toContain('src/billing/pay.ts');
    expect(prompt).toContain('Do not commit');
    expect(prompt).toContain('Do not edit specs/auth/tasks.md');
    expect(prompt).toMatch(/current working directory/);
    expect(unresolvedRequirements).toEqual([]);
    expect(paths).toContain('src/auth/login.ts');
    expect(contextChars).toBeGreaterThan(0);
  });

  it('reports references that name nothing', () => {
    const result = buildTaskPrompt(spec, task(spec, '2'));
    expect(result.unresolvedRequirements).toEqual(['9.9']);
    expect(result.prompt).toContain('not found in the requirements document: 9.9');
  });

  it("measures the reduction against the spec's documents as read, or a given size", () => {
    expect(buildTaskPrompt(spec, task(spec, '1'), { fullSpecChars: 10_000 }).fullSpecChars).toBe(10_000);
    expect(buildTaskPrompt(spec, task(spec, '1')).fullSpecChars).toBe(specChars(spec));
    expect(specChars(spec)).toBe(
      spec.tasks.text.length + (spec.requirements?.text.length ?? 0) + design.length,
    );
  });
});

interface CorpusSpec {
  repo: string;
  spec: Spec;
  fullChars: number;
}

async function loadCorpus(): Promise<CorpusSpec[]> {
  const loaded: CorpusSpec[] = [];
  const repos = readdirSync(SHARED_SPECS, { withFileTypes: true }).filter((d) => d.isDirectory());
  for (const repo of repos) {
    const source = fsSpecSource(path.join(SHARED_SPECS, repo.name));
    for (const location of locateSpecs(await source.listFiles())) {
      if (!location.tasksFile) continue;
      const spec = await loadSpec(source, location);
      let fullChars = 0;
      for (const file of [location.tasksFile, location.requirementsFile, location.designFile]) {
        if (file) fullChars += (await source.readFile(file)).length;
      }
      loaded.push({ repo: repo.name, spec, fullChars });
    }
  }
  return loaded;
}

/** Tasks a session would run: not group headings, not parents of subtasks. */
function runnableTasks(spec: Spec): ParsedTask[] {
  return spec.tasks.tasks.filter(
    (t) => t.kind !== 'heading' && !spec.tasks.tasks.some((o) => o.parent === t.id),
  );
}

describeCorpus('buildTaskPrompt on the spec corpus', () => {
  it('dashboard-tunnel task 1: the referenced criteria with heading and story, nothing unreferenced', async () => {
    const spec = await loadSharedSpec('claude-code-spec-workflow', 'dashboard-tunnel');
    const { prompt, reduction } = buildTaskPrompt(spec, task(spec, '1'));
    expect(prompt).toContain('Task ID: 1');
    expect(prompt).toContain('### Requirement 1: Secure Tunnel Creation');
    expect(prompt).toContain(
      '**User Story:** As a developer, I want to create a secure tunnel to my local dashboard',
    );
    expect(prompt).toContain(
      '1.1: WHEN a developer runs `claude-spec-dashboard --tunnel` THEN the system SHALL create a secure tunnel to the local dashboard',
    );
    expect(prompt).toContain(
      '5.1: WHEN initializing tunnel features THEN the system SHALL support multiple providers',
    );
    // An unreferenced criterion of a referenced section, and an unreferenced requirement.
    expect(prompt).not.toContain('display a shareable HTTPS URL');
    expect(prompt).not.toContain('viewers SHALL only have read access');
    expect(prompt).not.toContain('Requirement 2: Read-Only Access');
    expect(prompt).toContain('- src/dashboard/server.ts');
    expect(prompt).toContain('New tunnel module within `src/dashboard/tunnel/`');
    expect(prompt).not.toContain('### Read-Only Middleware');
    expect(reduction).toBeGreaterThan(0.8);
  });

  it('dashboard-tunnel task 11 (_Requirements: All_) gets every requirement heading and story', async () => {
    const spec = await loadSharedSpec('claude-code-spec-workflow', 'dashboard-tunnel');
    const { prompt, unresolvedRequirements } = buildTaskPrompt(spec, task(spec, '11'));
    expect(unresolvedRequirements).toEqual([]);
    expect(prompt).toContain('This task covers all requirements');
    expect(prompt).toContain('### Requirement 2: Read-Only Access');
    expect(prompt).not.toContain('viewers SHALL only have read access');
  });

  it('every runnable task of every spec gets a prompt; reduction figures', async () => {
    const rows: string[] = [];
    for (const { repo, spec, fullChars } of await loadCorpus()) {
      const results = runnableTasks(spec).map((t) => ({
        t,
        r: buildTaskPrompt(spec, t),
      }));
      expect(results.length).toBeGreaterThan(0);
      for (const { t, r } of results) {
        expect(r.prompt).toContain(`Task ID: ${t.id}\n`);
        expect(r.prompt).toContain(`Do not edit ${spec.tasks.file}`);
        expect(r.fullSpecChars).toBe(fullChars);
      }
      const reductions = results.map(({ r }) => r.reduction);
      const mean = reductions.reduce((a, b) => a + b, 0) / reductions.length;
      const lengths = results.map(({ r }) => r.prompt.length);
      // A spec bigger than a few prompts must shrink a lot; tiny specs are reported as they are.
      if (fullChars > 5000) expect(mean).toBeGreaterThan(0.8);
      rows.push(
        [
          `${repo}/${spec.location.name}`.padEnd(55),
          String(results.length).padStart(4),
          String(fullChars).padStart(7),
          String(Math.round(lengths.reduce((a, b) => a + b, 0) / lengths.length)).padStart(6),
          ...[Math.min(...reductions), mean, Math.max(...reductions)].map((x) =>
            `${(x * 100).toFixed(1)}%`.padStart(7),
          ),
        ].join(' '),
      );
    }
    console.log(
      `${'spec'.padEnd(55)} ${'tasks'.padStart(4)} ${'spec ch'.padStart(7)} ${'prompt'.padStart(6)} ${'min'.padStart(7)} ${'mean'.padStart(7)} ${'max'.padStart(7)}\n${rows.join('\n')}`,
    );
  });
});
