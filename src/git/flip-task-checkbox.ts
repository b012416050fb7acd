import { parseTasks } from '../spec/parse-tasks.js';

const CHECKBOX = /^(\s*[-*+]\s+\[)([ xX~-])(\])/;
const HEADING = /^#{1,6}\s/;
const STATUS_FIELD = /^(\s*(?:[-*+]\s+)?(?:\*\*Status:?\*\*:?|_Status:)\s*)(.*?)(_?\s*)$/i;

export interface FlipTaskCheckboxOptions {
  taskId: string;
  /** 1-based line where the task was when the run started; a hint, checked against the ID. */
  taskLine: number;
  /** Repo-relative path, for messages. */
  file: string;
}

/** The task is not in the tasks file any more (or its ID changed), so it cannot be marked done. */
export class TaskLineNotFoundError extends Error {
  constructor(taskId: string, file: string) {
    super(`task ${taskId} is not in ${file} on the work branch, so it cannot be marked done`);
    this.name = 'TaskLineNotFoundError';
  }
}

/**
 * Marks a task done in a tasks file's text: `[ ]`, `[-]` or `[~]` becomes `[x]` on a checkbox line; a
 * task card gets `**Status:** done`. The line is found by the task's ID (the given line is preferred
 * when several match), since other tasks may have moved it. Line endings are kept.
 */
export function flipTaskCheckbox(text: string, options: FlipTaskCheckboxOptions): string {
  const { taskId, taskLine, file } = options;
  const candidates = parseTasks(text, file).tasks.filter((t) => t.id === taskId && t.kind !== 'heading');
  const task = candidates.find((t) => t.line === taskLine) ?? candidates[0];
  if (!task) throw new TaskLineNotFoundError(taskId, file);
  const lines = text.split('\n');
  const index = task.line - 1;
  const line = lines[index] ?? '';
  if (task.kind === 'checkbox') {
    lines[index] = tick(line);
    return tickFinishedGroups(lines.join('\n'), task.parent, file);
  }
  const eol = line.endsWith('\r') ? '\r' : '';
  for (let i = index + 1; i < lines.length && !HEADING.test(lines[i] ?? ''); i++) {
    const field = STATUS_FIELD.exec((lines[i] ?? '').replace(/\r$/, ''));
    if (field) {
      lines[i] = `${field[1] ?? ''}done${field[3] ?? ''}${eol}`;
      return lines.join('\n');
    }
  }
  lines.splice(index + 1, 0, `${eol}`, `**Status:** done${eol}`);
  return lines.join('\n');
}

function tick(line: string): string {
  return line.replace(CHECKBOX, (_m, open: string, mark: string, close: string) =>
    mark === 'X' ? `${open}${mark}${close}` : `${open}x${close}`,
  );
}

/**
 * Ticks the enclosing checkbox groups whose subtasks are now all done (optional ones that are not
 * done do not hold a group back), innermost first, so the file reads as the graph does.
 */
function tickFinishedGroups(text: string, parentId: string | undefined, file: string): string {
  let current = text;
  for (let id = parentId; id !== undefined;) {
    const tasks = parseTasks(current, file).tasks;
    const group = tasks.find((t) => t.id === id);
    if (!group || group.kind !== 'checkbox' || group.status === 'done') break;
    const children = tasks.filter((t) => t.parent === id);
    if (!children.every((c) => c.status === 'done' || c.optional)) break;
    const lines = current.split('\n');
    lines[group.line - 1] = tick(lines[group.line - 1] ?? '');
    current = lines.join('\n');
    id = group.parent;
  }
  return current;
}

/**
 * `edited` with every checkbox put back as it is in `original`, where the two have the same lines.
 * The orchestrator owns the checkboxes: a session that ticks its own box would otherwise conflict with
 * a parallel task ticking the box on the next line.
 */
export function restoreCheckboxes(original: string, edited: string): string {
  const before = original.split('\n');
  const after = edited.split('\n');
  if (before.length !== after.length) return edited;
  return after
    .map((line, i) => {
      const old = before[i] ?? '';
      const m = CHECKBOX.exec(old);
      if (!m || !CHECKBOX.test(line)) return line;
      const restored = line.replace(CHECKBOX, `$1${m[2] ?? ' '}$3`);
      return restored === old ? old : line;
    })
    .join('\n');
}
