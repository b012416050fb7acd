import { describe, expect, it } from 'vitest';
import { buildGraph } from '../../src/graph/build-graph.js';
import { parseTasks } from '../../src/spec/parse-tasks.js';
import { createScheduler, type RunTaskState } from '../../src/schedule/select-ready.js';

const graph = (lines: string[]) =>
  buildGraph(parseTasks(lines.join('\n'), 'tasks.md'), { implicit: 'parallel', includeOptional: false });

describe('createScheduler', () => {
  // T3 → T4 → T5 is the long chain; T1 and T2 stand alone; T6 waits for T1; T8 for done T7.
  const g = graph([
    '- [ ] T1 short',
    '- [ ] T2 alone',
    '- [ ] T3 head of the chain',
    '- [ ] T4 middle',
    '  - _Depends: T3_',
    '- [ ] T5 tail',
    '  - _Depends: T4_',
    '- [ ] T6 after d',
    '  - _Depends: T1_',
    '- [x] T7 done already',
    '- [ ] T8 after a done task',
    '  - _Depends: T7_',
  ]);
  const scheduler = createScheduler(g);
  const states = (entries: [string, RunTaskState][]) => new Map<string, RunTaskState>(entries);

  it('starts the longest remaining path first, document order breaking ties', () => {
    expect(scheduler.selectReady(states([]), 1)).toEqual(['T3']);
    expect(scheduler.selectReady(states([]), 3)).toEqual(['T3', 'T1', 'T2']);
    expect(scheduler.selectReady(states([]), 10)).toEqual(['T3', 'T1', 'T2', 'T8']);
  });

  it('never starts a task before its dependencies succeeded, nor one already started', () => {
    const running = states([
      ['T3', 'running'],
      ['T1', 'succeeded'],
    ]);
    expect(scheduler.selectReady(running, 10)).toEqual(['T2', 'T6', 'T8']);
    expect(scheduler.selectReady(states([['T3', 'failed']]), 10)).not.toContain('T4');
    expect(scheduler.selectReady(states([['T3', 'succeeded']]), 10)).toEqual(['T1', 'T4', 'T2', 'T8']);
  });

  it('respects the free capacity, zero included', () => {
    expect(scheduler.selectReady(states([]), 0)).toEqual([]);
    expect(scheduler.selectReady(states([]), 2)).toHaveLength(2);
  });

  it('follows estimates when history gives them', () => {
    const weighted = createScheduler(g, new Map([['T2', 10]]));
    expect(weighted.selectReady(states([]), 1)).toEqual(['T2']);
  });
});
