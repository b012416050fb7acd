import { isValidRefName } from './is-valid-ref-name.js';
import { SPEC_PLACEHOLDER, type QuantumwalaConfig } from './config-schema.js';

/** The branch a spec's work goes to: `workflow.work_branch` with `{spec}` replaced by the spec's name. */
export function workBranchFor(config: QuantumwalaConfig, specName: string): string {
  const branch = config.workflow.work_branch.replaceAll(SPEC_PLACEHOLDER, specName);
  if (!isValidRefName(branch)) {
    throw new Error(`spec name ${JSON.stringify(specName)} gives an invalid branch name: ${branch}`);
  }
  return branch;
}
