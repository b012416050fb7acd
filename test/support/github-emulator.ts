/**
 * A loopback emulator of the GitHub REST API endpoints Quantumwala uses, backed by a real bare git
 * repository (a `git push` to `bareRepoDir` and the API see the same refs), validating requests
 * and its own answers against GitHub's OpenAPI description. See github-emulator/server.ts.
 */
export { startGitHubEmulator } from './github-emulator/server.js';
export { FaultQueue } from './github-emulator/fault-queue.js';
export type { FaultMatch, FaultSpec } from './github-emulator/fault-queue.js';
export { loadSpec, SPEC_FILE } from './github-emulator/openapi/spec-document.js';
export type {
  CheckRunRecord,
  DispatchRejection,
  EmulatorApp,
  EmulatorUser,
  GitHubEmulator,
  GitHubEmulatorOptions,
  IssueCommentRecord,
  JobRecord,
  Permission,
  PullRecord,
  ReactionRecord,
  RecordedRequest,
  RejectedRequest,
  WorkflowDispatch,
  WorkflowHooks,
  WorkflowRunRecord,
} from './github-emulator/types.js';
export { emulatorOctokit, failure } from './github-emulator/emulator-octokit.js';
export { OpenApiValidator } from './github-emulator/openapi/openapi-validator.js';
export { getOperation } from './github-emulator/openapi/spec-document.js';
