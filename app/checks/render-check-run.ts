import type { ErrorClass } from '../../src/exec/error-class.js';
import {
  TASK_STATUSES,
  type RunRecord,
  type RunTask,
  type TaskStatus,
} from '../../src/state/state-schema.js';
import { compareIds } from '../../src/util/compare-ids.js';
import { CHECK_RUN_LIMITS } from './check-run-limits.js';
import { escapeMarkdown } from './escape-markdown.js';
import { formatDuration } from './format-duration.js';
import { formatUsd } from './format-usd.js';
import { renderGantt } from './render-gantt.js';
import { renderTaskTable } from './render-task-table.js';
import { taskStatusLabel } from './task-status-label.js';
import { truncateText } from './truncate-text.js';

export type CheckRunStatus = 'queued' | 'in_progress' | 'completed';
export type CheckRunConclusion = 'success' | 'failure' | 'cancelled' | 'action_required';

export interface CheckRunAction {
  label: string;
  description: string;
  identifier: string;
}

export interface CheckRunPayload {
  title: string;
  summary: string;
  text: string;
  status: CheckRunStatus;
  /** Set only when `status` is `completed`. */
  conclusion?: CheckRunConclusion;
  actions: CheckRunAction[];
}

export interface RenderCheckRunOptions {
  /** The URL of the job that ran a task, if there is one. */
  jobUrl?: (taskId: string) => string | undefined;
  now: Date;
}

/** Failures no retry fixes: a person has to act (credentials, budget). */
const NEEDS_HUMAN: ReadonlySet<ErrorClass> = new Set(['auth_error', 'budget_exceeded']);
const RECENT_ERRORS = 5;
const MESSAGE_LENGTH = 300;
const BAR_WIDTH = 20;
const DISPLAY_ORDER: readonly TaskStatus[] = [
  'succeeded',
  'failed',
  'running',
  'pending',
  'interrupted',
  'not_run',
];
/** What the timeline keeps for itself when the table has to be shortened. */
const TIMELINE_SHARE = 16_000;

export const CANCEL_ACTION: CheckRunAction = {
  label: 'Cancel run',
  description: 'Stop the run; running tasks are ended',
  identifier: 'cancel',
};
export const RETRY_FAILED_ACTION: CheckRunAction = {
  label: 'Retry failed',
  description: 'Run the failed and skipped tasks again',
  identifier: 'retry_failed',
};

interface Counts {
  total: number;
  byStatus: Record<TaskStatus, number>;
}

function countTasks(tasks: RunTask[]): Counts {
  const byStatus = Object.fromEntries(TASK_STATUSES.map((s) => [s, 0])) as Record<TaskStatus, number>;
  for (const task of tasks) byStatus[task.status] += 1;
  return { total: tasks.length, byStatus };
}

/** The error class that settled a failed task: its result's, else its last attempt's. */
function failureClass(task: RunTask): ErrorClass | null {
  if (task.result?.error_class) return task.result.error_class;
  for (let i = task.attempts.length - 1; i >= 0; i--) {
    const cls = task.attempts[i]?.error_class;
    if (cls) return cls;
  }
  return null;
}

function hasStarted(run: RunRecord): boolean {
  return Object.values(run.tasks).some(
    (t) => t.status !== 'pending' || t.attempts.some((a) => a.started_at !== null),
  );
}

/** `queued` until an attempt starts, `in_progress` while the run runs, then `completed`. */
export function checkRunStatus(run: RunRecord): CheckRunStatus {
  if (run.status !== 'running') return 'completed';
  return hasStarted(run) ? 'in_progress' : 'queued';
}

/**
 * How a finished run concludes (undefined while it runs): `cancelled` when it was cancelled or
 * interrupted; `action_required` when it ran out of budget or a task failed with auth_error or
 * budget_exceeded; `success` when the run and every task succeeded; else `failure`.
 */
export function checkRunConclusion(run: RunRecord): CheckRunConclusion | undefined {
  if (run.status === 'running') return undefined;
  if (run.status === 'cancelled' || run.status === 'interrupted') return 'cancelled';
  const tasks = Object.values(run.tasks);
  const needsHuman = tasks.some((t) => {
    const cls = t.status === 'failed' ? failureClass(t) : null;
    return cls !== null && NEEDS_HUMAN.has(cls);
  });
  if (run.status === 'budget_exceeded' || needsHuman) return 'action_required';
  if (run.status === 'succeeded' && tasks.every((t) => t.status === 'succeeded')) return 'success';
  return 'failure';
}

