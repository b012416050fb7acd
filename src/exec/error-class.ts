/**
 * Why an attempt failed. The seed's six classes plus what the Claude Code CLI and git add; the
 * recovery policy (src/exec/retry-policy.ts) decides per class whether and how to retry.
 */
export const ERROR_CLASSES = [
  'timeout',
  'resource_exhaustion',
  'context_error',
  'dependency_missing',
  'agent_failure',
  'state_inconsistency',
  'rate_limited',
  'overloaded',
  'auth_error',
  'budget_exceeded',
  'max_turns',
  'merge_conflict',
  'interrupted',
  'hook_failed',
] as const;

export type ErrorClass = (typeof ERROR_CLASSES)[number];
