/**
 * Turns OpenAPI 3.0 schemas into JSON Schema ajv compiles: `nullable: true` becomes
 * `anyOf: [schema, {type: 'null'}]`, `oneOf` becomes `anyOf`, and `#/components/schemas/x`
 * references point at the component registered with ajv under {@link componentId}.
 */
import type { Ajv } from 'ajv';
import { isJson, type Json, type SpecDocument } from './spec-document.js';

const SCHEMA_ARRAYS = ['allOf', 'anyOf', 'oneOf'];
const SCHEMA_SINGLE = ['items', 'additionalProperties', 'not'];
const COMPONENT_PREFIX = '#/components/schemas/';

function convert(node: unknown, refs: Set<string>): unknown {
  if (!isJson(node)) return node;
  const out: Json = { ...node };
  if (typeof node.$ref === 'string' && node.$ref.startsWith(COMPONENT_PREFIX)) {
    const name = node.$ref.slice(COMPONENT_PREFIX.length);
    refs.add(name);
    out.$ref = componentId(name);
  }
  if (isJson(node.properties)) {
    out.properties = Object.fromEntries(
      Object.entries(node.properties).map(([k, v]) => [k, convert(v, refs)]),
    );
  }
  for (const key of SCHEMA_ARRAYS) {
    const list = node[key];
    if (Array.isArray(list)) out[key] = list.map((s) => convert(s, refs));
  }
  for (const key of SCHEMA_SINGLE) {
    if (isJson(node[key])) out[key] = convert(node[key], refs);
  }
  // GitHub's oneOf branches often overlap (an error body matches both basic-error and
  // repository-rule-violation-error); without discriminators, anyOf is what the description means.
  if (Array.isArray(out.oneOf)) {
    const branches = out.oneOf;
    delete out.oneOf;
    if (!Array.isArray(out.anyOf)) out.anyOf = branches;
    else out.allOf = [...(Array.isArray(out.allOf) ? out.allOf : []), { anyOf: branches }];
  }
  delete out.example;
  delete out.examples;
  if (out.nullable === true) {
    delete out.nullable;
    return { anyOf: [out, { type: 'null' }] };
  }
  delete out.nullable;
  return out;
}

const converted = new Map<string, { schema: unknown; refs: Set<string> }>();

function component(doc: SpecDocument, name: string): { schema: unknown; refs: Set<string> } {
  let entry = converted.get(name);
  if (!entry) {
    const refs = new Set<string>();
    entry = { schema: convert(doc.components.schemas?.[name], refs), refs };
    converted.set(name, entry);
  }
  return entry;
}

/** The id a component schema is registered under with ajv. */
export const componentId = (name: string): string => `https://gh-emulator.invalid/schemas/${name}.json`;

/**
 * `schema` as JSON Schema; the component schemas it reaches are registered with ajv (each once
 * per ajv instance), so ajv compiles a shared component once, not once per operation.
 */
export function toAjvSchema(doc: SpecDocument, schema: unknown, ajv: Ajv, registered: Set<string>): unknown {
  const refs = new Set<string>();
  const root = convert(schema, refs);
  const pending = [...refs];
  for (let name = pending.pop(); name !== undefined; name = pending.pop()) {
    if (registered.has(name)) continue;
    registered.add(name);
    const entry = component(doc, name);
    ajv.addSchema(isJson(entry.schema) ? entry.schema : {}, componentId(name));
    pending.push(...entry.refs);
  }
  return root;
}
