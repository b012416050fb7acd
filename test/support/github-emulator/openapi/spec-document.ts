/**
 * GitHub's published OpenAPI description (api.github.com, from @octokit/openapi), loaded once per
 * process on first use. Only the non-dereferenced file is read (≈13 MB, ≈0.5 s to read and parse);
 * `$ref`s are resolved on demand.
 */
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';

export type Json = Record<string, unknown>;

export const isJson = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

export interface SpecDocument {
  /** Absolute path of the description that was loaded. */
  file: string;
  /** Milliseconds spent reading and parsing it. */
  loadMs: number;
  paths: Record<string, Json>;
  components: Record<string, Record<string, Json>>;
}

export interface OperationParameter {
  name: string;
  in: string;
  required: boolean;
  schema: unknown;
  multiSegment: boolean;
}

export interface SpecOperation {
  method: string;
  template: string;
  operationId: string;
  parameters: OperationParameter[];
  /** JSON request body schema, and whether a body is required. */
  requestBody?: { schema: unknown; required: boolean };
  responses: Json;
}

const require = createRequire(import.meta.url);
export const SPEC_FILE = path.join(
  path.dirname(require.resolve('@octokit/openapi/package.json')),
  'generated',
  'api.github.com.json',
);

let loading: Promise<SpecDocument> | undefined;

/** The description, read on the first call only. */
export function loadSpec(): Promise<SpecDocument> {
  loading ??= (async () => {
    const started = performance.now();
    const parsed: unknown = JSON.parse(await readFile(SPEC_FILE, 'utf8'));
    if (!isJson(parsed) || !isJson(parsed.paths) || !isJson(parsed.components)) {
      throw new Error(`${SPEC_FILE} is not an OpenAPI description`);
    }
    return {
      file: SPEC_FILE,
      loadMs: Math.round(performance.now() - started),
      paths: parsed.paths as Record<string, Json>,
      components: parsed.components as Record<string, Record<string, Json>>,
    };
  })();
  return loading;
}

/** Follows `$ref`s (`#/components/<kind>/<name>`) until a non-reference node. */
export function deref(doc: SpecDocument, node: unknown): unknown {
  let current = node;
  for (let hops = 0; isJson(current) && typeof current.$ref === 'string'; hops += 1) {
    const parts = current.$ref.replace(/^#\//, '').split('/');
    if (parts[0] !== 'components' || parts.length !== 3 || hops > 20) {
      throw new Error(`unsupported $ref ${current.$ref}`);
    }
    current = doc.components[parts[1] ?? '']?.[parts[2] ?? ''];
  }
  return current;
}

const operations = new Map<string, SpecOperation>();

/** The operation for `method` on the path `template`; throws when GitHub documents no such operation. */
export function getOperation(doc: SpecDocument, method: string, template: string): SpecOperation {
  const key = `${method} ${template}`;
  const cached = operations.get(key);
  if (cached) return cached;
  const pathItem = doc.paths[template];
  const op = pathItem?.[method.toLowerCase()];
  if (!pathItem || !isJson(op)) throw new Error(`GitHub's OpenAPI description has no ${key}`);
  const declared = [
    ...(Array.isArray(pathItem.parameters) ? pathItem.parameters : []),
    ...(Array.isArray(op.parameters) ? op.parameters : []),
  ];
  const parameters = declared.map((p): OperationParameter => {
    const resolved = deref(doc, p);
    if (!isJson(resolved)) throw new Error(`bad parameter in ${key}`);
    return {
      name: String(resolved.name),
      in: String(resolved.in),
      required: resolved.required === true,
      schema: resolved.schema ?? {},
      multiSegment: resolved['x-multi-segment'] === true,
    };
  });
  const body = deref(doc, op.requestBody);
  const content = isJson(body) && isJson(body.content) ? body.content['application/json'] : undefined;
  const operation: SpecOperation = {
    method,
    template,
    operationId: String(op.operationId),
    parameters,
    responses: isJson(op.responses) ? op.responses : {},
    ...(isJson(content) && isJson(body)
      ? { requestBody: { schema: content.schema ?? {}, required: body.required === true } }
      : {}),
  };
  operations.set(key, operation);
  return operation;
}

/** The JSON schema of the documented response for `status`, `null` for a documented body-less one. */
export function responseSchema(doc: SpecDocument, op: SpecOperation, status: number): unknown {
  const response = deref(doc, op.responses[String(status)] ?? op.responses.default);
  if (!isJson(response)) return undefined;
  const content = isJson(response.content) ? response.content['application/json'] : undefined;
  return isJson(content) ? (content.schema ?? {}) : null;
}