function clampAction(action: CheckRunAction): CheckRunAction {
  return {
    label: truncateText(action.label, CHECK_RUN_LIMITS.actionLabel),
    description: truncateText(action.description, CHECK_RUN_LIMITS.actionDescription),
    identifier: action.identifier.slice(0, CHECK_RUN_LIMITS.actionIdentifier),
  };
}

/** Cancel while the run runs; Retry failed once it ended with failed, interrupted or skipped tasks. */
export function checkRunActions(run: RunRecord): CheckRunAction[] {
  const actions: CheckRunAction[] = [];
  const conclusion = checkRunConclusion(run);
  if (conclusion === undefined) actions.push(CANCEL_ACTION);
  else if (conclusion !== 'success') {
    const retriable = Object.values(run.tasks).some(
      (t) => t.status === 'failed' || t.status === 'interrupted' || t.status === 'not_run',
    );
    if (retriable) actions.push(RETRY_FAILED_ACTION);
  }
  return actions.slice(0, CHECK_RUN_LIMITS.actions).map(clampAction);
}

function elapsedMs(run: RunRecord, now: Date): number {
  const start = Date.parse(run.started_at);
  const end = run.finished_at === null ? now.getTime() : Date.parse(run.finished_at);
  return Math.max(0, end - start);
}

function progressLine(counts: Counts): string {
  const done = counts.byStatus.succeeded;
  const ratio = counts.total === 0 ? 0 : done / counts.total;
  const filled = Math.floor(ratio * BAR_WIDTH);
  const bar = `${'█'.repeat(filled)}${'░'.repeat(BAR_WIDTH - filled)}`;
  return `\`${bar}\` **${Math.floor(ratio * 100)}%** · ${done} of ${counts.total} tasks succeeded`;
}

function countsLine(counts: Counts): string {
  const parts = DISPLAY_ORDER.filter((s) => counts.byStatus[s] > 0).map(
    (s) => `${taskStatusLabel(s)}: ${counts.byStatus[s]}`,
  );
  return parts.length > 0 ? parts.join(' · ') : 'No tasks';
}

function title(
  run: RunRecord,
  status: CheckRunStatus,
  conclusion: CheckRunConclusion | undefined,
  counts: Counts,
): string {
  const { total, byStatus } = counts;
  const tasks = `${total} ${total === 1 ? 'task' : 'tasks'}`;
  let text: string;
  if (status === 'queued') text = `Queued: ${tasks}`;
  else if (status === 'in_progress') {
    text = `Running: ${byStatus.succeeded}/${total} succeeded, ${byStatus.running} running`;
    if (byStatus.failed > 0) text += `, ${byStatus.failed} failed`;
  } else if (conclusion === 'success') text = `Succeeded: ${tasks}`;
  else if (conclusion === 'cancelled') text = `Cancelled: ${byStatus.succeeded}/${total} succeeded`;
  else if (conclusion === 'action_required') {
    text =
      run.status === 'budget_exceeded'
        ? `Needs attention: budget exceeded, ${byStatus.succeeded}/${total} succeeded`
        : `Needs attention: ${byStatus.failed} of ${tasks} failed`;
  } else text = `Failed: ${byStatus.failed} of ${tasks} failed`;
  return truncateText(text, CHECK_RUN_LIMITS.titleLength);
}

interface ErrorLine {
  at: number;
  text: string;
}

function recentErrors(run: RunRecord, ids: string[]): { lines: string[]; total: number } {
  const errors: ErrorLine[] = [];
  for (const id of ids) {
    const task = run.tasks[id] as RunTask;
    for (const a of task.attempts) {
      if (a.outcome !== 'failed' && a.error_class === null) continue;
      const at = Date.parse(a.finished_at ?? a.started_at ?? run.started_at);
      const cls = a.error_class ?? 'unclassified';
      const message = a.message === null ? '' : `: ${escapeMarkdown(a.message, MESSAGE_LENGTH)}`;
      errors.push({
        at: Number.isNaN(at) ? 0 : at,
        text: `- **${cls}** in ${escapeMarkdown(id, 40)} ${escapeMarkdown(task.title, 60)} (attempt ${a.n})${message}`,
      });
    }
  }
  // Stable sort: equal times keep task ID order.
  errors.sort((x, y) => x.at - y.at);
  return { lines: errors.slice(-RECENT_ERRORS).map((e) => e.text), total: errors.length };
}

