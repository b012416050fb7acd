import type { Diagnostic } from '../errors.js';
import type { DependencyRef, ParsedTask, ParsedTasksFile, Phase, TaskStatus } from './types.js';

const TASK_LINE = /^(\s*)[-*+]\s+\[([ xX~-])\](\*)?\s*(.*)$/;
const HEADING = /^(#{1,6})\s+(.*?)\s*#*\s*$/;
const FENCE = /^\s*(```|~~~)/;
const PHASE_HEADING = /^phase\s+(\d+)\b\s*[:.\-–—]?\s*(.*)$/i;
const CARD_HEADING = /^task\s+([\w.-]+?)\s*[:.)\-–—]\s*(.+)$/i;
const NUMBERED_HEADING = /^(\d+(?:\.\d+)*)\.?\s+(.+)$/;
const TASK_ID = /^(T\d+[A-Za-z]?|[A-Z][A-Z0-9]*-\d+[A-Za-z]?|\d+(?:\.\d+)*)(\.)?(\*)?(?=[\s:)]|$):?\s*/;
const MARKER = /^(?:\[P\]|\(P\)|\[([A-Z][A-Za-z]*\d+)\])\s*/;
const INLINE_DEPENDS = /\s*(?:\[depends on:\s*([^\]]*)\]|\((?:depends on|depends|after)\s*:?\s*([^)]*)\))/i;
const DETAIL_UNDERSCORE = /^_([A-Za-z][\w -]*?):\s*(.*?)_\s*$/;
const DETAIL_UNDERSCORE_KEY = /^_([A-Za-z][\w -]*?):_\s*(.*)$/;
const DETAIL_BOLD = /^\*\*([A-Za-z][\w -]*?):?\*\*:?\s*(.*)$/;
const DEPENDS_LINE = /^\[depends on:\s*(.*)\]\s*$/i;
const NO_DEPENDENCY = /^(none|n\/a|na|-|—|–|nothing)\.?$/i;

const STATUS: Record<string, TaskStatus> = {
  ' ': 'pending',
  x: 'done',
  X: 'done',
  '-': 'in_progress',
  '~': 'blocked',
};

const DONE_WORDS = /^(done|complete|completed|finished)\b/i;
const BLOCKED_WORDS = /^blocked\b/i;
const IN_PROGRESS_WORDS = /^(in[ _-]progress|started|wip)\b/i;

interface OpenHeadingGroup {
  level: number;
  id: string;
  title: string;
  line: number;
  parent?: string;
  node?: ParsedTask;
}

function indentWidth(ws: string): number {
  let width = 0;
  for (const ch of ws) width += ch === '\t' ? 4 : 1;
  return width;
}

/** Normalises an ID as written (`2.1.`, `**T001**`, `Task 3`) to the form tasks are addressed by. */
export function normalizeTaskId(raw: string): string {
  return raw
    .trim()
    .replace(/^[`*_]+|[`*_]+$/g, '')
    .replace(/^task\s+/i, '')
    .replace(/\.$/, '')
    .trim();
}

function splitList(value: string): string[] {
  return value
    .split(/\s*(?:,|;|\band\b|&)\s*/i)
    .map((v) => v.trim().replace(/^[`*_]+|[`*_]+$/g, ''))
    .filter((v) => v.length > 0);
}

function dependencyRefs(value: string, line: number): DependencyRef[] {
  const trimmed = value.trim();
  if (trimmed === '' || NO_DEPENDENCY.test(trimmed)) return [];
  return splitList(trimmed)
    .filter((v) => !NO_DEPENDENCY.test(v))
    .map((v) => ({ value: v, line }));
}

function newTask(
  partial: Pick<ParsedTask, 'id' | 'title' | 'line' | 'kind'> & Partial<ParsedTask>,
): ParsedTask {
  return {
    status: 'pending',
    optional: false,
    parallel: false,
    generatedId: false,
    requirements: [],
    leverage: [],
    details: [],
    ...partial,
  };
}

function addDepends(task: ParsedTask, refs: DependencyRef[]): void {
  task.depends = [...(task.depends ?? []), ...refs];
}

/** Applies one detail field (`_Requirements: 1.1_`, `**Dependencies:** REV-001`, …) to a task. */
function applyField(task: ParsedTask, key: string, value: string, line: number): boolean {
  const k = key.trim().toLowerCase();
  const v = value.trim();
  switch (k) {
    case 'requirements':
    case 'requirement':
      task.requirements.push(...splitList(v));
      return true;
    case 'leverage':
      task.leverage.push(...splitList(v));
      return true;
    case 'depends':
    case 'depends on':
    case 'dependencies':
    case 'dependency':
      addDepends(task, dependencyRefs(v, line));
      return true;
    case 'agent':
      if (v) task.agent = v.replace(/^[`*]+|[`*]+$/g, '');
      return true;
    case 'prompt':
      task.prompt = v;
      return true;
    case 'boundary':
      task.boundary = v;
      return true;
    case 'id':
      return true;
    case 'effort':
    case 'estimate': {
      const m = /^(\d+(?:\.\d+)?)\s*(h|hr|hrs|hour|hours|d|day|days)?\b/i.exec(v);
      if (m) {
        const n = Number(m[1]);
        task.effortHours = m[2] && /^d/i.test(m[2]) ? n * 8 : n;
      }
      task.details.push(`${key.trim()}: ${v}`);
      return true;
    }
    case 'status':
      if (DONE_WORDS.test(v)) task.status = 'done';
      else if (BLOCKED_WORDS.test(v)) task.status = 'blocked';
      else if (IN_PROGRESS_WORDS.test(v)) task.status = 'in_progress';
      return true;
    default:
      return false;
  }
}

/** Reads one detail line under a task. Returns false when the line is not a field it knows. */
function applyDetailLine(task: ParsedTask, text: string, line: number): void {
  const body = text.replace(/^[-*+]\s+/, '').trim();
  if (body === '') return;
  const dependsLine = DEPENDS_LINE.exec(body);
  if (dependsLine) {
    addDepends(task, dependencyRefs(dependsLine[1] ?? '', line));
    return;
  }
  const field = DETAIL_UNDERSCORE.exec(body) ?? DETAIL_UNDERSCORE_KEY.exec(body) ?? DETAIL_BOLD.exec(body);
  if (field && applyField(task, field[1] ?? '', field[2] ?? '', line)) return;
  task.details.push(body);
}

interface TitleParts {
  id?: string;
  optional: boolean;
  parallel: boolean;
  story?: string;
  title: string;
  depends: string[];
}

function parseTaskText(text: string): TitleParts {
  let rest = text.replace(/\*\*/g, '').trim();
  const parts: TitleParts = { optional: false, parallel: false, title: '', depends: [] };
  const id = TASK_ID.exec(rest);
  if (id) {
    parts.id = normalizeTaskId(id[1] ?? '');
    parts.optional = id[3] === '*';
    rest = rest.slice(id[0].length);
  }
  for (let m = MARKER.exec(rest); m; m = MARKER.exec(rest)) {
    if (m[1]) parts.story = m[1];
    else parts.parallel = true;
    rest = rest.slice(m[0].length);
  }
  for (let m = INLINE_DEPENDS.exec(rest); m; m = INLINE_DEPENDS.exec(rest)) {
    parts.depends.push(m[1] ?? m[2] ?? '');
    rest = rest.slice(0, m.index) + rest.slice(m.index + m[0].length);
  }
  if (/\s\(P\)\s*$/.test(rest)) {
    parts.parallel = true;
    rest = rest.replace(/\s\(P\)\s*$/, '');
  }
  parts.title = rest.replace(/^[-–—:]\s*/, '').trim();
  return parts;
}

/**
 * Parses a tasks file in any of the supported syntaxes (checkbox lists with nesting, numbered group
 * headings, Quantumwala task cards, spec-kit phases and markers). Pure: text in, structure out.
 */
export function parseTasks(text: string, file: string): ParsedTasksFile {
  const lines = text.split(/\r?\n/);
  const tasks: ParsedTask[] = [];
  const phases: Phase[] = [];
  const diagnostics: Diagnostic[] = [];
  const firstLine = new Map<string, number>();

  let inFence = false;
  let stack: { indent: number; task: ParsedTask }[] = [];
  let headingGroups: OpenHeadingGroup[] = [];
  let card: { level: number; task: ParsedTask } | undefined;
  let current: { indent: number; task: ParsedTask } | undefined;
  let phase: number | undefined;

  const register = (task: ParsedTask): void => {
    const seen = firstLine.get(task.id);
    if (seen !== undefined) {
      diagnostics.push({
        severity: 'error',
        file,
        line: task.line,
        message: `duplicate task ID "${task.id}" (first defined at line ${seen})`,
      });
    } else {
      firstLine.set(task.id, task.line);
    }
    if (phase !== undefined) task.phase = phase;
    tasks.push(task);
  };

  const headingParent = (): string | undefined => {
    const open = headingGroups[headingGroups.length - 1];
    if (!open) return undefined;
    if (!open.node) {
      // Materialise the group heading (and any enclosing ones) the first time a task stands under it.
      for (const g of headingGroups) {
        if (g.node) continue;
        g.node = newTask({ id: g.id, title: g.title, line: g.line, kind: 'heading', parent: g.parent });
        register(g.node);
      }
    }
    return open.id;
  };

  lines.forEach((raw, index) => {
    const lineNo = index + 1;
    if (FENCE.test(raw)) {
      inFence = !inFence;
      return;
    }
    if (inFence) return;

    const heading = HEADING.exec(raw);
    if (heading) {
      const level = (heading[1] ?? '').length;
      const title = (heading[2] ?? '').replace(/\*\*/g, '').trim();
      headingGroups = headingGroups.filter((g) => g.level < level);
      if (card && card.level >= level) card = undefined;
      stack = [];
      current = undefined;

      const phaseMatch = PHASE_HEADING.exec(title);
      const cardMatch = CARD_HEADING.exec(title);
      const numbered = NUMBERED_HEADING.exec(title);
      if (phaseMatch) {
        phase = phases.length;
        phases.push({ index: phase, title, line: lineNo });
      } else if (cardMatch) {
        const task = newTask({
          id: normalizeTaskId(cardMatch[1] ?? ''),
          title: (cardMatch[2] ?? '').trim(),
          line: lineNo,
          kind: 'card',
        });
        card = { level, task };
        if (phase !== undefined) task.phase = phase;
        const parent = headingParent();
        if (parent !== undefined) task.parent = parent;
        // Registered when the card ends or on its **ID:** line, whichever is first: see below.
        tasks.push(task);
      } else if (numbered) {
        const enclosing = headingGroups[headingGroups.length - 1];
        headingGroups.push({
          level,
          id: normalizeTaskId(numbered[1] ?? ''),
          title: (numbered[2] ?? '').trim(),
          line: lineNo,
          parent: enclosing?.id,
        });
      }
      return;
    }

    if (card) {
      const body = raw.trim();
      const field = DETAIL_BOLD.exec(body);
      if (field && (field[1] ?? '').trim().toLowerCase() === 'id' && field[2]) {
        card.task.id = normalizeTaskId(field[2]);
      } else if (body !== '') {
        applyDetailLine(card.task, body, lineNo);
      }
      return;
    }

    const taskLine = TASK_LINE.exec(raw);
    if (taskLine) {
      const indent = indentWidth(taskLine[1] ?? '');
      while (stack.length > 0 && (stack[stack.length - 1]?.indent ?? 0) >= indent) stack.pop();
      const parts = parseTaskText(taskLine[4] ?? '');
      const parentTask = stack[stack.length - 1]?.task;
      const task = newTask({
        id: parts.id ?? `L${lineNo}`,
        generatedId: parts.id === undefined,
        title: parts.title,
        status: STATUS[taskLine[2] ?? ' '] ?? 'pending',
        optional: taskLine[3] === '*' || parts.optional,
        parallel: parts.parallel,
        line: lineNo,
        kind: 'checkbox',
      });
      if (parts.story) task.story = parts.story;
      const parent = parentTask ? parentTask.id : headingParent();
      if (parent !== undefined) task.parent = parent;
      for (const d of parts.depends) addDepends(task, dependencyRefs(d, lineNo));
      register(task);
      stack.push({ indent, task });
      current = { indent, task };
      return;
    }

    if (!current) return;
    if (raw.trim() === '') return;
    const indent = indentWidth(/^\s*/.exec(raw)?.[0] ?? '');
    const body = raw.trim();
    if (indent > current.indent || DEPENDS_LINE.test(body) || /^_[A-Za-z][\w -]*:/.test(body)) {
      const owner = [...stack].reverse().find((s) => s.indent < indent)?.task ?? current.task;
      applyDetailLine(owner, body, lineNo);
      return;
    }
    // Unindented prose ends the list: the next task line starts a new one.
    stack = [];
    current = undefined;
  });

  // Cards were pushed before their **ID:** line was read; check their IDs now, in document order.
  for (const task of tasks) {
    if (task.kind !== 'card') continue;
    const seen = firstLine.get(task.id);
    if (seen !== undefined && seen !== task.line) {
      diagnostics.push({
        severity: 'error',
        file,
        line: task.line,
        message: `duplicate task ID "${task.id}" (first defined at line ${seen})`,
      });
    } else {
      firstLine.set(task.id, task.line);
    }
  }

  return { file, text, tasks, phases, diagnostics };
}
