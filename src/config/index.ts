export { ConfigError, formatValue } from './config-error.js';
export { CONFIG_FILE, GITHUB_CONFIG_FILE, SETTINGS_FILE } from './config-files.js';
export type { ConfigFlag, ConfigKey, ConfigValue } from './config-flag.js';
export {
  configObjectSchema,
  configSchema,
  defaultConfig,
  DEFAULT_ALLOWED_TOOLS,
  SPEC_PLACEHOLDER,
  type QuantumwalaConfig,
} from './config-schema.js';
export { ENV_VARIABLES, parseEnvValue, type EnvValueType, type EnvVariable } from './env-variables.js';
export { graphOptions } from './graph-options.js';
export { isValidRefName } from './is-valid-ref-name.js';
export { loadConfig, type LoadConfigOptions } from './load-config.js';
export { CONFIG_ALIASES } from './resolve-aliases.js';
export { resolveConfig, type ResolveConfigOptions } from './resolve-config.js';
export { workBranchFor } from './work-branch-for.js';