function needsHumanLine(run: RunRecord, ids: string[]): string | null {
  const blocked = ids.filter((id) => {
    const task = run.tasks[id] as RunTask;
    const cls = task.status === 'failed' ? failureClass(task) : null;
    return cls !== null && NEEDS_HUMAN.has(cls);
  });
  if (run.status === 'budget_exceeded' && blocked.length === 0) {
    return '**Needs a human:** the run used up its budget; raise `budget_usd` and retry.';
  }
  if (blocked.length === 0) return null;
  const named = blocked.slice(0, 10).map((id) => {
    const cls = failureClass(run.tasks[id] as RunTask);
    return `${escapeMarkdown(id, 40)} (${cls})`;
  });
  const more = blocked.length > named.length ? ` and ${blocked.length - named.length} more` : '';
  return `**Needs a human:** ${named.join(', ')}${more} failed in a way a retry does not fix; check the credentials or the budget, then retry.`;
}

/** Joins blocks with blank lines, leaving out whole blocks from the end that would pass `max`. */
function joinWithin(blocks: string[], max: number): string {
  let out = '';
  for (const block of blocks) {
    const next = out === '' ? block : `${out}\n\n${block}`;
    if (next.length > max) break;
    out = next;
  }
  return out;
}

function renderSummary(
  run: RunRecord,
  options: RenderCheckRunOptions,
  counts: Counts,
  ids: string[],
): string {
  const cost = `**Cost:** ${formatUsd(run.cost_usd)}${run.budget_usd === null ? '' : ` of ${formatUsd(run.budget_usd)} budget`}`;
  const elapsed = `**Elapsed:** ${formatDuration(elapsedMs(run, options.now))}`;
  const blocks = [
    `**${escapeMarkdown(run.spec, 100)}** · run ${escapeMarkdown(run.id, 100)} · ${run.status.replace('_', ' ')}`,
    `${progressLine(counts)}\n\n${countsLine(counts)}\n\n${cost} · ${elapsed}`,
  ];
  const human = needsHumanLine(run, ids);
  if (human) blocks.push(human);
  if (run.message !== null && run.message.trim() !== '') {
    blocks.push(`> ${escapeMarkdown(run.message, MESSAGE_LENGTH * 2)}`);
  }
  const errors = recentErrors(run, ids);
  if (errors.total > 0) {
    const heading =
      errors.total > errors.lines.length
        ? `### Errors (the last ${errors.lines.length} of ${errors.total})`
        : `### Errors`;
    blocks.push(`${heading}\n\n${errors.lines.join('\n')}`);
  }
  return joinWithin(blocks, CHECK_RUN_LIMITS.outputLength);
}

function renderText(run: RunRecord, options: RenderCheckRunOptions): string {
  const max = CHECK_RUN_LIMITS.outputLength;
  const tableHead = '### Tasks\n\n';
  const timelineHead = '\n\n### Timeline\n\n';
  // The smallest timeline stand-in is a one-line note; keep room for it.
  const noteRoom = 200;
  const tableMax = max - tableHead.length - timelineHead.length - noteRoom;
  const table = renderTaskTable(run, {
    jobUrl: options.jobUrl,
    now: options.now,
    maxLength: tableMax,
    softMaxLength: tableMax - TIMELINE_SHARE,
  });
  const before = `${tableHead}${table.markdown}${timelineHead}`;
  const gantt = renderGantt(run, { now: options.now, maxLength: max - before.length });
  const text = `${before}${gantt.markdown}`;
  return text.length <= max ? text : `${tableHead}${table.markdown}`;
}

/**
 * The payload of the run's check run: title, summary (progress bar, counts, cost, elapsed time and
 * the latest errors) and text (the task table in ID order, then a Mermaid gantt of the attempts),
 * each within GitHub's 65,535 characters; status, conclusion and at most three actions.
 */
export function renderCheckRun(run: RunRecord, options: RenderCheckRunOptions): CheckRunPayload {
  const ids = Object.keys(run.tasks).sort(compareIds);
  const counts = countTasks(Object.values(run.tasks));
  const status = checkRunStatus(run);
  const conclusion = checkRunConclusion(run);
  const payload: CheckRunPayload = {
    title: title(run, status, conclusion, counts),
    summary: renderSummary(run, options, counts, ids),
    text: renderText(run, options),
    status,
    actions: checkRunActions(run),
  };
  if (conclusion !== undefined) payload.conclusion = conclusion;
  return payload;
}
