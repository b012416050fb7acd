/** The scripted Anthropic server's public types, and the Messages request shapes it reads. */
import type http from 'node:http';

/** The request as the script sees it. */
export interface ScriptRequest {
  body: MessagesRequestBody;
  headers: http.IncomingHttpHeaders;
  /** Which CLI session this belongs to (x-claude-code-session-id, else metadata, else Task ID). */
  sessionKey: string;
  /** 1 for a session's first model call, 2 after one assistant reply, …; retries keep the turn. */
  turn: number;
  /** The `Task ID: <id>` line of the prompt, if any. */
  taskId: string | undefined;
  /** The `Primary working directory: <abs path>` of the CLI's system prompt, if any. */
  workingDirectory: string | undefined;
  /** The last user message's tool_result blocks (empty on a first turn). */
  toolResults: ToolResultBlock[];
}

export type AnthropicErrorType =
  | 'invalid_request_error'
  | 'authentication_error'
  | 'permission_error'
  | 'not_found_error'
  | 'request_too_large'
  | 'rate_limit_error'
  | 'api_error'
  | 'overloaded_error';

/** What to answer one Messages request with. `delayMs` waits before answering. */
export type ScriptStep =
  | { kind: 'text'; text: string; delayMs?: number }
  | {
      kind: 'tool_use';
      name: string;
      input: Record<string, unknown>;
      /** Optional text block before the tool call. */
      text?: string;
      delayMs?: number;
    }
  | {
      kind: 'error';
      status: number;
      /** Defaults from the status: 401 authentication_error, 429 rate_limit_error, 529 overloaded_error, … */
      type?: AnthropicErrorType;
      message?: string;
      /** Seconds, sent as the retry-after header (429 gets 1 by default). */
      retryAfter?: number;
      delayMs?: number;
    }
  /** Never answer (until the client goes away or the server closes), or wait `ms` and then answer with `then`. */
  | { kind: 'hang'; ms?: number; then?: ScriptStep };

export type Script = (request: ScriptRequest) => ScriptStep;

export interface RecordedRequest {
  method: string;
  /** The path with its query, e.g. `/v1/messages?beta=true`. */
  url: string;
  headers: http.IncomingHttpHeaders;
  /** Parsed JSON when the body is JSON, the raw text otherwise ('' when empty). */
  body: unknown;
  /** Set for Messages requests. */
  sessionKey?: string;
  turn?: number;
  taskId?: string;
  /** Whether the last user message carried tool results (a turn after a tool call). */
  hasToolResult?: boolean;
  /** The step the script chose (Messages requests only). */
  step?: ScriptStep;
  /** The status answered (undefined while unanswered, e.g. hanging). */
  status?: number;
  receivedAt: number;
}

export interface ServerStats {
  /** The most sessions active at once (first request … end_turn or an error it won't retry). */
  maxConcurrentSessions: number;
  sessionsStarted: number;
  sessionsFinished: number;
  /** Messages requests received and not yet fully answered. */
  inFlight: number;
}

export type TaskFault =
  | 'hang'
  | { hangMs: number }
  | { status: number; type?: AnthropicErrorType; message?: string; retryAfter?: number };

export interface TaskScriptOptions {
  /** Faults by task ID, consumed in order, one per Messages request of that task. */
  faults?: Record<string, TaskFault | TaskFault[]>;
  /** Delay before every reply (lets tests observe concurrency). */
  delayMs?: number;
}

export interface ScriptedAnthropicOptions extends TaskScriptOptions {
  /** The script; defaults to `taskScript({ faults, delayMs })`. */
  script?: Script;
  /**
   * How many times the CLI retries a failed call: its CLAUDE_CODE_MAX_RETRIES, by default the one
   * `claudeEnv` sets (the CLI's own default is 10). Only used to tell when an error ends a session,
   * for the stats; a request after an error taken as final re-opens the session.
   */
  clientMaxRetries?: number;
  /** Print requests to routes the server does not know (to find out what a CLI calls). */
  logUnknownRoutes?: boolean;
}

export interface ScriptedAnthropic {
  /** e.g. `http://127.0.0.1:41234`, for ANTHROPIC_BASE_URL. */
  url: string;
  port: number;
  /** Every request received, in order (including probes and unknown routes). */
  requests: RecordedRequest[];
  /** Live counters (the same object is updated in place). */
  stats: ServerStats;
  setScript(script: Script): void;
  /** Stops the server, dropping open connections (and so every hanging request). */
  close(): Promise<void>;
}

// ---------------------------------------------------------------------------------------------
// Messages request shapes

export interface TextBlock {
  type: 'text';
  text: string;
}
export interface ToolResultBlock {
  type: 'tool_result';
  tool_use_id: string;
  content?: unknown;
  is_error?: boolean;
}
export interface MessageParam {
  role: string;
  content: string | Array<{ type: string }>;
}
export interface MessagesRequestBody {
  model: string;
  messages: MessageParam[];
  system?: string | TextBlock[];
  stream?: boolean;
  metadata?: { user_id?: string };
  [key: string]: unknown;
}
