import { describe, expect, it } from 'vitest';
import {
  flipTaskCheckbox,
  restoreCheckboxes,
  TaskLineNotFoundError,
} from '../../src/git/flip-task-checkbox.js';

const FILE = '.claude/specs/demo/tasks.md';
const TASKS = [
  '# Tasks',
  '',
  '- [ ] 1. First',
  '- [-] 2. Second',
  '- [~] 3. Third',
  '- [x] 4. Done',
  '',
].join('\n');

describe('flipTaskCheckbox', () => {
  it('ticks the box on the given line', () => {
    const out = flipTaskCheckbox(TASKS, { taskId: '1', taskLine: 3, file: FILE });
    expect(out.split('\n')[2]).toBe('- [x] 1. First');
    expect(out.split('\n').filter((l, i) => l !== TASKS.split('\n')[i])).toHaveLength(1);
  });

  it('ticks in-progress and blocked boxes, and leaves a done one as it is', () => {
    expect(flipTaskCheckbox(TASKS, { taskId: '2', taskLine: 4, file: FILE }).split('\n')[3]).toBe(
      '- [x] 2. Second',
    );
    expect(flipTaskCheckbox(TASKS, { taskId: '3', taskLine: 5, file: FILE }).split('\n')[4]).toBe(
      '- [x] 3. Third',
    );
    expect(flipTaskCheckbox(TASKS, { taskId: '4', taskLine: 6, file: FILE })).toBe(TASKS);
  });

  it('finds the task by its ID when the line moved', () => {
    const moved = `Intro added by another task\n\n${TASKS}`;
    const out = flipTaskCheckbox(moved, { taskId: '3', taskLine: 5, file: FILE });
    expect(out.split('\n')[6]).toBe('- [x] 3. Third');
    expect(out.split('\n')[4]).toBe('- [ ] 1. First');
  });

  it('keeps CRLF line endings and nested tasks (the finished group is ticked too)', () => {
    const crlf = '- [ ] 1. Parent\r\n  - [ ] 1.1 Child\r\n  - [ ] 1.2 Other\r\n';
    const once = flipTaskCheckbox(crlf, { taskId: '1.1', taskLine: 2, file: FILE });
    expect(once).toBe('- [ ] 1. Parent\r\n  - [x] 1.1 Child\r\n  - [ ] 1.2 Other\r\n');
    expect(flipTaskCheckbox(once, { taskId: '1.2', taskLine: 3, file: FILE })).toBe(
      '- [x] 1. Parent\r\n  - [x] 1.1 Child\r\n  - [x] 1.2 Other\r\n',
    );
  });

  it('sets the status of a task card', () => {
    const card = '## Task T1: Build it\n**Status:** pending\n**Agent:** dev\n\n## Task T2: Next\n';
    expect(flipTaskCheckbox(card, { taskId: 'T1', taskLine: 1, file: FILE })).toBe(
      '## Task T1: Build it\n**Status:** done\n**Agent:** dev\n\n## Task T2: Next\n',
    );
    const bare = '## Task T1: Build it\nSome text\n';
    expect(flipTaskCheckbox(bare, { taskId: 'T1', taskLine: 1, file: FILE })).toBe(
      '## Task T1: Build it\n\n**Status:** done\nSome text\n',
    );
  });

  it('throws when the task is gone', () => {
    expect(() => flipTaskCheckbox(TASKS, { taskId: '9', taskLine: 3, file: FILE })).toThrow(
      TaskLineNotFoundError,
    );
  });
});

describe('restoreCheckboxes', () => {
  it('undoes checkbox-only changes and keeps every other edit', () => {
    const edited = TASKS.replace('- [ ] 1. First', '- [x] 1. First').replace(
      '- [-] 2. Second',
      '- [-] 2. Renamed',
    );
    expect(restoreCheckboxes(TASKS, edited)).toBe(TASKS.replace('2. Second', '2. Renamed'));
  });

  it('leaves the file alone when lines were added or removed', () => {
    const edited = `${TASKS}- [x] 5. New\n`;
    expect(restoreCheckboxes(TASKS, edited)).toBe(edited);
  });
});

describe('flipTaskCheckbox and groups', () => {
  it('ticks a group once its last subtask is done, optional ones aside, nested groups too', () => {
    const text = [
      '- [ ] 1. outer',
      '  - [ ] 1.1 inner',
      '    - [x] 1.1.1 a',
      '    - [ ] 1.1.2 b',
      '    - [ ]* 1.1.3 opt',
      '- [ ] 2. next',
    ].join('\n');
    const out = flipTaskCheckbox(text, { taskId: '1.1.2', taskLine: 4, file: 'tasks.md' });
    expect(out.split('\n')).toEqual([
      '- [x] 1. outer',
      '  - [x] 1.1 inner',
      '    - [x] 1.1.1 a',
      '    - [x] 1.1.2 b',
      '    - [ ]* 1.1.3 opt',
      '- [ ] 2. next',
    ]);
    const partial = flipTaskCheckbox(text.replace('- [x] 1.1.1', '- [ ] 1.1.1'), {
      taskId: '1.1.2',
      taskLine: 4,
      file: 'tasks.md',
    });
    expect(partial.split('\n')[0]).toBe('- [ ] 1. outer');
  });
});
