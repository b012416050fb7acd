import { planSpec } from '../../graph/plan-spec.js';
import { formatPlan, type PlanFormat } from '../format-plan.js';
import type { CliIo, CommonOptions } from '../io.js';
import { graphOptions } from '../../config/index.js';
import { openRepo, openSpec } from '../repo-context.js';

export async function planCommand(
  options: CommonOptions & { spec: string; format: PlanFormat },
  io: CliIo,
): Promise<number> {
  const repo = await openRepo(options.repoDir, options.env, options.flags);
  const spec = await openSpec(repo, options.spec);
  const plan = planSpec(spec, graphOptions(repo.config));
  io.stdout(formatPlan(plan, options.format));
  return 0;
}
