import type { ErrorClass } from '../exec/error-class.js';

/** A task's change does not apply to the work branch's current tip. */
export class MergeConflictError extends Error {
  readonly errorClass: ErrorClass = 'merge_conflict';
  /** Repo-relative paths with conflicts. */
  readonly files: string[];

  constructor(taskId: string, files: string[]) {
    super(`task ${taskId} conflicts with the work branch in ${files.join(', ') || '(unknown files)'}`);
    this.name = 'MergeConflictError';
    this.files = files;
  }
}
