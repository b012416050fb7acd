import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { benchAction } from './action-bench.js';
import { benchApp } from './app-bench.js';
import { benchEngine } from './engine-bench.js';
import { benchGraphs } from './graph-bench.js';
import { benchPrompts } from './prompt-bench.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const corpus = path.resolve(root, '../shared/specs');

/**
 * `npm run bench`: measurements, never assertions. Figures depend on the machine; the header says
 * which one they were taken on.
 */
async function main(): Promise<void> {
  const cpus = os.cpus();
  console.log(
    `quantumwala bench — node ${process.version}, ${cpus.length} × ${cpus[0]?.model ?? 'cpu'}, load ${os.loadavg()[0]?.toFixed(1)}`,
  );
  console.log('');
  console.log('Parse + plan, and the scheduler on 8 slots over random durations (log-uniform 1–30):');
  console.log(
    '  tasks   parse+plan   waves   critical path   makespan/lower bound (unit estimates | known durations)   makespan/wave-by-wave',
  );
  for (const r of benchGraphs([100, 1_000, 10_000])) {
    console.log(
      `  ${String(r.tasks).padStart(6)}   ${r.parsePlanMs.toFixed(1).padStart(8)} ms   ${String(r.waves).padStart(5)}   ` +
        `${String(r.criticalPathTasks).padStart(13)}   ${r.ratioToLowerBoundUnitEstimates.toFixed(3).padStart(20)} | ` +
        `${r.ratioToLowerBoundKnownDurations.toFixed(3).padEnd(33)}   ${r.ratioToWaves.toFixed(3).padStart(21)}`,
    );
  }
  console.log('');
  console.log(
    'Prompt size: only the context a task refers to, against the whole spec (tasks + requirements + design):',
  );
  console.log(
    '  spec                                                  tasks   spec chars   mean prompt   prompt/spec',
  );
  let weighted = 0;
  let count = 0;
  for (const r of await benchPrompts(corpus)) {
    console.log(
      `  ${r.spec.padEnd(52)} ${String(r.tasks).padStart(6)}   ${String(r.specChars).padStart(10)}   ${r.meanPromptChars.toFixed(0).padStart(11)}   ${r.ratio.toFixed(3).padStart(11)}`,
    );
    weighted += r.ratio * r.tasks;
    count += r.tasks;
  }
  console.log(
    `  mean over all ${count} tasks: a prompt is ${(weighted / count).toFixed(3)} of its whole spec`,
  );
  console.log('');
  const a = benchAction(root);
  console.log(
    `The action bundle: dist/index.js ${(a.bundleBytes / 1024 / 1024).toFixed(2)} MiB; cold start of ` +
      `\`node dist/index.js --version\` ${a.coldStartMs.toFixed(0)} ms (median of 9), against ` +
      `${a.nodeBaselineMs.toFixed(0)} ms for a bare \`node -e 0\` (${(a.coldStartMs / a.nodeBaselineMs).toFixed(2)}×)`,
  );
  console.log('');
  console.log(
    'The app deciding a dispatched run (one decision per job end; jobs succeed in dispatch order):',
  );
  console.log(
    '  tasks   slots   decisions   dispatches   mean decision   largest state.json   check run render (summary | text chars)',
  );
  for (const [n, slots] of [
    [100, 8],
    [500, 20],
    [2_000, 50],
  ] as const) {
    const r = benchApp(n, slots);
    console.log(
      `  ${String(r.tasks).padStart(5)}   ${String(r.maxConcurrent).padStart(5)}   ${String(r.decisions).padStart(9)}   ${String(r.dispatches).padStart(10)}   ` +
        `${r.meanDecisionMs.toFixed(2).padStart(10)} ms   ${(r.stateBytes / 1024).toFixed(0).padStart(14)} KiB   ` +
        `${r.renderMs.toFixed(1).padStart(8)} ms (${r.summaryChars} | ${r.textChars})`,
    );
  }
  console.log('');
  console.log(
    'Orchestration overhead (real claude CLI, scripted endpoint answering at once, one task at a time):',
  );
  const e = await benchEngine(6);
  console.log(
    `  ${e.tasks} bare sessions ${(e.cliOnlyMs / 1000).toFixed(2)} s · the same ${e.tasks} tasks through quantumwala run ${(e.engineMs / 1000).toFixed(2)} s · ` +
      `overhead ${e.overheadPerTaskMs.toFixed(0)} ms per task (worktree, prompt, commit, landing, state)`,
  );
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
