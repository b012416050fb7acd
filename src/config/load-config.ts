import { errorMessage } from '../errors.js';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { ConfigError } from './config-error.js';
import { CONFIG_FILE, SETTINGS_FILE } from './config-files.js';
import type { QuantumwalaConfig } from './config-schema.js';
import { resolveConfig, type ResolveConfigOptions } from './resolve-config.js';

export interface LoadConfigOptions {
  /** The repository root, where `.quantumwala.yml` and `.claude/settings.local.json` are looked for. */
  repoDir: string;
  env?: ResolveConfigOptions['env'];
  flags?: ResolveConfigOptions['flags'];
  /** The YAML files to look for, first found wins (default: `.quantumwala.yml`). */
  yamlFiles?: readonly string[];
}

/** The config of a local repository: its config files (each may be missing), `env` and `flags`. */
export async function loadConfig(options: LoadConfigOptions): Promise<QuantumwalaConfig> {
  let yaml: string | undefined;
  let yamlSource = CONFIG_FILE;
  for (const file of options.yamlFiles ?? [CONFIG_FILE]) {
    yaml = await readOptional(options.repoDir, file);
    yamlSource = file;
    if (yaml !== undefined) break;
  }
  const settingsJson = await readOptional(options.repoDir, SETTINGS_FILE);
  return resolveConfig({ yaml, yamlSource, settingsJson, env: options.env, flags: options.flags });
}

async function readOptional(repoDir: string, file: string): Promise<string | undefined> {
  try {
    return await readFile(path.join(repoDir, file), 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return undefined;
    throw ConfigError.forSource(file, `cannot read file: ${errorMessage(err)}`);
  }
}
