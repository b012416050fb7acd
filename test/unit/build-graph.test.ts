import { describe, expect, it } from 'vitest';
import { criticalPath, waves } from '../../src/graph/analysis.js';
import { buildGraph } from '../../src/graph/build-graph.js';
import type { GraphOptions } from '../../src/graph/task-graph.js';
import { parseTasks } from '../../src/spec/parse-tasks.js';

const OPTS: GraphOptions = { implicit: 'sequential', includeOptional: false };
const graph = (lines: string[], opts: Partial<GraphOptions> = {}) =>
  buildGraph(parseTasks(lines.join('\n'), 'specs/001-x/tasks.md'), { ...OPTS, ...opts });
const deps = (g: ReturnType<typeof graph>) => Object.fromEntries(g.units.map((u) => [u.id, u.deps]));

function errorOf(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    return (err as Error).message;
  }
  throw new Error('expected an error');
}

describe('buildGraph', () => {
  it('sequential policy chains work units in document order; parallel implies nothing', () => {
    const lines = ['- [ ] 1. a', '  - [ ] 1.1 b', '  - [ ] 1.2 c', '- [ ] 2. d'];
    expect(deps(graph(lines))).toEqual({ '1.1': [], '1.2': ['1.1'], '2': ['1.2'] });
    expect(deps(graph(lines, { implicit: 'parallel' }))).toEqual({ '1.1': [], '1.2': [], '2': [] });
  });

  it('explicit dependencies: exactly those, a group dependency expands to its work units', () => {
    const g = graph([
      '- [ ] 1. group',
      '  - [ ] 1.1 a',
      '  - [ ] 1.2 b',
      '- [ ] 2. c',
      '  - _Depends: 1_',
      '- [ ] 3. d',
    ]);
    expect(g.mode).toBe('explicit');
    expect(deps(g)).toEqual({ '1.1': [], '1.2': [], '2': ['1.1', '1.2'], '3': [] });
  });

  it("a group's own dependencies reach the children that do not wait for a sibling", () => {
    const g = graph([
      '- [ ] 1. a',
      '- [ ] 2. group',
      '  - _Depends: 1_',
      '  - [ ] 2.1 b',
      '  - [ ] 2.2 c',
      '    - _Depends: 2.1_',
    ]);
    expect(deps(g)).toEqual({ '1': [], '2.1': ['1'], '2.2': ['2.1'] });
  });

  it('markers: unmarked starts a step, marked joins it; explicit dependencies are added on top', () => {
    const g = graph([
      '- [ ] T1 a',
      '- [ ] T2 [P] b',
      '- [ ] T3 c',
      '- [ ] T4 [P] d',
      '- [ ] T5 [P] e (depends on T1)',
    ]);
    expect(deps(g)).toEqual({ T1: [], T2: [], T3: ['T1', 'T2'], T4: ['T1', 'T2'], T5: ['T1', 'T2'] });
    expect(waves(g)).toEqual([
      ['T1', 'T2'],
      ['T3', 'T4', 'T5'],
    ]);
  });

  it('markers: phases are barriers even for a marked first task', () => {
    const g = graph([
      '## Phase 1',
      '- [ ] T1 [P] a',
      '- [ ] T2 [P] b',
      '## Phase 2',
      '- [ ] T3 [P] c',
      '- [ ] T4 [P] d',
    ]);
    expect(deps(g)).toEqual({ T1: [], T2: [], T3: ['T1', 'T2'], T4: ['T1', 'T2'] });
  });

  it('a skipped optional task passes its dependencies through; included, it is scheduled', () => {
    const lines = ['- [ ] 1. a', '- [ ]* 2. optional', '- [ ] 3. c'];
    const g = graph(lines);
    expect(g.byId.get('2')?.skipped).toBe(true);
    expect(deps(g)['3']).toEqual(['1']);
    expect(waves(g)).toEqual([['1'], ['3']]);
    expect(waves(graph(lines, { includeOptional: true }))).toEqual([['1'], ['2'], ['3']]);
  });

  it('[-] is scheduled like pending; [~] and its dependents are not, and are reported', () => {
    const g = graph([
      '- [-] 1. started',
      '- [~] 2. blocked',
      '- [ ] 3. after blocked',
      '  - _Depends: 2_',
      '- [ ] 4. free',
      '  - _Depends: 1_',
    ]);
    expect(g.byId.get('1')).toMatchObject({ status: 'in_progress', scheduled: true });
    expect(g.units.filter((u) => u.scheduled).map((u) => u.id)).toEqual(['1', '4']);
    expect(g.warnings.map((w) => `${w.line}: ${w.message}`)).toEqual([
      '2: task 2 is blocked ([~]) and will not run; neither will the 1 task(s) that depend on it: 3',
    ]);
    const chained = graph(['- [~] 1. blocked', '- [ ] 2. next', '- [ ] 3. last']);
    expect(chained.warnings[0]?.message).toBe(
      'task 1 is blocked ([~]) and will not run; neither will the 2 task(s) that depend on it: 2, 3',
    );
  });

  it('a group is done when its work units are; critical path follows estimates', () => {
    const g = graph(
      ['- [ ] 1. g', '  - [x] 1.1 a', '  - [x] 1.2 b', '- [ ] 2. c', '- [ ] 3. d', '  - _Depends: 1_'],
      {},
    );
    expect(g.byId.get('1')?.status).toBe('done');
    expect(criticalPath(g, new Map([['3', 5]]))).toEqual(['3']);
    expect(criticalPath(g, new Map([['2', 5]]))).toEqual(['2']);
  });

  it('cycle: an error naming file, line and the cycle', () => {
    const message = errorOf(() =>
      graph([
        '- [ ] 1. a',
        '  - _Depends: 3_',
        '- [ ] 2. b',
        '  - _Depends: 1_',
        '- [ ] 3. c',
        '  - _Depends: 2_',
      ]),
    );
    expect(message).toBe(
      'specs/001-x/tasks.md:1: dependency cycle: 1 → 3 → 2 → 1 (each task waits for the next)',
    );
  });

  it('unknown dependency: an error naming file and line', () => {
    const message = errorOf(() => graph(['- [ ] 1. a', '- [ ] 2. b', '  - _Depends: 1, 9_']));
    expect(message).toBe('specs/001-x/tasks.md:3: task 2 depends on "9", which names no task in this file');
  });

  it('duplicate ID: an error naming file and both lines', () => {
    const message = errorOf(() => graph(['- [ ] T1 a', '- [ ] T1 b']));
    expect(message).toBe('specs/001-x/tasks.md:2: duplicate task ID "T1" (first defined at line 1)');
  });

  it('a task that depends on its own group is an error', () => {
    const message = errorOf(() => graph(['- [ ] 1. g', '  - [ ] 1.1 a', '    - _Depends: 1_']));
    expect(message).toBe('specs/001-x/tasks.md:3: task 1.1 depends on "1", the group that contains it');
  });

  it('handles a 20,000-task chain without deep recursion', () => {
    const lines = Array.from({ length: 20_000 }, (_, i) => `- [ ] ${i + 1}. t`);
    const g = graph(lines);
    expect(waves(g)).toHaveLength(20_000);
  });
});
