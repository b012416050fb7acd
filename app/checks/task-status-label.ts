import type { TaskStatus } from '../../src/state/state-schema.js';

const LABELS: Record<TaskStatus, string> = {
  succeeded: '✅ succeeded',
  failed: '❌ failed',
  running: '🔄 running',
  pending: '⏳ pending',
  interrupted: '⚠️ interrupted',
  not_run: '⏭️ not run',
};

/** A task status with its emoji, e.g. `✅ succeeded`. */
export function taskStatusLabel(status: TaskStatus): string {
  return LABELS[status];
}
