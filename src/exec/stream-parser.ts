import { StringDecoder } from 'node:string_decoder';

/** A `system/api_retry` line: the CLI is about to retry a failed API call. */
export interface ApiRetry {
  attempt: number;
  maxRetries: number;
  retryDelayMs: number;
  /** HTTP status, null for a connection error. */
  errorStatus: number | null;
  /** The CLI's category: overloaded, rate_limit, authentication_failed, server_error, unknown. */
  error: string;
}

export interface ToolUse {
  id: string;
  name: string;
  input: unknown;
}

/** The final `result` line. */
export interface StreamResult {
  /** success, error_max_turns, error_during_execution, error_max_budget_usd, error_max_structured_output_retries. */
  subtype: string;
  isError: boolean;
  apiErrorStatus: number | null;
  durationMs?: number;
  numTurns?: number;
  totalCostUsd?: number;
  /** The final text (for an API error, the CLI's message such as "Invalid API key · …"). */
  result?: string;
  /** The `errors` of error_* subtypes. */
  errors: string[];
  stopReason?: string;
  usage?: Record<string, unknown>;
}

export interface StreamSummary {
  sessionId?: string;
  model?: string;
  tools: string[];
  /** Assistant lines seen (the CLI writes one per content block; the turn count is `result.numTurns`). */
  assistantMessages: number;
  apiRetries: ApiRetry[];
  toolUses: ToolUse[];
  permissionDenials: unknown[];
  result?: StreamResult;
  /** JSON lines seen. */
  events: number;
  /** Lines that were not JSON objects (kept in the transcript, otherwise ignored). */
  otherLines: number;
}

export type StreamEvent =
  | { kind: 'init'; sessionId?: string; model?: string; raw: Record<string, unknown> }
  | { kind: 'api_retry'; retry: ApiRetry; raw: Record<string, unknown> }
  | { kind: 'tool_use'; toolUse: ToolUse; raw: Record<string, unknown> }
  | { kind: 'result'; result: StreamResult; raw: Record<string, unknown> }
  /** Any other JSON line (assistant text, user/tool_result, other system lines). */
  | { kind: 'other'; type: string; raw: Record<string, unknown> }
  /** A line that is not a JSON object. */
  | { kind: 'text'; line: string };

export type StreamEventHandler = (event: StreamEvent) => void;

type Json = Record<string, unknown>;

