import path from 'node:path';
import { loadConfig } from '../../config/index.js';
import { UserError } from '../../errors.js';
import { runGit } from '../../git/index.js';
import { createGitStateStore } from '../../state/git-state-store.js';
import type { RunRecord, UnifiedState } from '../../state/state-schema.js';
import { compareIds } from '../../util/compare-ids.js';
import { formatTable } from '../format-table.js';
import type { CliIo, CommonOptions } from '../io.js';

export interface StatusOptions extends CommonOptions {
  spec?: string;
  format: 'text' | 'json';
}

function latestRun(state: UnifiedState, spec: string): RunRecord | undefined {
  return Object.values(state.runs)
    .filter((r) => r.spec === spec)
    .sort((a, b) => a.started_at.localeCompare(b.started_at))
    .at(-1);
}

function runText(run: RunRecord): string {
  const rows = [['TASK', 'STATUS', 'ATTEMPTS', 'DURATION', 'COST', 'ERROR CLASS', 'TITLE']];
  let total = 0;
  for (const [id, t] of Object.entries(run.tasks).sort(([a], [b]) => compareIds(a, b))) {
    const duration = t.attempts.reduce((sum, a) => sum + (a.duration_ms ?? 0), 0);
    const cost = t.attempts.reduce((sum, a) => sum + (a.cost_usd ?? 0), 0);
    total += duration;
    const last = t.attempts.at(-1);
    rows.push([
      id,
      t.status,
      String(t.attempts.length),
      `${(duration / 1000).toFixed(1)}s`,
      `$${cost.toFixed(4)}`,
      t.result?.error_class ?? last?.error_class ?? '',
      t.title,
    ]);
  }
  const counts = new Map<string, number>();
  for (const t of Object.values(run.tasks)) counts.set(t.status, (counts.get(t.status) ?? 0) + 1);
  return [
    `run ${run.id} · ${run.spec} · ${run.status} · started ${run.started_at}${run.finished_at ? ` · finished ${run.finished_at}` : ''}`,
    `work branch ${run.work_branch} · up to ${run.max_concurrent} at once (peak ${run.peak_concurrent}) · cost $${run.cost_usd.toFixed(4)}`,
    '',
    formatTable(rows),
    '',
    `totals: ${[...counts].map(([s, n]) => `${n} ${s}`).join(', ')} · ${(total / 1000).toFixed(1)}s of sessions · $${run.cost_usd.toFixed(4)}`,
    ...(run.message ? [`${run.message}`] : []),
  ].join('\n');
}

/** `quantumwala status [spec]`: what the state branch says about a spec's latest run, or all specs. */
export async function statusCommand(options: StatusOptions, io: CliIo): Promise<number> {
  const repoDir = path.resolve(options.repoDir);
  const root = await runGit(['rev-parse', '--show-toplevel'], { cwd: repoDir, allowFail: true });
  if (root.exitCode !== 0) throw new UserError(`${repoDir} is not inside a git repository`);
  const config = await loadConfig({ repoDir: root.stdout.trim(), env: options.env, flags: options.flags });
  const branch = config.workflow.state_branch;
  const exists = await runGit(['rev-parse', '--verify', '--quiet', `refs/heads/${branch}`], {
    cwd: repoDir,
    allowFail: true,
  });
  if (exists.exitCode !== 0) {
    if (options.format === 'json') io.stdout('null');
    else io.stdout(`No runs yet: the state branch ${branch} does not exist.`);
    return 0;
  }
  const { state } = await createGitStateStore({
    repoDir: root.stdout.trim(),
    branch,
    onWarning: (m) => io.stderr(m),
  }).read();

  if (options.spec !== undefined) {
    const run = latestRun(state, options.spec);
    if (!run) throw new UserError(`no runs of spec "${options.spec}" on ${branch}`);
    if (options.format === 'json') {
      io.stdout(JSON.stringify({ spec: state.specifications[options.spec] ?? null, run }, null, 2));
    } else {
      io.stdout(runText(run));
    }
    return 0;
  }
  if (options.format === 'json') {
    io.stdout(JSON.stringify(state, null, 2));
    return 0;
  }
  const rows = [['SPEC', 'DONE', 'FAILED', 'PENDING', 'LAST RUN', 'STATUS', 'COST']];
  for (const [name, spec] of Object.entries(state.specifications)) {
    const run = latestRun(state, name);
    rows.push([
      name,
      `${spec.progress.succeeded}/${spec.progress.total}`,
      String(spec.progress.failed),
      String(spec.progress.pending),
      run?.id ?? '',
      run?.status ?? '',
      `$${(run?.cost_usd ?? 0).toFixed(4)}`,
    ]);
  }
  io.stdout(rows.length > 1 ? formatTable(rows) : 'No runs yet.');
  return 0;
}
