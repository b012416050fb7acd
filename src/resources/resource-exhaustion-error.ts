import type { ErrorClass } from '../exec/error-class.js';
import type { SystemSample } from './system-sampler.js';

export type ResourceExhaustionKind = 'queue_full' | 'queue_timeout';

/** A task could not get resources: the wait queue was full, or it waited longer than queue_timeout. */
export class ResourceExhaustionError extends Error {
  readonly errorClass: ErrorClass = 'resource_exhaustion';
  readonly kind: ResourceExhaustionKind;
  readonly taskKey: string;
  /** The reading the guard last had when it gave up, if any. */
  readonly lastSample: SystemSample | null;

  constructor(
    kind: ResourceExhaustionKind,
    taskKey: string,
    message: string,
    lastSample: SystemSample | null,
  ) {
    super(message);
    this.name = 'ResourceExhaustionError';
    this.kind = kind;
    this.taskKey = taskKey;
    this.lastSample = lastSample;
  }
}
