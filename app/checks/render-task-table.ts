import { compareIds } from '../../src/util/compare-ids.js';
import type { RunRecord, RunTask, TaskStatus } from '../../src/state/state-schema.js';
import { escapeMarkdown } from './escape-markdown.js';
import { formatDuration } from './format-duration.js';
import { formatUsd } from './format-usd.js';
import { summarizeTask } from './summarize-task.js';
import { taskStatusLabel } from './task-status-label.js';

export interface TaskTableOptions {
  jobUrl?: ((taskId: string) => string | undefined) | undefined;
  now: Date;
  /** The table (with its "… and N more" note) never exceeds this many characters. */
  maxLength: number;
  /**
   * Tasks that are neither failed, interrupted nor running stop at this length, leaving the rest for
   * whatever follows the table; failed, interrupted and running tasks may use up to `maxLength`.
   */
  softMaxLength?: number;
}

export interface TaskTable {
  markdown: string;
  /** How many tasks the table lists, and how many it left out. */
  shown: number;
  omitted: number;
}

const HEADER =
  '| ID | Task | Status | Attempts | Duration | Cost | Job |\n| --- | --- | --- | ---: | ---: | ---: | --- |';
/** Title lengths tried in turn until every row fits, then (listing only some tasks) until the urgent ones do. */
const FULL_TITLE_LENGTHS = [100, 60, 30] as const;
const SUMMARY_TITLE_LENGTHS = [30, 12] as const;
const NOTE_RESERVE = 300;
const ID_LENGTH = 40;
/** Tasks a reader must see: they are listed first when not every task fits. */
const URGENT: ReadonlySet<TaskStatus> = new Set(['failed', 'interrupted', 'running']);

/** An http(s) link safe inside a table cell's `[job](…)`, or null. */
export function safeLinkUrl(url: string | undefined): string | null {
  if (url === undefined) return null;
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return null;
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') return null;
  return parsed.href.replace(
    /[()|<>`"'\s\\[\]]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`,
  );
}

function renderRow(id: string, task: RunTask, titleLength: number, options: TaskTableOptions): string {
  const s = summarizeTask(task, options.now);
  const showError = (task.status === 'failed' || task.status === 'interrupted') && s.errorClass !== null;
  const status = `${taskStatusLabel(task.status)}${showError ? ` (${s.errorClass})` : ''}`;
  const url = safeLinkUrl(options.jobUrl?.(id));
  const cells = [
    escapeMarkdown(id, ID_LENGTH),
    escapeMarkdown(task.title, titleLength) || '—',
    status,
    String(s.attempts),
    s.durationMs === null ? '—' : formatDuration(s.durationMs),
    s.costUsd === null ? '—' : formatUsd(s.costUsd),
    url === null ? '—' : `[job](${url})`,
  ];
  return `| ${cells.join(' | ')} |`;
}

function omittedNote(omitted: Map<TaskStatus, number>): string {
  const total = [...omitted.values()].reduce((a, b) => a + b, 0);
  if (total === 0) return '';
  const parts = [...omitted.entries()].map(([status, n]) => `${n} ${status.replace('_', ' ')}`);
  return `… and ${total} more ${total === 1 ? 'task' : 'tasks'} (${parts.join(', ')}). Failed, interrupted and running tasks are listed first.`;
}

/** ", `a`, `b`" style list of IDs for tasks that had to be left out, cut to `max` characters. */
function idList(ids: string[], max: number): string {
  let out = '';
  for (const [k, id] of ids.entries()) {
    const item = `${k === 0 ? '' : ', '}${escapeMarkdown(id, ID_LENGTH)}`;
    const rest = ids.length - k;
    const ellipsis = ` and ${rest} more`;
    if (out.length + item.length + (rest > 1 ? ellipsis.length : 0) > max) return `${out}${ellipsis}`;
    out += item;
  }
  return out;
}

/**
 * The markdown task table in task ID order. When every row does not fit in `maxLength`, titles get
 * shorter, then the table keeps every failed, interrupted and running task and as many of the rest
 * (in ID order) as fit, and ends with "… and N more". Should even the failed, interrupted and
 * running tasks not fit as rows, the note names the rest of them by ID. Rows are never cut.
 */
export function renderTaskTable(run: RunRecord, options: TaskTableOptions): TaskTable {
  const ids = Object.keys(run.tasks).sort(compareIds);
  const tasks = ids.map((id) => ({ id, task: run.tasks[id] as RunTask }));
  if (tasks.length === 0) return { markdown: '_This run has no tasks._', shown: 0, omitted: 0 };
  const max = options.maxLength;
  const soft = Math.min(options.softMaxLength ?? max, max);

  for (const titleLength of FULL_TITLE_LENGTHS) {
    const rows = tasks.map(({ id, task }) => renderRow(id, task, titleLength, options));
    const full = `${HEADER}\n${rows.join('\n')}`;
    if (full.length <= soft) return { markdown: full, shown: tasks.length, omitted: 0 };
  }

  const urgent = tasks.flatMap((t, i) => (URGENT.has(t.task.status) ? [i] : []));
  const others = tasks.flatMap((t, i) => (URGENT.has(t.task.status) ? [] : [i]));
  for (const titleLength of SUMMARY_TITLE_LENGTHS) {
    const rows = tasks.map(({ id, task }) => renderRow(id, task, titleLength, options));
    const last = titleLength === SUMMARY_TITLE_LENGTHS[SUMMARY_TITLE_LENGTHS.length - 1];
    // The note's length depends only on counts; NOTE_RESERVE covers it. On the last try, urgent
    // tasks without a row are named in the note, so their IDs are reserved too.
    const listCost = (i: number): number =>
      last ? escapeMarkdown(tasks[i]?.id ?? '', ID_LENGTH).length + 2 : 0;
    let length = HEADER.length + NOTE_RESERVE + urgent.reduce((n, i) => n + listCost(i), 0);
    const chosen = new Set<number>();
    let urgentFit = true;
    for (const i of urgent) {
      const add = (rows[i] as string).length + 1 - listCost(i);
      if (length + add > max) {
        urgentFit = false;
        break;
      }
      chosen.add(i);
      length += add;
    }
    if (!urgentFit && !last) continue;
    if (urgentFit) {
      for (const i of others) {
        const add = (rows[i] as string).length + 1;
        if (length + add > soft) break;
        chosen.add(i);
        length += add;
      }
    }

    const omitted = new Map<TaskStatus, number>();
    const shownRows: string[] = [];
    const urgentLeftOut: string[] = [];
    tasks.forEach((t, i) => {
      if (chosen.has(i)) {
        shownRows.push(rows[i] as string);
        return;
      }
      omitted.set(t.task.status, (omitted.get(t.task.status) ?? 0) + 1);
      if (URGENT.has(t.task.status)) urgentLeftOut.push(t.id);
    });
    const table = shownRows.length > 0 ? `${HEADER}\n${shownRows.join('\n')}` : '';
    let note = omittedNote(omitted);
    if (urgentLeftOut.length > 0) {
      const prefix = ' Failed, interrupted or running but not in the table: ';
      const room = max - table.length - 2 - note.length - prefix.length - 1;
      note += `${prefix}${idList(urgentLeftOut, Math.max(0, room))}.`;
    }
    const markdown = [table, note].filter((part) => part !== '').join('\n\n');
    if (markdown.length > max)
      return { markdown: table, shown: shownRows.length, omitted: tasks.length - shownRows.length };
    return { markdown, shown: shownRows.length, omitted: tasks.length - shownRows.length };
  }
  /* c8 ignore next */
  throw new Error('unreachable: the last title length always returns');
}
