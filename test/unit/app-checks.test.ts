import { describe, expect, it } from 'vitest';
import { CHECK_RUN_LIMITS } from '../../app/checks/check-run-limits.js';
import { escapeGanttLabel } from '../../app/checks/escape-gantt-label.js';
import { escapeMarkdown } from '../../app/checks/escape-markdown.js';
import {
  checkRunActions,
  renderCheckRun,
  type CheckRunPayload,
  type RenderCheckRunOptions,
} from '../../app/checks/render-check-run.js';
import { truncateText } from '../../app/checks/truncate-text.js';
import {
  unifiedStateSchema,
  type AttemptRecord,
  type RunRecord,
  type RunTask,
} from '../../src/state/state-schema.js';
import { compareIds } from '../../src/util/compare-ids.js';

const BASE = Date.parse('2025-03-01T10:00:00.000Z');
/** An ISO time `minutes` after BASE. */
const at = (minutes: number): string => new Date(BASE + minutes * 60_000).toISOString();
const NOW = new Date(BASE + 90 * 60_000);
const MAX = CHECK_RUN_LIMITS.outputLength;

const runSchema = unifiedStateSchema.shape.runs.valueType;

function attempt(n: number, fields: Partial<AttemptRecord> = {}): AttemptRecord {
  return {
    n,
    started_at: at(n * 10),
    finished_at: at(n * 10 + 5),
    outcome: 'succeeded',
    error_class: null,
    message: null,
    session_id: `session-${n}`,
    turns: 7,
    cost_usd: 0.25,
    duration_ms: 5 * 60_000,
    model: 'claude-sonnet',
    agent: 'default',
    timeout_seconds: 1800,
    usage: { input_tokens: 100, output_tokens: 50 },
    permission_denials: [],
    commit: null,
    ...fields,
  };
}

const failed = (n: number, errorClass: AttemptRecord['error_class'] = 'agent_failure'): AttemptRecord =>
  attempt(n, { outcome: 'failed', error_class: errorClass, message: `attempt ${n} went wrong` });
const running = (n: number): AttemptRecord =>
  attempt(n, { finished_at: null, outcome: null, cost_usd: null, duration_ms: null, turns: null });

function task(fields: Partial<RunTask> = {}): RunTask {
  const status = fields.status ?? 'succeeded';
  const settled =
    status === 'succeeded' || status === 'failed' || status === 'not_run' || status === 'interrupted';
  const attempts =
    fields.attempts ?? (status === 'succeeded' ? [attempt(1)] : status === 'failed' ? [failed(1)] : []);
  const last = attempts[attempts.length - 1];
  return {
    title: 'A task',
    deps: [],
    agent: null,
    status,
    result: settled
      ? {
          at: at(60),
          status,
          error_class: status === 'failed' ? (last?.error_class ?? 'agent_failure') : null,
          message: status === 'failed' ? (last?.message ?? 'failed') : null,
          commit: status === 'succeeded' ? 'abc123' : null,
        }
      : null,
    dispatch: null,
    dispatch_count: 0,
    requeued_at: null,
    ...fields,
    attempts,
  };
}

/** A complete RunRecord, checked against the state schema so it is one the store could hold. */
function makeRun(tasks: Record<string, RunTask>, fields: Partial<RunRecord> = {}): RunRecord {
  const status = fields.status ?? 'succeeded';
  const run: RunRecord = {
    id: 'run-1',
    spec: 'checkout-flow',
    spec_dir: '.quantumwala/specs/checkout-flow',
    format: 'kiro',
    mode: 'github',
    status,
    started_at: at(0),
    finished_at: status === 'running' ? null : at(80),
    message: null,
    requested_by: 'octocat',
    work_branch: 'quantumwala/checkout-flow',
    max_concurrent: 4,
    budget_usd: 25,
    cost_usd: 1.5,
    peak_concurrent: 2,
    samples: { count: 3, peak_running: 2, peak_cpu_percent: 40, peak_memory_percent: 30 },
    tasks,
    github: null,
    dispatches: [],
    reopened_at: null,
    event_ids: ['e1'],
    ...fields,
  };
  return runSchema.parse(run);
}

const options: RenderCheckRunOptions = { now: NOW };

/** The table's body rows (lines starting with `|`, minus the header and separator). */
function tableRows(text: string): string[] {
  return text
    .split('\n')
    .filter((line) => line.startsWith('|'))
    .slice(2);
}

/** The cells of a table row, split on unescaped pipes. */
function cells(row: string): string[] {
  return row
    .split(/(?<!\\)\|/)
    .slice(1, -1)
    .map((c) => c.trim());
}

