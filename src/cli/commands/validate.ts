import { formatDiagnostic, UserError } from '../../errors.js';
import { planSpec } from '../../graph/plan-spec.js';
import { resolveSpec } from '../../spec/resolve-spec.js';
import { loadSpec } from '../../spec/load-spec.js';
import type { CliIo, CommonOptions } from '../io.js';
import { graphOptions } from '../../config/index.js';
import { openRepo } from '../repo-context.js';

/** Checks specs; prints every error and warning. Exit 1 when any spec has an error. */
export async function validateCommand(
  options: CommonOptions & { specs: string[] },
  io: CliIo,
): Promise<number> {
  const repo = await openRepo(options.repoDir, options.env, options.flags);
  const targets =
    options.specs.length > 0 ? options.specs.map((n) => resolveSpec(repo.specs, n)) : repo.specs;
  if (targets.length === 0) {
    io.stderr('quantumwala: no specs found to validate');
    return 1;
  }
  let failed = 0;
  for (const location of targets) {
    try {
      const plan = planSpec(await loadSpec(repo.source, location), graphOptions(repo.config));
      const units = plan.graph.units;
      io.stdout(
        `ok ${location.name} (${location.dir}): ${units.length} tasks, ${plan.waves.length} waves, ` +
          `${units.filter((u) => u.scheduled).length} to run`,
      );
      for (const w of plan.warnings) io.stdout(`  warning: ${formatDiagnostic(w)}`);
    } catch (err) {
      if (!(err instanceof UserError)) throw err;
      failed++;
      io.stdout(`FAIL ${location.name} (${location.dir})`);
      for (const line of err.message.split('\n')) io.stdout(`  error: ${line}`);
    }
  }
  io.stdout(`${targets.length - failed} of ${targets.length} specs valid`);
  return failed > 0 ? 1 : 0;
}
