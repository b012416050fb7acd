import { execFileSync } from 'node:child_process';
import { statSync } from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';

export interface ActionBenchResult {
  bundleBytes: number;
  coldStartMs: number;
  nodeBaselineMs: number;
}

function medianMs(run: () => void, times: number): number {
  const samples: number[] = [];
  for (let i = 0; i < times; i++) {
    const t0 = performance.now();
    run();
    samples.push(performance.now() - t0);
  }
  samples.sort((a, b) => a - b);
  return samples[Math.floor(samples.length / 2)] ?? 0;
}

/** The bundle's size, and the cold start of `node dist/index.js --version` against a bare `node -e 0`. */
export function benchAction(root: string, times = 9): ActionBenchResult {
  const bundle = path.join(root, 'dist/index.js');
  return {
    bundleBytes: statSync(bundle).size,
    coldStartMs: medianMs(() => execFileSync(process.execPath, [bundle, '--version']), times),
    nodeBaselineMs: medianMs(() => execFileSync(process.execPath, ['-e', '0']), times),
  };
}