function mermaidBlocks(text: string): string[] {
  return [...text.matchAll(/```mermaid\n([\s\S]*?)\n```/g)].map((m) => m[1] ?? '');
}

function expectWithinLimits(payload: CheckRunPayload): void {
  expect(payload.title.length).toBeLessThanOrEqual(CHECK_RUN_LIMITS.titleLength);
  expect(payload.summary.length).toBeLessThanOrEqual(MAX);
  expect(payload.text.length).toBeLessThanOrEqual(MAX);
  expect(payload.actions.length).toBeLessThanOrEqual(3);
  for (const action of payload.actions) {
    expect(action.label.length).toBeLessThanOrEqual(20);
    expect(action.description.length).toBeLessThanOrEqual(40);
    expect(action.identifier.length).toBeLessThanOrEqual(20);
  }
  // Every table row is whole: seven cells, closed by a pipe.
  for (const row of tableRows(payload.text)) {
    expect(cells(row)).toHaveLength(7);
    expect(row.endsWith('|')).toBe(true);
  }
  // Every mermaid block that opens also closes.
  expect(payload.text.split('```mermaid').length - 1).toBe(mermaidBlocks(payload.text).length);
}

describe('renderCheckRun: status and conclusion', () => {
  it('is queued until an attempt starts, with a Cancel action', () => {
    const run = makeRun(
      { '1': task({ status: 'pending' }), '2': task({ status: 'pending' }) },
      { status: 'running' },
    );
    const out = renderCheckRun(run, options);
    expect(out.status).toBe('queued');
    expect(out.conclusion).toBeUndefined();
    expect('conclusion' in out).toBe(false);
    expect(out.title).toBe('Queued: 2 tasks');
    expect(out.actions).toEqual([
      { label: 'Cancel run', description: expect.any(String), identifier: 'cancel' },
    ]);
    expect(out.text).toContain('No attempt has started yet');
    expectWithinLimits(out);
  });

  it('is in progress once an attempt started, and has no conclusion', () => {
    const run = makeRun(
      {
        '1': task({ status: 'succeeded' }),
        '2': task({ status: 'running', attempts: [running(1)] }),
        '3': task({ status: 'pending' }),
      },
      { status: 'running' },
    );
    const out = renderCheckRun(run, options);
    expect(out.status).toBe('in_progress');
    expect(out.conclusion).toBeUndefined();
    expect(out.title).toBe('Running: 1/3 succeeded, 1 running');
    expect(out.actions.map((a) => a.identifier)).toEqual(['cancel']);
    expectWithinLimits(out);
  });

  it('succeeds when every task succeeded, with no actions', () => {
    const run = makeRun({ '1': task(), '2': task() });
    const out = renderCheckRun(run, options);
    expect(out).toMatchObject({ status: 'completed', conclusion: 'success', title: 'Succeeded: 2 tasks' });
    expect(out.actions).toEqual([]);
  });

  it('fails when a task failed (its dependants not run), offering Retry failed', () => {
    const run = makeRun(
      {
        '1': task(),
        '2': task({ status: 'failed', attempts: [failed(1), failed(2, 'timeout')] }),
        '3': task({ status: 'not_run', deps: ['2'] }),
      },
      { status: 'failed' },
    );
    const out = renderCheckRun(run, options);
    expect(out).toMatchObject({
      status: 'completed',
      conclusion: 'failure',
      title: 'Failed: 1 of 3 tasks failed',
    });
    expect(out.actions).toEqual([
      { label: 'Retry failed', description: expect.any(String), identifier: 'retry_failed' },
    ]);
  });

  it('fails when only not_run tasks are left after a failed run', () => {
    const run = makeRun({ '1': task(), '2': task({ status: 'not_run' }) }, { status: 'failed' });
    expect(renderCheckRun(run, options).conclusion).toBe('failure');
  });

  it('is cancelled when the run was cancelled or interrupted', () => {
    for (const status of ['cancelled', 'interrupted'] as const) {
      const run = makeRun(
        {
          '1': task(),
          '2': task({ status: 'interrupted', attempts: [attempt(1, { outcome: 'interrupted' })] }),
        },
        { status },
      );
      const out = renderCheckRun(run, options);
      expect(out).toMatchObject({ status: 'completed', conclusion: 'cancelled' });
      expect(out.actions.map((a) => a.identifier)).toEqual(['retry_failed']);
    }
  });

  it('requires action when a task failed with auth_error or budget_exceeded, or the budget ran out', () => {
    for (const cls of ['auth_error', 'budget_exceeded'] as const) {
      const run = makeRun(
        { '1': task(), '2': task({ status: 'failed', attempts: [failed(1, cls)] }) },
        { status: 'failed' },
      );
      const out = renderCheckRun(run, options);
      expect(out.conclusion).toBe('action_required');
      expect(out.summary).toContain('**Needs a human:**');
      expect(out.summary).toContain(`(${cls})`);
    }
    const broke = makeRun({ '1': task(), '2': task({ status: 'not_run' }) }, { status: 'budget_exceeded' });
    const out = renderCheckRun(broke, options);
    expect(out.conclusion).toBe('action_required');
    expect(out.title).toContain('budget exceeded');
  });
});

