/** Faults a test queues for the emulator to inject into matching requests. */

export interface FaultMatch {
  /** A route template, `METHOD /template` or just `/template` (any method). */
  route?: string;
  method?: string;
  /** Tested against the request path (without query string). */
  path?: RegExp;
  /** How many matching requests the fault applies to. Default 1. */
  times?: number;
}

export type FaultSpec = FaultMatch &
  (
    | { kind: '5xx'; status?: 500 | 502 | 503 | 504 }
    | { kind: 'secondary-rate-limit'; retryAfter?: number }
    | { kind: 'latency'; latencyMs: number }
    /** Before serving the request, moves `ref` (e.g. `heads/main`) to `toSha`, or to an empty commit on top. */
    | { kind: 'move-ref'; ref: string; toSha?: string }
  );

interface Pending {
  spec: FaultSpec;
  remaining: number;
}

export class FaultQueue {
  private readonly pending: Pending[] = [];
  /** Faults that were applied, in order, with the route they hit. */
  readonly applied: { kind: FaultSpec['kind']; route: string }[] = [];

  add(spec: FaultSpec): void {
    this.pending.push({ spec, remaining: spec.times ?? 1 });
  }

  clear(): void {
    this.pending.length = 0;
  }

  get size(): number {
    return this.pending.length;
  }

  /** The faults that apply to this request, each consumed once. */
  take(method: string, path: string, route: string): FaultSpec[] {
    const hits: FaultSpec[] = [];
    for (const p of [...this.pending]) {
      if (!matches(p.spec, method, path, route)) continue;
      hits.push(p.spec);
      this.applied.push({ kind: p.spec.kind, route });
      p.remaining -= 1;
      if (p.remaining <= 0) this.pending.splice(this.pending.indexOf(p), 1);
    }
    return hits;
  }
}

function matches(spec: FaultMatch, method: string, path: string, route: string): boolean {
  if (spec.method !== undefined && spec.method.toUpperCase() !== method) return false;
  if (spec.path !== undefined && !spec.path.test(path)) return false;
  if (spec.route !== undefined) {
    const template = route.slice(route.indexOf(' ') + 1);
    if (spec.route !== route && spec.route !== template) return false;
  }
  return true;
}
