import { GITHUB_CONFIG_FILE, resolveConfig, type QuantumwalaConfig } from '../../src/config/index.js';

/**
 * The repository's config as the app sees it: `.github/quantumwala.yml` as Probot's `context.config`
 * read it (with `_extends` applied; null when the file is missing or only comments), merged over the
 * defaults through the shared schema. Throws ConfigError naming the
 * file, the key and the value.
 */
export function appConfig(raw: unknown): QuantumwalaConfig {
  return resolveConfig({ yamlValue: raw, yamlSource: GITHUB_CONFIG_FILE });
}