describe('renderCheckRun: summary', () => {
  it('has a progress bar, percent, counts, cost, elapsed time and the last few errors with their class', () => {
    const tasks: Record<string, RunTask> = {
      '1': task(),
      '2': task({ status: 'running', attempts: [failed(1, 'rate_limited'), running(2)] }),
      '3': task({ status: 'pending' }),
      '4': task({ status: 'pending' }),
    };
    for (let i = 5; i <= 10; i++)
      tasks[String(i)] = task({ status: 'failed', attempts: [failed(1, 'timeout')] });
    const run = makeRun(tasks, { status: 'running', cost_usd: 3.456, budget_usd: 20 });
    const out = renderCheckRun(run, options);
    // 1 of 10 succeeded: 10%, two of twenty cells filled.
    expect(out.summary).toContain('`██░░░░░░░░░░░░░░░░░░` **10%** · 1 of 10 tasks succeeded');
    expect(out.summary).toContain('✅ succeeded: 1 · ❌ failed: 6 · 🔄 running: 1 · ⏳ pending: 2');
    expect(out.summary).toContain('**Cost:** $3.46 of $20.00 budget');
    expect(out.summary).toContain('**Elapsed:** 1h 30m');
    expect(out.summary).toContain('### Errors (the last 5 of 7)');
    expect(out.summary.match(/^- \*\*timeout\*\*/gm)).toHaveLength(5);
    expect(out.summary).not.toContain('rate_limited'); // the oldest error is not among the last five
  });

  it('escapes the run message and error messages', () => {
    const run = makeRun(
      {
        '1': task({
          status: 'failed',
          attempts: [
            attempt(1, { outcome: 'failed', error_class: 'hook_failed', message: '<img src=x>\n| oops `x`' }),
          ],
        }),
      },
      { status: 'failed', message: 'stopped\n# not a heading <b>' },
    );
    const out = renderCheckRun(run, options);
    expect(out.summary).toContain('> stopped # not a heading &lt;b&gt;');
    expect(out.summary).toContain('**hook_failed**');
    expect(out.summary).toContain('&lt;img src=x&gt; \\| oops \\`x\\`');
    expect(out.summary).not.toMatch(/<img|<b>/);
  });
});

describe('renderCheckRun: task table', () => {
  it('lists tasks in task ID order (2 < 2.1 < 10)', () => {
    const run = makeRun({
      '10': task(),
      '2.1': task(),
      '2': task(),
      '1': task(),
      '2.10': task(),
      '2.2': task(),
    });
    const ids = tableRows(renderCheckRun(run, options).text).map((row) => cells(row)[0]);
    expect(ids).toEqual(['1', '2', '2.1', '2.2', '2.10', '10']);
  });

  it('shows status with emoji, attempts, duration, cost and the job link', () => {
    const run = makeRun(
      { '1': task(), '2': task({ status: 'failed', attempts: [failed(1), failed(2, 'timeout')] }) },
      { status: 'failed' },
    );
    const out = renderCheckRun(run, {
      now: NOW,
      jobUrl: (id) => (id === '1' ? 'https://github.com/o/r/actions/runs/1/job/2' : undefined),
    });
    const [one, two] = tableRows(out.text).map(cells);
    expect(one).toEqual([
      '1',
      'A task',
      '✅ succeeded',
      '1',
      '5m 00s',
      '$0.25',
      '[job](https://github.com/o/r/actions/runs/1/job/2)',
    ]);
    expect(two).toEqual(['2', 'A task', '❌ failed (timeout)', '2', '10m 00s', '$0.50', '—']);
  });

  it('links only http(s) job URLs, encoded so they cannot leave the cell', () => {
    const run = makeRun({ '1': task(), '2': task(), '3': task() });
    const urls: Record<string, string> = {
      '1': 'javascript:alert(1)',
      '2': 'https://example.com/a)b|c d',
      '3': 'not a url',
    };
    const rows = tableRows(renderCheckRun(run, { now: NOW, jobUrl: (id) => urls[id] }).text).map(cells);
    expect(rows.map((r) => r[6])).toEqual(['—', '[job](https://example.com/a%29b%7Cc%20d)', '—']);
  });

  it('escapes hostile titles', () => {
    const titles = [
      'a|b',
      'run `rm -rf /` now',
      '<script>alert(1)</script>',
      'line one\nline two\r\n| x |',
      'x: y # z; w',
    ];
    const tasks = Object.fromEntries(titles.map((title, i) => [String(i + 1), task({ title })]));
    const out = renderCheckRun(makeRun(tasks), options);
    const rows = tableRows(out.text);
    expect(rows).toHaveLength(titles.length);
    expect(rows.map((r) => cells(r)[1])).toEqual([
      'a\\|b',
      'run \\`rm -rf /\\` now',
      '&lt;script&gt;alert(1)&lt;/script&gt;',
      'line one line two \\| x \\|',
      'x: y # z; w',
    ]);
    expect(out.text).not.toContain('<script>');
    expectWithinLimits(out);
  });

  it('truncates long titles', () => {
    const out = renderCheckRun(makeRun({ '1': task({ title: 'x'.repeat(500) }) }), options);
    const title = cells(tableRows(out.text)[0] ?? '')[1] ?? '';
    expect(title.length).toBeLessThanOrEqual(100);
    expect(title.endsWith('…')).toBe(true);
  });
});

