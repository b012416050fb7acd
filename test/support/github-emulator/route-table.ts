/**
 * Matches request paths to the emulator's route templates. A parameter GitHub marks
 * `x-multi-segment` (refs, content paths) may span several path segments; templates with more
 * literal segments win, so `/commits/{ref}/check-runs` is tried before `/commits/{ref}`.
 */
import { getOperation, type SpecDocument, type SpecOperation } from './openapi/spec-document.js';
import type { RouteDef } from './emulator-core.js';

export interface CompiledRoute {
  def: RouteDef;
  op: SpecOperation;
  /** `METHOD /template` */
  route: string;
  regex: RegExp;
  names: string[];
  literals: number;
}

export interface RouteMatch {
  compiled: CompiledRoute;
  params: Record<string, string>;
}

const escape = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

export class RouteTable {
  private readonly routes: CompiledRoute[];

  constructor(doc: SpecDocument, defs: RouteDef[]) {
    this.routes = defs
      .map((def): CompiledRoute => {
        const op = getOperation(doc, def.method, def.template);
        const names: string[] = [];
        let literals = 0;
        const pattern = def.template
          .split('/')
          .map((segment) => {
            const m = /^\{(\w+)\}$/.exec(segment);
            if (!m?.[1]) {
              literals += 1;
              return escape(segment);
            }
            names.push(m[1]);
            const multi = op.parameters.some((p) => p.name === m[1] && p.multiSegment);
            return multi ? '(.+?)' : '([^/]+)';
          })
          .join('/');
        return {
          def,
          op,
          route: `${def.method} ${def.template}`,
          regex: new RegExp(`^${pattern}/?$`),
          names,
          literals,
        };
      })
      .sort((a, b) => b.literals - a.literals);
  }

  /** The route for a request, or undefined. */
  match(method: string, pathname: string): RouteMatch | undefined {
    return matchPath(this.routes, method, pathname);
  }
}

/** The first of `routes` (in order) for `method` whose regex matches `pathname`, with its parameters decoded. */
export function matchPath<T extends { def: { method: string }; regex: RegExp; names: string[] }>(
  routes: readonly T[],
  method: string,
  pathname: string,
): { compiled: T; params: Record<string, string> } | undefined {
  for (const compiled of routes) {
    if (compiled.def.method !== method) continue;
    const m = compiled.regex.exec(pathname);
    if (!m) continue;
    const params: Record<string, string> = {};
    compiled.names.forEach((name, i) => {
      params[name] = decodeURIComponent(m[i + 1] ?? '');
    });
    return { compiled, params };
  }
  return undefined;
}
