import os from 'node:os';
import { benchGraphs } from './graph-bench.js';

/**
 * `npm run bench`: measurements, never assertions. Figures depend on the machine; the header says
 * which one they were taken on.
 */
function main(): void {
  console.log(
    `quantumwala bench — node ${process.version}, ${os.cpus().length} × ${os.cpus()[0]?.model ?? 'cpu'}`,
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
}

main();
