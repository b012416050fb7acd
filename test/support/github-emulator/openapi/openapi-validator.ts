/**
 * Validates requests and the emulator's own responses against GitHub's OpenAPI description with
 * ajv. Validators are compiled per operation (and per response status) on first use and cached.
 */
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { toAjvSchema } from './schema-convert.js';
import { isJson, responseSchema, type SpecDocument, type SpecOperation } from './spec-document.js';

// ajv-formats is CommonJS; its default export is the plugin function under NodeNext.
const addFormats = addFormatsModule as unknown as (ajv: Ajv) => Ajv;

export interface RequestParts {
  pathParams: Record<string, string>;
  query: URLSearchParams;
  body: unknown;
}

function newAjv(coerceTypes: boolean): Ajv {
  const ajv = new Ajv({ strict: false, allErrors: true, logger: false, coerceTypes });
  addFormats(ajv);
  // GitHub's own data has addresses ajv's RFC check refuses (`41898282+github-actions[bot]@users.noreply.github.com`).
  ajv.addFormat('email', /^[^\s@]+@[^\s@]+$/);
  return ajv;
}

/** ajv errors, phrased roughly the way GitHub phrases its "Invalid request." details. */
export function describeErrors(errors: ErrorObject[] | null | undefined, label: string): string[] {
  return (errors ?? [])
    .filter((e) => !['anyOf', 'oneOf', 'allOf', 'if'].includes(e.keyword))
    .map((e) => {
      const at = `${label}${e.instancePath}`;
      if (e.keyword === 'required') {
        return `"${String((e.params as { missingProperty: string }).missingProperty)}" wasn't supplied${e.instancePath ? ` in ${at}` : ''}.`;
      }
      return `For '${at}', ${e.message ?? 'is invalid'}${e.keyword === 'enum' ? `: ${JSON.stringify(e.params)}` : ''}.`;
    });
}

export class OpenApiValidator {
  private readonly ajv = newAjv(false);
  private readonly paramAjv = newAjv(true);
  private readonly cache = new Map<string, ValidateFunction | null>();
  private readonly registered = new Map<Ajv, Set<string>>();

  constructor(private readonly doc: SpecDocument) {}

  private compiled(key: string, make: () => unknown, ajv: Ajv): ValidateFunction | null {
    if (!this.cache.has(key)) {
      const schema = make();
      let registered = this.registered.get(ajv);
      if (!registered) this.registered.set(ajv, (registered = new Set()));
      const json =
        schema === undefined || schema === null ? null : toAjvSchema(this.doc, schema, ajv, registered);
      this.cache.set(key, json === null ? null : ajv.compile(isJson(json) ? json : {}));
    }
    return this.cache.get(key) ?? null;
  }

  /** Why GitHub would reject the request (empty when it is valid). */
  checkRequest(op: SpecOperation, parts: RequestParts): string[] {
    const problems: string[] = [];
    const key = `${op.method} ${op.template}`;
    const params = op.parameters.filter((p) => p.in === 'path' || p.in === 'query');
    const paramCheck = this.compiled(
      `params ${key}`,
      () => ({
        type: 'object',
        properties: Object.fromEntries(params.map((p) => [p.name, p.schema])),
        required: params.filter((p) => p.required).map((p) => p.name),
      }),
      this.paramAjv,
    );
    const values: Record<string, string> = { ...parts.pathParams };
    for (const p of params) {
      const v = p.in === 'query' ? parts.query.get(p.name) : null;
      if (v !== null) values[p.name] = v;
    }
    if (paramCheck && !paramCheck(values)) problems.push(...describeErrors(paramCheck.errors, 'params'));
    const body = op.requestBody;
    if (body) {
      if (parts.body === undefined) {
        if (body.required) problems.push('A request body is required.');
      } else {
        const bodyCheck = this.compiled(`body ${key}`, () => body.schema, this.ajv);
        if (bodyCheck && !bodyCheck(parts.body)) problems.push(...describeErrors(bodyCheck.errors, 'data'));
      }
    }
    return problems;
  }

  /**
   * Why the response doesn't match the description, or undefined when it does. Statuses GitHub
   * answers on any endpoint (401, 403, 404, 5xx, and 422 for invalid requests) are checked against
   * its generic error schemas when the operation doesn't list them; `op` is undefined for
   * unrouted requests.
   */
  checkResponse(op: SpecOperation | undefined, status: number, body: unknown): string | undefined {
    const key = op ? `${op.method} ${op.template}` : 'unrouted';
    const documented = op ? responseSchema(this.doc, op, status) : undefined;
    const generic = status === 422 ? 'validation-error' : GENERIC.has(status) ? 'basic-error' : undefined;
    const schema =
      documented !== undefined
        ? documented
        : generic
          ? { $ref: `#/components/schemas/${generic}` }
          : undefined;
    if (schema === undefined) return `${key}: status ${status} is not documented`;
    if (schema === null) {
      return body === undefined ? undefined : `${key}: status ${status} is documented without a body`;
    }
    if (body === undefined) return `${key}: status ${status} needs a JSON body`;
    const cacheKey = documented === undefined ? `generic ${generic ?? ''}` : `response ${status} ${key}`;
    const check = this.compiled(cacheKey, () => schema, this.ajv);
    if (!check || check(body)) return undefined;
    return `${key} ${status}: ${(check.errors ?? [])
      .slice(0, 8)
      .map((e) => `${e.instancePath || '/'} ${e.message ?? ''}`)
      .join('; ')}`;
  }

  /**
   * Why `value` doesn't match the component schema `name` (`#/components/schemas/<name>`), e.g. a
   * webhook payload against `webhook-workflow-job-completed`; undefined when it matches, and when
   * the description has no such schema.
   */
  checkComponent(name: string, value: unknown): string | undefined {
    if (this.doc.components.schemas?.[name] === undefined) return undefined;
    const check = this.compiled(
      `component ${name}`,
      () => ({ $ref: `#/components/schemas/${name}` }),
      this.ajv,
    );
    if (!check || check(value)) return undefined;
    return `${name}: ${(check.errors ?? [])
      .slice(0, 8)
      .map(
        (e) =>
          `${e.instancePath || '/'} ${e.message ?? ''}${e.keyword === 'enum' ? ` ${JSON.stringify(e.params)}` : ''}`,
      )
      .join('; ')}`;
  }
}

const GENERIC = new Set([401, 403, 404, 500, 502, 503, 504]);
