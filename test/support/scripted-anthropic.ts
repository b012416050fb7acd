/**
 * A scripted stand-in for Anthropic's Messages API, for running the real `claude` CLI in tests.
 *
 * It is a real node:http server on 127.0.0.1 that answers `POST /v1/messages` the way the real
 * API does (an SSE stream of message_start … message_stop, or a JSON message when `stream` is
 * not set), with Anthropic's error shapes and statuses. Each Messages request is decided by a
 * script: a function of the request that returns a {@link ScriptStep}. {@link taskScript} is the
 * ready-made script for the engine's tests: it writes the file a task prompt names and then says
 * the task is complete, with per-task fault injection.
 *
 * What the CLI (2.1.197) sends, observed: a `HEAD /` probe at startup, then
 * `POST /v1/messages?beta=true` with `stream: true`, header `x-claude-code-session-id: <uuid>`
 * (the same uuid as stream-json's session_id, also inside `metadata.user_id` as JSON), the user
 * prompt in the first user message, and `Primary working directory: <abs path>` in `system`.
 */
export { startScriptedAnthropic } from './scripted-anthropic/server.js';
export { taskScript } from './scripted-anthropic/task-script.js';
export type {
  AnthropicErrorType,
  MessagesRequestBody,
  RecordedRequest,
  Script,
  ScriptedAnthropic,
  ScriptedAnthropicOptions,
  ScriptRequest,
  ScriptStep,
  ServerStats,
  TaskFault,
  TaskScriptOptions,
} from './scripted-anthropic/types.js';
