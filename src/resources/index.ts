export { AbortError, isAbortError } from './abort-error.js';
export { holdBackReasons, type HeldBackBy, type HoldBack, type ResourceLimits } from './hold-back-reason.js';
export { ResourceExhaustionError, type ResourceExhaustionKind } from './resource-exhaustion-error.js';
export {
  createResourceGuard,
  type AcquireOptions,
  type Lease,
  type ResourceGuard,
  type ResourceGuardOptions,
  type ResourceGuardStats,
} from './resource-guard.js';
export {
  createSystemInfoReader,
  MIN_FIRST_CPU_WINDOW_MS,
  type SystemReader,
  type SystemReading,
} from './system-info-reader.js';
export {
  createSystemSampler,
  toSample,
  type SystemSample,
  type SystemSampler,
  type SystemSamplerOptions,
} from './system-sampler.js';
