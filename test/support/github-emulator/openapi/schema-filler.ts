/**
 * Completes a response the emulator built with the fields GitHub's schema requires but the
 * emulator doesn't model: every missing required property gets a plausible value (null where
 * the schema allows it, a URL for `uri`, a timestamp for `date-time`, the first enum member…).
 * Values the emulator set are kept as they are, so validation still catches its mistakes.
 */
import { deref, isJson, type Json, type SpecDocument } from './spec-document.js';

export interface FillContext {
  doc: SpecDocument;
  /** Base for generated URLs. */
  baseUrl: string;
  now: string;
}

const MAX_DEPTH = 14;

function typeOf(schema: Json): string | undefined {
  if (typeof schema.type === 'string') return schema.type;
  if (isJson(schema.properties) || Array.isArray(schema.required)) return 'object';
  return undefined;
}

function matches(schema: unknown, value: unknown, ctx: FillContext): boolean {
  const s = deref(ctx.doc, schema);
  if (!isJson(s)) return true;
  const t = typeOf(s);
  if (value === null) return s.nullable === true;
  if (t === undefined) return true;
  if (t === 'integer') return Number.isInteger(value);
  if (t === 'array') return Array.isArray(value);
  if (t === 'object') return isJson(value);
  return typeof value === t;
}

function scalar(s: Json, name: string, ctx: FillContext): unknown {
  if (Array.isArray(s.enum) && s.enum.length > 0) return s.enum.find((v) => v !== null) ?? null;
  const type = typeOf(s);
  if (type === 'integer' || type === 'number') return typeof s.minimum === 'number' ? s.minimum : 1;
  if (type === 'boolean') return false;
  if (type === 'array') return [];
  if (s.format === 'date-time') return ctx.now;
  if (s.format === 'uri' || name.endsWith('_url') || name === 'url')
    return `${ctx.baseUrl}/_emulator/${name}`;
  if (s.format === 'email') return 'octocat@users.noreply.github.com';
  if (typeof s.minLength === 'number' && s.minLength >= 40) return '0'.repeat(s.minLength);
  if (name === 'sha') return '0'.repeat(40);
  return name;
}

/** `value` with whatever `schema` requires and `value` lacks filled in. */
export function fillFromSchema(
  schema: unknown,
  value: unknown,
  ctx: FillContext,
  name = '',
  depth = 0,
): unknown {
  const s = deref(ctx.doc, schema);
  if (!isJson(s) || depth > MAX_DEPTH) return value;
  if (value === undefined && s.nullable === true) return null;
  if (value === null) return null;
  if (Array.isArray(s.allOf)) {
    return s.allOf.reduce<unknown>((acc, part) => fillFromSchema(part, acc, ctx, name, depth + 1), value);
  }
  const choices = Array.isArray(s.oneOf) ? s.oneOf : Array.isArray(s.anyOf) ? s.anyOf : undefined;
  if (choices) {
    const nullable = choices.some((c) => {
      const d = deref(ctx.doc, c);
      return isJson(d) && d.nullable === true;
    });
    if (value === undefined && nullable) return null;
    const branch = choices.find((c) => value !== undefined && matches(c, value, ctx)) ?? choices[0];
    return fillFromSchema(branch, value, ctx, name, depth + 1);
  }
  const type = typeOf(s);
  if (type === 'object') {
    if (value !== undefined && !isJson(value)) return value;
    const out: Json = { ...(value ?? {}) };
    const props = isJson(s.properties) ? s.properties : {};
    const required = Array.isArray(s.required) ? s.required.map(String) : [];
    for (const [key, propSchema] of Object.entries(props)) {
      if (key in out || required.includes(key)) {
        out[key] = fillFromSchema(propSchema, out[key], ctx, key, depth + 1);
      }
    }
    return out;
  }
  if (type === 'array') {
    if (!Array.isArray(value)) return value ?? [];
    return value.map((item) => fillFromSchema(s.items, item, ctx, name, depth + 1));
  }
  return value === undefined ? scalar(s, name, ctx) : value;
}