function isRecord(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
function str(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}
function num(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

function toResult(raw: Json): StreamResult {
  const result: StreamResult = {
    subtype: str(raw.subtype) ?? 'unknown',
    isError: raw.is_error === true,
    apiErrorStatus: num(raw.api_error_status) ?? null,
    errors: Array.isArray(raw.errors)
      ? raw.errors.map((e) => (typeof e === 'string' ? e : JSON.stringify(e)))
      : [],
  };
  const durationMs = num(raw.duration_ms);
  if (durationMs !== undefined) result.durationMs = durationMs;
  const numTurns = num(raw.num_turns);
  if (numTurns !== undefined) result.numTurns = numTurns;
  const cost = num(raw.total_cost_usd);
  if (cost !== undefined) result.totalCostUsd = cost;
  const text = str(raw.result);
  if (text !== undefined) result.result = text;
  const stop = str(raw.stop_reason);
  if (stop !== undefined) result.stopReason = stop;
  if (isRecord(raw.usage)) result.usage = raw.usage;
  return result;
}

/**
 * Incremental parser of `claude -p --output-format stream-json --verbose` output. Feed it stdout
 * chunks as they arrive (lines and multi-byte characters may be split across chunks); it keeps a
 * running {@link StreamSummary} and calls `onEvent` for each complete line.
 */
export class StreamParser {
  private readonly decoder = new StringDecoder('utf8');
  private pending = '';
  private readonly state: StreamSummary = {
    tools: [],
    assistantMessages: 0,
    apiRetries: [],
    toolUses: [],
    permissionDenials: [],
    events: 0,
    otherLines: 0,
  };

  constructor(private readonly onEvent?: StreamEventHandler) {}

  /** Feeds a chunk; returns the complete lines it finished (for the transcript). */
  push(chunk: string | Uint8Array): string[] {
    this.pending += typeof chunk === 'string' ? chunk : this.decoder.write(chunk);
    const lines = this.pending.split('\n');
    this.pending = lines.pop() ?? '';
    for (const line of lines) this.line(line);
    return lines;
  }

  /** Ends the stream: parses a last line without a newline; returns it when there was one. */
  end(): string[] {
    this.pending += this.decoder.end();
    const last = this.pending;
    this.pending = '';
    if (last === '') return [];
    this.line(last);
    return [last];
  }

  summary(): StreamSummary {
    return {
      ...this.state,
      tools: [...this.state.tools],
      apiRetries: [...this.state.apiRetries],
      toolUses: [...this.state.toolUses],
      permissionDenials: [...this.state.permissionDenials],
    };
  }

  private line(rawLine: string): void {
    const line = rawLine.replace(/\r$/, '');
    if (line.trim() === '') return;
    let value: unknown;
    try {
      value = line.trimStart().startsWith('{') ? JSON.parse(line) : undefined;
    } catch {
      value = undefined;
    }
    if (!isRecord(value) || typeof value.type !== 'string') {
      this.state.otherLines += 1;
      this.emit({ kind: 'text', line });
      return;
    }
    this.state.events += 1;
    this.handle(value, value.type);
  }

  private handle(raw: Json, type: string): void {
    const s = this.state;
    if (type === 'system' && raw.subtype === 'init') {
      const sessionId = str(raw.session_id);
      const model = str(raw.model);
      if (sessionId !== undefined) s.sessionId = sessionId;
      if (model !== undefined) s.model = model;
      if (Array.isArray(raw.tools)) s.tools = raw.tools.filter((t): t is string => typeof t === 'string');
      this.emit({ kind: 'init', ...(sessionId ? { sessionId } : {}), ...(model ? { model } : {}), raw });
      return;
    }
    if (type === 'system' && raw.subtype === 'api_retry') {
      const retry: ApiRetry = {
        attempt: num(raw.attempt) ?? s.apiRetries.length + 1,
        maxRetries: num(raw.max_retries) ?? 0,
        retryDelayMs: num(raw.retry_delay_ms) ?? 0,
        errorStatus: num(raw.error_status) ?? null,
        error: str(raw.error) ?? 'unknown',
      };
      s.apiRetries.push(retry);
      this.emit({ kind: 'api_retry', retry, raw });
      return;
    }
    if (type === 'result') {
      const result = toResult(raw);
      s.result = result;
      if (Array.isArray(raw.permission_denials)) s.permissionDenials.push(...raw.permission_denials);
      this.emit({ kind: 'result', result, raw });
      return;
    }
    if (type === 'assistant') {
      s.assistantMessages += 1;
      if (s.sessionId === undefined && typeof raw.session_id === 'string') s.sessionId = raw.session_id;
      const message = isRecord(raw.message) ? raw.message : {};
      const model = str(message.model);
      if (s.model === undefined && model !== undefined && model !== '<synthetic>') s.model = model;
      const content = Array.isArray(message.content) ? message.content : [];
      let sawTool = false;
      for (const block of content) {
        if (!isRecord(block) || block.type !== 'tool_use') continue;
        const toolUse: ToolUse = { id: str(block.id) ?? '', name: str(block.name) ?? '', input: block.input };
        s.toolUses.push(toolUse);
        sawTool = true;
        this.emit({ kind: 'tool_use', toolUse, raw });
      }
      if (sawTool) return;
    }
    this.emit({ kind: 'other', type, raw });
  }

  private emit(event: StreamEvent): void {
    this.onEvent?.(event);
  }
}
