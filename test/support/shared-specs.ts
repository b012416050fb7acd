import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe } from 'vitest';
import { buildGraph } from '../../src/graph/build-graph.js';
import { planSpec, type SpecPlan } from '../../src/graph/plan-spec.js';
import type { GraphOptions } from '../../src/graph/task-graph.js';
import { fsSpecSource } from '../../src/spec/fs-spec-source.js';
import { loadSpec } from '../../src/spec/load-spec.js';
import { locateSpecs } from '../../src/spec/locate-specs.js';
import { resolveSpec } from '../../src/spec/resolve-spec.js';
import type { Spec } from '../../src/spec/types.js';

export const PROJECT_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/**
 * The corpus of real spec folders kept beside the repository (each subfolder is a repository root),
 * or where QUANTUMWALA_SPEC_CORPUS points.
 */
export const SHARED_SPECS = path.resolve(
  PROJECT_ROOT,
  process.env.QUANTUMWALA_SPEC_CORPUS ?? '../shared/specs',
);

/**
 * Corpus tests run wherever the corpus is. Without it they fail, unless the environment says the
 * corpus is knowingly absent (QUANTUMWALA_ALLOW_MISSING_CORPUS=1, as on GitHub's runners), and then
 * they are reported as skipped, never as passed.
 */
export const describeCorpus = ((): typeof describe | typeof describe.skip => {
  if (existsSync(SHARED_SPECS)) return describe;
  if (process.env.QUANTUMWALA_ALLOW_MISSING_CORPUS === '1') return describe.skip;
  throw new Error(
    `the spec corpus is missing: expected it at ${SHARED_SPECS} (../shared/specs beside the clone)`,
  );
})();

export const DEFAULT_OPTIONS: GraphOptions = { implicit: 'sequential', includeOptional: false };

export async function loadSharedSpec(repo: string, name: string): Promise<Spec> {
  const source = fsSpecSource(path.join(SHARED_SPECS, repo));
  const specs = locateSpecs(await source.listFiles());
  return loadSpec(source, resolveSpec(specs, name));
}

export async function planShared(
  repo: string,
  name: string,
  options: Partial<GraphOptions> = {},
): Promise<SpecPlan> {
  return planSpec(await loadSharedSpec(repo, name), { ...DEFAULT_OPTIONS, ...options });
}

export { buildGraph };
