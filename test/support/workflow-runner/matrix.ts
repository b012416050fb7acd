/** `strategy.matrix` (already evaluated) as the list of job combinations, with GitHub's rules. */
import { TemplateError, type JsonObject, type JsonValue } from './template-eval.js';

const MAX_JOBS = 256;

const isObject = (v: JsonValue | undefined): v is JsonObject =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

const same = (a: JsonValue | undefined, b: JsonValue | undefined): boolean =>
  JSON.stringify(a) === JSON.stringify(b);

function objects(value: JsonValue | undefined, key: string, where: string): JsonObject[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value) || !value.every(isObject)) {
    throw new TemplateError(`${where}Matrix '${key}' must be a sequence of mappings`);
  }
  return value;
}

/**
 * The combinations: the product of the vectors (first key slowest), minus `exclude` matches, plus
 * `include` entries merged into every combination whose original values they don't change (else
 * added as combinations of their own). No matrix is one combination with no values.
 */
export function expandMatrix(matrix: JsonValue | undefined, where: string): JsonObject[] {
  if (matrix === undefined || matrix === null) return [{}];
  if (!isObject(matrix))
    throw new TemplateError(`${where}Unexpected value for 'matrix': a mapping was expected`);
  let combos: JsonObject[] = [{}];
  const vectors = Object.entries(matrix).filter(([k]) => k !== 'include' && k !== 'exclude');
  for (const [key, values] of vectors) {
    if (!Array.isArray(values)) throw new TemplateError(`${where}Matrix vector '${key}' must be a sequence`);
    if (values.length === 0)
      throw new TemplateError(`${where}Matrix vector '${key}' does not contain any values`);
    combos = combos.flatMap((c) => values.map((v) => ({ ...c, [key]: v })));
  }
  const excludes = objects(matrix.exclude, 'exclude', where);
  combos = combos.filter((c) => !excludes.some((e) => Object.entries(e).every(([k, v]) => same(c[k], v))));
  const original = new Set(vectors.map(([k]) => k));
  const base = vectors.length > 0 && combos.length > 0 ? combos.map((c) => ({ ...c })) : [];
  const extra: JsonObject[] = [];
  for (const inc of objects(matrix.include, 'include', where)) {
    let merged = false;
    for (let i = 0; i < base.length; i += 1) {
      const combo = base[i] as JsonObject;
      const source = combos[i] as JsonObject;
      if (Object.entries(inc).every(([k, v]) => !original.has(k) || same(source[k], v))) {
        Object.assign(combo, inc);
        merged = true;
      }
    }
    if (!merged) extra.push({ ...inc });
  }
  const all = [...base, ...extra];
  if (all.length === 0) throw new TemplateError(`${where}Matrix must define at least one vector`);
  if (all.length > MAX_JOBS) {
    throw new TemplateError(`${where}Strategy produced more than ${MAX_JOBS} jobs (${all.length})`);
  }
  return all;
}

/** The values of a combination as GitHub appends them to a job's name: `(a, b)`. */
export function matrixSuffix(combo: JsonObject): string {
  const values = Object.values(combo).map((v) =>
    typeof v === 'object' && v !== null ? JSON.stringify(v) : String(v),
  );
  return values.length === 0 ? '' : ` (${values.join(', ')})`;
}
