import { z } from 'zod';
import { ConfigError } from './config-error.js';
import { configObjectSchema } from './config-schema.js';

export type ConfigObject = Record<string, unknown>;

export function isPlainObject(value: unknown): value is ConfigObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The object schema inside `.optional()` / `.default()` / `.prefault()` wrappers, if there is one. */
function objectSchemaOf(schema: z.ZodType): z.ZodObject | undefined {
  let current: z.ZodType = schema;
  for (;;) {
    if (current instanceof z.ZodObject) return current;
    if (
      current instanceof z.ZodOptional ||
      current instanceof z.ZodDefault ||
      current instanceof z.ZodPrefault
    ) {
      current = current.unwrap() as z.ZodType;
    } else {
      return undefined;
    }
  }
}

function fieldOf(schema: z.ZodObject, key: string): z.ZodType | undefined {
  return Object.hasOwn(schema.shape, key) ? (schema.shape[key] as z.ZodType) : undefined;
}

/**
 * Checks the settings one source gives, key by key, and returns only the known ones (with leaf values as the
 * schema parses them, e.g. a log level in lowercase). Unknown keys and sections are ignored; a null section
 * counts as empty (YAML's `resources:` with nothing under it). Defaults are not filled in.
 */
export function validateSource(raw: unknown, source: string): ConfigObject {
  if (raw === undefined || raw === null) return {};
  if (!isPlainObject(raw)) throw ConfigError.forSource(source, 'expected an object at the top level');
  return walk(raw, configObjectSchema, [], source);
}

function walk(raw: ConfigObject, schema: z.ZodObject, at: string[], source: string): ConfigObject {
  const out: ConfigObject = {};
  for (const [key, value] of Object.entries(raw)) {
    const field = fieldOf(schema, key);
    if (field === undefined || value === undefined) continue;
    const keyPath = [...at, key];
    const section = objectSchemaOf(field);
    if (section) {
      if (value === null) continue;
      if (!isPlainObject(value))
        throw ConfigError.forValue(keyPath.join('.'), value, source, 'expected an object');
      out[key] = walk(value, section, keyPath, source);
    } else {
      const result = field.safeParse(value);
      if (!result.success) {
        const problem = result.error.issues[0]?.message ?? 'invalid value';
        throw ConfigError.forValue(keyPath.join('.'), value, source, problem);
      }
      out[key] = result.data;
    }
  }
  return out;
}

/** Whether `key` names a single setting (not a section) of the schema. */
export function isSettingKey(key: string): boolean {
  let schema: z.ZodObject | undefined = configObjectSchema;
  const parts = key.split('.');
  for (const [i, part] of parts.entries()) {
    const field: z.ZodType | undefined = schema ? fieldOf(schema, part) : undefined;
    if (field === undefined) return false;
    schema = objectSchemaOf(field);
    if (i === parts.length - 1) return schema === undefined;
  }
  return false;
}

/** `{a: {b: value}}` for the key `a.b`. */
export function objectAt(key: string, value: unknown): ConfigObject {
  return key.split('.').reduceRight<unknown>((inner, part) => ({ [part]: inner }), value) as ConfigObject;
}
