import path from 'node:path';
import { loadConfig, type ConfigFlag, type QuantumwalaConfig } from '../config/index.js';
import { fsSpecSource, type SpecSource } from '../spec/fs-spec-source.js';
import { loadSpec } from '../spec/load-spec.js';
import { locateSpecs } from '../spec/locate-specs.js';
import { resolveSpec } from '../spec/resolve-spec.js';
import type { Spec, SpecLocation } from '../spec/types.js';

/** A local repository as the CLI sees it: its config, its spec files, and the specs found in them. */
export interface RepoContext {
  repoDir: string;
  config: QuantumwalaConfig;
  source: SpecSource;
  specs: SpecLocation[];
}

export async function openRepo(
  repoDir: string,
  env: NodeJS.ProcessEnv,
  flags: ConfigFlag[] = [],
): Promise<RepoContext> {
  const dir = path.resolve(repoDir);
  const config = await loadConfig({ repoDir: dir, env, flags });
  const source = fsSpecSource(dir, config.workflow.spec_globs);
  const specs = locateSpecs(await source.listFiles(), config.workflow.spec_globs);
  return { repoDir: dir, config, source, specs };
}

export async function openSpec(repo: RepoContext, name: string): Promise<Spec> {
  return loadSpec(repo.source, resolveSpec(repo.specs, name));
}