describe('renderCheckRun: timeline', () => {
  it('draws a mermaid gantt of the attempts, one section per task group, epoch milliseconds', () => {
    const run = makeRun(
      {
        '1': task({ title: 'Setup' }),
        '1.1': task({ status: 'failed', attempts: [failed(1), failed(2)] }),
        '2.1': task({ status: 'running', attempts: [running(1)] }),
        '2.2': task({ status: 'pending' }),
      },
      { status: 'running' },
    );
    const [block] = mermaidBlocks(renderCheckRun(run, options).text);
    const lines = (block ?? '').split('\n');
    expect(lines.slice(0, 3)).toEqual(['gantt', '    dateFormat x', '    axisFormat %H:%M']);
    expect(lines.filter((l) => l.trim().startsWith('section ')).map((l) => l.trim())).toEqual([
      'section 1 Setup',
      'section Group 2',
    ]);
    const start = Date.parse(at(10));
    expect(lines).toContain(`    1 Setup :done, ${start}, ${start + 5 * 60_000}`);
    expect(lines).toContain(`    1.1 A task (attempt 2) :crit, ${Date.parse(at(20))}, ${Date.parse(at(25))}`);
    expect(lines).toContain(`    2.1 A task :active, ${start}, ${NOW.getTime()}`);
    expect(lines.some((l) => l.includes('2.2'))).toBe(false); // never started
  });

  it('escapes : # ; and other characters that break gantt syntax in labels', () => {
    const titles = ['x: y # z; w', '%% comment', 'a`b`<c>', 'multi\nline', 'section Evil'];
    const tasks = Object.fromEntries(titles.map((title, i) => [`T${i + 1}`, task({ title })]));
    const [block] = mermaidBlocks(renderCheckRun(makeRun(tasks), options).text);
    const taskLines = (block ?? '').split('\n').slice(4);
    expect(taskLines).toHaveLength(titles.length);
    for (const line of taskLines) {
      const [label, data] = line.split(':');
      expect(line.split(':')).toHaveLength(2);
      expect(label).not.toMatch(/[#;%`<>]/);
      expect(data).toMatch(/^done, \d+, \d+$/);
    }
    expect(escapeGanttLabel('x: y # z; w')).toBe('x∶ y ＃ z； w');
    expect(escapeGanttLabel('section Evil')).toBe('\u200bsection Evil');
    expect(escapeGanttLabel('\n')).toBe('(untitled)');
  });
});

describe('renderCheckRun: large runs', () => {
  const hostile = 'Implement | the `checkout` <flow>: step # with; a very long title '.repeat(6);
  function bigRun(count: number, failedEvery: number): RunRecord {
    const tasks: Record<string, RunTask> = {};
    for (let i = 1; i <= count; i++) {
      const id = `${Math.ceil(i / 10)}.${((i - 1) % 10) + 1}`;
      const status = i % failedEvery === 0 ? 'failed' : i % 50 === 1 ? 'running' : 'succeeded';
      const attempts =
        status === 'failed'
          ? [failed(1), failed(2), failed(3, 'max_turns')]
          : status === 'running'
            ? [failed(1), failed(2), running(3)]
            : [failed(1), failed(2), attempt(3)];
      tasks[id] = task({ title: `${hostile} ${i}`, status, attempts });
    }
    return makeRun(tasks, { status: 'running' });
  }
  const jobUrl = (id: string): string =>
    `https://github.com/acme/widgets/actions/runs/12345678901/job/${id.replace('.', '')}0000000`;

  it('keeps a 500-task run with 3 attempts each within 65,535 characters, listing every failed task', () => {
    const run = bigRun(500, 7);
    const out = renderCheckRun(run, { now: NOW, jobUrl });
    expectWithinLimits(out);
    const listed = new Set(tableRows(out.text).map((row) => cells(row)[0]));
    const failedIds = Object.entries(run.tasks)
      .filter(([, t]) => t.status === 'failed')
      .map(([id]) => id);
    const runningIds = Object.entries(run.tasks)
      .filter(([, t]) => t.status === 'running')
      .map(([id]) => id);
    expect(failedIds.length).toBe(71);
    for (const id of [...failedIds, ...runningIds]) expect(listed.has(id)).toBe(true);
    expect(listed.size).toBeLessThan(500);
    expect(out.text).toMatch(new RegExp(`… and ${500 - listed.size} more tasks \\(\\d+ succeeded\\)`));
    // The table stays in task ID order.
    const order = tableRows(out.text).map((row) => cells(row)[0] ?? '');
    expect(order).toEqual([...order].sort(compareIds));
    expect(out.summary).toContain('### Errors (the last 5 of 1071)');
  });

  it('shows a timeline for the first tasks only, with a note, and never cuts the block', () => {
    const out = renderCheckRun(bigRun(500, 7), { now: NOW, jobUrl });
    const blocks = mermaidBlocks(out.text);
    if (blocks.length === 1) {
      expect(out.text).toMatch(/The timeline shows the first \d+ of 500 started tasks/);
      expect(out.text.trimEnd().endsWith('tasks (in ID order)._')).toBe(true);
    } else {
      expect(out.text).toContain('does not fit here');
    }
    expectWithinLimits(out);
  });

  it('names failed tasks by ID when even their rows do not fit', () => {
    const run = bigRun(1500, 1);
    const out = renderCheckRun(run, { now: NOW, jobUrl });
    expectWithinLimits(out);
    const listed = new Set(tableRows(out.text).map((row) => cells(row)[0]));
    expect(listed.size).toBeGreaterThan(0);
    expect(listed.size).toBeLessThan(1500);
    const note = out.text.split('Failed, interrupted or running but not in the table: ')[1] ?? '';
    const named = new Set(note.replace(/\.\s[\s\S]*$|\.$/, '').split(', '));
    for (const id of Object.keys(run.tasks)) expect(listed.has(id) || named.has(id)).toBe(true);
  });
});

describe('actions', () => {
  it('never offers more than three, each within GitHub limits', () => {
    const runs = [
      makeRun({ '1': task({ status: 'pending' }) }, { status: 'running' }),
      makeRun({ '1': task({ status: 'failed' }) }, { status: 'failed' }),
      makeRun({ '1': task({ status: 'failed', attempts: [failed(1, 'auth_error')] }) }, { status: 'failed' }),
      makeRun({ '1': task() }),
    ];
    for (const run of runs) {
      const actions = checkRunActions(run);
      expect(actions.length).toBeLessThanOrEqual(3);
      for (const a of actions) {
        expect(a.label.length).toBeLessThanOrEqual(20);
        expect(a.description.length).toBeLessThanOrEqual(40);
        expect(a.identifier.length).toBeLessThanOrEqual(20);
      }
    }
    expect(runs.map((r) => checkRunActions(r).map((a) => a.identifier))).toEqual([
      ['cancel'],
      ['retry_failed'],
      ['retry_failed'],
      [],
    ]);
  });
});

describe('helpers', () => {
  it('truncates by code points without splitting a surrogate pair', () => {
    expect(truncateText('😀😀😀😀', 3)).toBe('😀😀…');
    expect(truncateText('abc', 3)).toBe('abc');
    expect(truncateText('abc', 0)).toBe('');
  });

  it('escapes markdown after truncating, so an escape is never cut', () => {
    expect(escapeMarkdown('||||', 3)).toBe('\\|\\|…');
    expect(escapeMarkdown('a & b\\c *d* _e_ [f] ~g~')).toBe('a &amp; b\\\\c \\*d\\* \\_e\\_ \\[f\\] \\~g\\~');
  });
});
