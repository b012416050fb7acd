import { compareRuns } from '../../src/state/derive-state.js';
import type { RunRecord, UnifiedState } from '../../src/state/state-schema.js';

/** The app's newest run of a spec (the running one if there is one), or undefined. */
export function latestRunOf(state: UnifiedState, spec: string): RunRecord | undefined {
  const runs = Object.values(state.runs)
    .filter(
      (r) =>
        r.mode === 'github' &&
        r.github &&
        (r.spec === spec || r.spec_dir === spec || r.spec_dir.endsWith(`/${spec}`)),
    )
    .sort(compareRuns);
  return runs.filter((r) => r.status === 'running').at(-1) ?? runs.at(-1);
}
