import { errorMessage } from '../errors.js';
import { parse as parseYaml } from 'yaml';
import { ConfigError } from './config-error.js';
import { CONFIG_FILE, SETTINGS_FILE } from './config-files.js';
import type { ConfigFlag } from './config-flag.js';
import { configSchema, type QuantumwalaConfig } from './config-schema.js';
import { envSources } from './env-variables.js';
import { resolveAliases } from './resolve-aliases.js';
import {
  isPlainObject,
  isSettingKey,
  objectAt,
  validateSource,
  type ConfigObject,
} from './validate-source.js';

export interface ResolveConfigOptions {
  /** Contents of the YAML config file, if there is one. */
  yaml?: string;
  /** The YAML config file already parsed (the GitHub App gets it from Probot's `context.config`). */
  yamlValue?: unknown;
  /** The label errors give the YAML file (default `.quantumwala.yml`; the GitHub App passes its own path). */
  yamlSource?: string;
  /** Contents of `.claude/settings.local.json`, if there is one. */
  settingsJson?: string;
  /** The label errors give the settings file (default `.claude/settings.local.json`). */
  settingsSource?: string;
  /** Environment variables; only those in ENV_VARIABLES are read. */
  env?: Readonly<Record<string, string | undefined>>;
  /** Command-line settings, strongest last. */
  flags?: readonly ConfigFlag[];
}

interface Layer {
  source: string;
  values: ConfigObject;
}

/**
 * The config from the contents of its sources, weakest first: defaults, the YAML file, the settings file,
 * environment variables, flags. Each source is validated on its own (so an error names it), the sources are
 * deep-merged (arrays replace) and the result is parsed with `configSchema`. Throws ConfigError.
 */
export function resolveConfig(options: ResolveConfigOptions = {}): QuantumwalaConfig {
  const layers: Layer[] = [];
  const add = (source: string, raw: unknown) => {
    layers.push({ source, values: resolveAliases(validateSource(raw, source)) as ConfigObject });
  };
  if (options.yaml !== undefined) {
    const source = options.yamlSource ?? CONFIG_FILE;
    add(
      source,
      parseText(options.yaml, source, 'YAML', (text) => parseYaml(text) as unknown),
    );
  }
  if (options.yamlValue !== undefined && options.yamlValue !== null) {
    add(options.yamlSource ?? CONFIG_FILE, options.yamlValue);
  }
  if (options.settingsJson !== undefined) {
    const source = options.settingsSource ?? SETTINGS_FILE;
    add(
      source,
      parseText(options.settingsJson, source, 'JSON', (text) => JSON.parse(text) as unknown),
    );
  }
  for (const { source, raw } of envSources(options.env ?? {})) add(source, raw);
  for (const flag of options.flags ?? []) {
    if (!isSettingKey(flag.key))
      throw ConfigError.forValue(flag.key, flag.value, flag.source, 'unknown setting');
    add(flag.source, objectAt(flag.key, flag.value));
  }
  return mergeLayers(layers);
}

function parseText(text: string, source: string, format: string, parse: (text: string) => unknown): unknown {
  if (text.trim() === '') return undefined;
  try {
    return parse(text);
  } catch (err) {
    throw ConfigError.forSource(source, `not valid ${format}: ${errorMessage(err).trimEnd()}`);
  }
}

/** Deep merge: objects merge key by key, anything else (arrays included) from `over` replaces `base`. */
export function deepMerge(base: ConfigObject, over: ConfigObject): ConfigObject {
  const out: ConfigObject = { ...base };
  for (const [key, value] of Object.entries(over)) {
    const current = out[key];
    out[key] = isPlainObject(current) && isPlainObject(value) ? deepMerge(current, value) : value;
  }
  return out;
}

function mergeLayers(layers: Layer[]): QuantumwalaConfig {
  const merged = layers.reduce<ConfigObject>((acc, layer) => deepMerge(acc, layer.values), {});
  const result = configSchema.safeParse(merged);
  if (result.success) return result.data;
  // Every value was checked with its source; what is left is a required key no source gave
  // (a hook without a script). Blame the strongest source that set the nearest enclosing section.
  const issue = result.error.issues[0];
  const keyPath = (issue?.path ?? []).map(String);
  const key = keyPath.join('.');
  const source = blame(layers, keyPath);
  throw ConfigError.forValue(key, valueAt(merged, keyPath), source, issue?.message ?? 'invalid value');
}

function valueAt(obj: unknown, keyPath: string[]): unknown {
  return keyPath.reduce<unknown>((acc, part) => (isPlainObject(acc) ? acc[part] : undefined), obj);
}

function blame(layers: Layer[], keyPath: string[]): string {
  for (let depth = keyPath.length; depth > 0; depth--) {
    const prefix = keyPath.slice(0, depth);
    for (const layer of [...layers].reverse()) {
      if (valueAt(layer.values, prefix) !== undefined) return layer.source;
    }
  }
  return 'defaults';
}
