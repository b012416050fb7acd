import type { StateEvent } from './events.js';

/** One line for a commit message, e.g. "attempt_finished 2.1 #1 succeeded". */
export function summarizeEvent(e: StateEvent): string {
  switch (e.type) {
    case 'run_started':
      return `run_started ${e.runId} ${e.spec} (${e.tasks.length} tasks)`;
    case 'attempt_started':
      return `attempt_started ${e.taskId} #${e.attempt}`;
    case 'attempt_finished':
      return `attempt_finished ${e.taskId} #${e.attempt} ${e.outcome}${e.errorClass ? ` (${e.errorClass})` : ''}`;
    case 'task_finished':
      return `task_finished ${e.taskId} ${e.status}`;
    case 'resource_sample':
      return `resource_sample running=${e.running} cpu=${e.cpuPercent}% mem=${e.memoryPercent}%`;
    case 'run_finished':
      return `run_finished ${e.runId} ${e.status}`;
    case 'tasks_dispatched':
      return `tasks_dispatched #${e.dispatch} ${e.tasks.join(' ')}`;
    case 'dispatch_failed':
      return `dispatch_failed #${e.dispatch}`;
    case 'job_finished':
      return `job_finished ${e.taskId} #${e.dispatch} ${e.conclusion}`;
    case 'check_run_created':
      return `check_run_created ${e.checkRunId}`;
    case 'tasks_requeued':
      return `tasks_requeued ${e.tasks.join(' ')}`;
  }
}
