import { describe, expect, it } from 'vitest';
import { parseTasks } from '../../src/spec/parse-tasks.js';

const parse = (text: string) => parseTasks(text, 'tasks.md');
const ids = (text: string) => parse(text).tasks.map((t) => t.id);

describe('parseTasks', () => {
  it('reads every checkbox state', () => {
    const r = parse(['- [ ] 1. a', '- [x] 2. b', '- [X] 3. c', '- [-] 4. d', '- [~] 5. e'].join('\n'));
    expect(r.tasks.map((t) => t.status)).toEqual(['pending', 'done', 'done', 'in_progress', 'blocked']);
  });

  it('reads every ID form and strips trailing dots', () => {
    expect(
      ids(
        ['- [ ] 1 a', '- [ ] 2. b', '- [ ] 2.1 c', '- [ ] 2.2. d', '- [ ] T001 e', '- [ ] T002a f'].join(
          '\n',
        ),
      ),
    ).toEqual(['1', '2', '2.1', '2.2', 'T001', 'T002a']);
  });

  it('accepts * bullets, bold titles and bold IDs', () => {
    const r = parse(
      ['* [ ] **1. Bold title**', '- [ ] **T003** Bold id', '- [ ] 4. **Half** bold'].join('\n'),
    );
    expect(r.tasks.map((t) => [t.id, t.title])).toEqual([
      ['1', 'Bold title'],
      ['T003', 'Bold id'],
      ['4', 'Half bold'],
    ]);
  });

  it('marks optional tasks written [ ]* or ID*', () => {
    const r = parse(['- [ ]* 1. a', '- [ ] 2* b', '- [ ] 3. c'].join('\n'));
    expect(r.tasks.map((t) => t.optional)).toEqual([true, true, false]);
  });

  it('nests by indentation, tabs included, and keeps flat numbering flat', () => {
    const r = parse(
      [
        '- [ ] 1. parent',
        '\t- [ ] 1.1 tab child',
        '\t- [ ] 1.2 tab child',
        '- [ ] 2. next',
        '- [ ] 2.1 flat',
        '  - [ ] 2.1.1 child',
      ].join('\n'),
    );
    expect(r.tasks.map((t) => [t.id, t.parent])).toEqual([
      ['1', undefined],
      ['1.1', '1'],
      ['1.2', '1'],
      ['2', undefined],
      ['2.1', undefined],
      ['2.1.1', '2.1'],
    ]);
  });

  it('reads detail lines, inline and bracketed dependencies', () => {
    const r = parse(
      [
        '- [ ] 1. First',
        '- [ ] 2. Second (depends on 1)',
        '  - Do the thing',
        '  - _Requirements: 1.1, 2.3_',
        '  - _Leverage: src/a.ts, src/b.ts_',
        '  - _Depends: 1_',
        '  - _Agent: backend-dev_',
        '  - _Prompt: Role: engineer | Task: build it_',
        '  - _Boundary: src/api_',
        '  [depends on: 1]',
        '- [ ] T003 [P] [US2] Third in src/x.ts',
        '- [ ] 4 (P) Fourth',
        '- [ ] 5 Fifth (P)',
      ].join('\n'),
    );
    const [, second, third, fourth, fifth] = r.tasks;
    expect(second?.depends?.map((d) => [d.value, d.line])).toEqual([
      ['1', 2],
      ['1', 6],
      ['1', 10],
    ]);
    expect(second?.title).toBe('Second');
    expect(second?.requirements).toEqual(['1.1', '2.3']);
    expect(second?.leverage).toEqual(['src/a.ts', 'src/b.ts']);
    expect(second?.agent).toBe('backend-dev');
    expect(second?.prompt).toBe('Role: engineer | Task: build it');
    expect(second?.boundary).toBe('src/api');
    expect(second?.details).toEqual(['Do the thing']);
    expect([third?.parallel, third?.story, third?.title]).toEqual([true, 'US2', 'Third in src/x.ts']);
    expect([fourth?.parallel, fourth?.title]).toEqual([true, 'Fourth']);
    expect([fifth?.parallel, fifth?.title]).toEqual([true, 'Fifth']);
  });

  it('reads spec-kit inline (depends on T012, T013)', () => {
    const r = parse('- [ ] T014 [P] Wire it (depends on T012, T013) in src/a.ts');
    expect(r.tasks[0]?.depends?.map((d) => d.value)).toEqual(['T012', 'T013']);
    expect(r.tasks[0]?.title).toBe('Wire it in src/a.ts');
  });

  it('makes numbered headings groups and records phases', () => {
    const r = parse(
      [
        '## Phase 1: Setup',
        '- [ ] T001 a',
        '## Phase 2: Build',
        '## 1. Group',
        '- [ ] 1.1 b',
        '### 1.2 Sub',
        '- [ ] 1.2.1 c',
      ].join('\n'),
    );
    expect(r.phases.map((p) => p.title)).toEqual(['Phase 1: Setup', 'Phase 2: Build']);
    expect(r.tasks.map((t) => [t.id, t.kind, t.parent, t.phase])).toEqual([
      ['T001', 'checkbox', undefined, 0],
      ['1', 'heading', undefined, 1],
      ['1.1', 'checkbox', '1', 1],
      ['1.2', 'heading', '1', 1],
      ['1.2.1', 'checkbox', '1.2', 1],
    ]);
  });

  it('reads task cards and ignores their acceptance-criteria checkboxes', () => {
    const r = parse(
      [
        '#### Task 1: Schema',
        '**ID:** DB-001',
        '**Dependencies:** None',
        '**Agent:** data-engineer',
        '**Acceptance Criteria:**',
        '- [ ] migrations run',
        '#### Task 2: API',
        '**ID:** API-001',
        '**Dependencies:** DB-001',
        '**Status:** Completed',
      ].join('\n'),
    );
    expect(r.tasks.map((t) => [t.id, t.kind, t.status, t.agent])).toEqual([
      ['DB-001', 'card', 'pending', 'data-engineer'],
      ['API-001', 'card', 'done', undefined],
    ]);
    expect(r.tasks[0]?.depends).toEqual([]);
    expect(r.tasks[0]?.details).toContain('- [ ] migrations run'.slice(2));
    expect(r.tasks[1]?.depends?.map((d) => d.value)).toEqual(['DB-001']);
  });

  it('ignores checkboxes inside code fences and bullets without checkboxes', () => {
    expect(
      ids(
        ['```', '- [ ] 1. in a fence', '```', '- not a task', '- [P] not a state', '- [ ] 2. real'].join(
          '\n',
        ),
      ),
    ).toEqual(['2']);
  });

  it('assigns L<line> IDs to tasks written without one', () => {
    const r = parse(['# Tasks', '', '- [ ] Write the parser'].join('\n'));
    expect(r.tasks[0]).toMatchObject({ id: 'L3', generatedId: true, title: 'Write the parser' });
  });

  it('reports a duplicate ID with both lines', () => {
    const r = parse(['- [ ] 1. a', '- [ ] 2. b', '- [ ] 1. c'].join('\n'));
    expect(r.diagnostics).toEqual([
      {
        severity: 'error',
        file: 'tasks.md',
        line: 3,
        message: 'duplicate task ID "1" (first defined at line 1)',
      },
    ]);
  });
});
