import { runSpec } from '../../engine/run-spec.js';
import type { RunResult } from '../../engine/run-loop.js';
import { formatTable } from '../format-table.js';
import type { CliIo, CommonOptions } from '../io.js';
import { lineProgress, ttyProgress, type ProgressView } from '../progress-view.js';

export interface RunCommandOptions extends CommonOptions {
  spec: string;
  only?: string[];
  dryRun: boolean;
  signal: AbortSignal;
  /** A terminal to draw the live view on; plain lines otherwise. */
  tty?: NodeJS.WriteStream;
}

function summaryTable(result: RunResult): string {
  const rows = [['TASK', 'STATUS', 'ATTEMPTS', 'TIME', 'COST', 'ERROR']];
  for (const t of result.tasks) {
    rows.push([
      t.id,
      t.status,
      String(t.attempts),
      `${(t.durationMs / 1000).toFixed(1)}s`,
      `$${t.costUsd.toFixed(4)}`,
      t.errorClass ?? '',
    ]);
  }
  return formatTable(rows);
}

/** `quantumwala run`: exit 0 when every scheduled task succeeded, 1 otherwise. */
export async function runCommand(options: RunCommandOptions, io: CliIo): Promise<number> {
  const view: ProgressView = options.tty ? ttyProgress(options.tty) : lineProgress((l) => io.stdout(l));
  let out;
  try {
    out = await runSpec({
      repoDir: options.repoDir,
      spec: options.spec,
      env: options.env,
      flags: options.flags,
      ...(options.only ? { only: options.only } : {}),
      dryRun: options.dryRun,
      signal: options.signal,
      onEvent: (e) => view.onEvent(e),
      onWarning: (m) => io.stderr(m),
    });
  } finally {
    view.close();
  }
  if (out.result === null) {
    io.stdout(
      `dry run: would run ${out.selected.length} task(s) of ${out.plan.spec.location.name} on ${out.workBranch}`,
    );
    out.plan.waves.forEach((w, i) => {
      const picked = w.filter((id) => out.selected.includes(id));
      if (picked.length > 0) io.stdout(`  wave ${i + 1}: ${picked.join(', ')}`);
    });
    return 0;
  }
  io.stdout('');
  io.stdout(summaryTable(out.result));
  io.stdout('');
  io.stdout(`run ${out.runId} ${out.result.status}: ${out.result.message}`);
  io.stdout(
    `work branch: ${out.workBranch} · state: ${out.config.workflow.state_branch} · details: quantumwala status ${out.plan.spec.location.name}`,
  );
  return out.result.status === 'succeeded' ? 0 : 1;
}
