import { compareIds } from '../../src/util/compare-ids.js';
import type { RunRecord, RunTask } from '../../src/state/state-schema.js';
import { escapeGanttLabel } from './escape-gantt-label.js';
import { attemptSpan, type AttemptSpan } from './summarize-task.js';

export interface GanttOptions {
  now: Date;
  /** The block (with its note) never exceeds this many characters. */
  maxLength: number;
}

export interface Gantt {
  /** A fenced ```mermaid block and/or a note; empty when nothing fits. */
  markdown: string;
  /** Tasks with a started attempt, and how many of them the timeline shows. */
  tasksStarted: number;
  tasksShown: number;
}

const TITLE_LENGTH = 40;
const NOTE_RESERVE = 200;
const DAY_MS = 24 * 60 * 60 * 1000;

function tag(span: AttemptSpan): string {
  if (span.running) return 'active, ';
  if (span.outcome === 'succeeded') return 'done, ';
  if (span.outcome === 'failed') return 'crit, ';
  return '';
}

/** The group a task belongs to: the part of its ID before the first dot (`2` for `2.1`). */
function groupOf(id: string): string {
  const dot = id.indexOf('.');
  return dot > 0 ? id.slice(0, dot) : id;
}

function taskLines(id: string, task: RunTask, spans: AttemptSpan[]): string[] {
  const title = escapeGanttLabel(`${id} ${task.title}`, TITLE_LENGTH);
  return spans.map((span) => {
    const label = spans.length > 1 || span.n > 1 ? `${title} (attempt ${span.n})` : title;
    // A zero-length bar does not show; give every attempt at least a second.
    const end = Math.max(span.end, span.start + 1000);
    return `    ${label} :${tag(span)}${span.start}, ${end}`;
  });
}

/**
 * A Mermaid gantt chart of the run's attempts (`dateFormat x`: epoch milliseconds), one section per
 * task group (the ID before its first dot) when IDs have groups, else one section. Labels are escaped
 * with escapeGanttLabel. Whole tasks are added in ID order while the block fits in `maxLength`; the
 * rest are named in a note (or the chart is dropped with a note). A block is never cut.
 */
export function renderGantt(run: RunRecord, options: GanttOptions): Gantt {
  const ids = Object.keys(run.tasks).sort(compareIds);
  const started = ids.flatMap((id) => {
    const task = run.tasks[id] as RunTask;
    const spans = task.attempts.flatMap((a) => {
      const span = attemptSpan(a, options.now);
      return span ? [span] : [];
    });
    return spans.length > 0 ? [{ id, task, spans }] : [];
  });
  if (started.length === 0)
    return { markdown: '_No attempt has started yet._', tasksStarted: 0, tasksShown: 0 };

  const spans = started.flatMap((t) => t.spans);
  const first = spans.reduce((min, s) => Math.min(min, s.start), Infinity);
  const last = spans.reduce((max, s) => Math.max(max, s.end), -Infinity);
  const head = [
    '```mermaid',
    'gantt',
    '    dateFormat x',
    `    axisFormat ${last - first > DAY_MS ? '%m-%d %H:%M' : '%H:%M'}`,
  ];
  const foot = '```';
  const grouped = ids.some((id) => groupOf(id) !== id);
  const sectionName = (group: string): string => {
    const parent = run.tasks[group];
    return escapeGanttLabel(parent ? `${group} ${parent.title}` : `Group ${group}`, TITLE_LENGTH);
  };

  const lines = [...head];
  let length = lines.join('\n').length + 1 + foot.length + NOTE_RESERVE;
  let section: string | null = null;
  let shown = 0;
  for (const { id, task, spans } of started) {
    const group = grouped ? groupOf(id) : 'Tasks';
    const add = taskLines(id, task, spans);
    if (group !== section) add.unshift(`    section ${grouped ? sectionName(group) : 'Tasks'}`);
    const addLength = add.reduce((n, line) => n + line.length + 1, 0);
    if (length + addLength > options.maxLength) break;
    lines.push(...add);
    length += addLength;
    section = group;
    shown += 1;
  }

  let markdown: string;
  if (shown === 0) {
    markdown = `_The timeline of ${started.length} started tasks does not fit here._`;
  } else {
    const block = [...lines, foot].join('\n');
    const note =
      shown < started.length
        ? `\n\n_The timeline shows the first ${shown} of ${started.length} started tasks (in ID order)._`
        : '';
    markdown = `${block}${note}`;
  }
  if (markdown.length > options.maxLength) markdown = '';
  return { markdown, tasksStarted: started.length, tasksShown: shown };
}
