export { runGit, runGitRaw, gitLine, GitError, type GitResult, type RunGitOptions } from './run-git.js';
export { DEFAULT_GIT_IDENTITY, identityEnv, type GitIdentity } from './git-identity.js';
export { gitSpecSource } from './git-spec-source.js';
export { branchTip, casUpdateBranch, ensureBranch, resolveCommit } from './work-branch.js';
export {
  cleanupStaleWorktrees,
  createTaskWorktree,
  listWorktrees,
  worktreeRoot,
  type CreateTaskWorktreeOptions,
  type TaskWorktree,
  type WorktreeEntry,
} from './task-worktree.js';
export { flipTaskCheckbox, restoreCheckboxes, TaskLineNotFoundError } from './flip-task-checkbox.js';
export { MergeConflictError } from './merge-conflict-error.js';
export {
  commitTaskChanges,
  landTask,
  type CommitTaskChangesOptions,
  type LandTaskOptions,
  type LandTaskResult,
} from './land-task.js';
