/** Reading a Messages request: the prompt's labelled lines, the session key, tool results. */
import type http from 'node:http';
import type {
  MessageParam,
  MessagesRequestBody,
  ScriptRequest,
  TextBlock,
  ToolResultBlock,
} from './types.js';

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function isMessagesBody(value: unknown): value is MessagesRequestBody {
  return isRecord(value) && typeof value.model === 'string' && Array.isArray(value.messages);
}

function textOf(content: MessageParam['content'] | TextBlock[] | undefined): string {
  if (content === undefined) return '';
  if (typeof content === 'string') return content;
  const blocks: Array<{ type: string }> = content;
  return blocks
    .filter((block): block is TextBlock => block.type === 'text')
    .map((block) => block.text)
    .join('\n');
}

export function firstUserText(body: MessagesRequestBody): string {
  return textOf(body.messages.find((m) => m.role === 'user')?.content);
}

function lastUserToolResults(body: MessagesRequestBody): ToolResultBlock[] {
  const last = body.messages.filter((m) => m.role === 'user' || m.role === 'assistant').at(-1);
  if (last?.role !== 'user' || typeof last.content === 'string') return [];
  return last.content.filter((block): block is ToolResultBlock => block.type === 'tool_result');
}

export function lineValue(text: string, label: string): string | undefined {
  const match = new RegExp(`^[\\s*-]*${label}:[ \\t]*(.+?)\\s*$`, 'm').exec(text);
  return match?.[1];
}

function metadataSessionId(body: MessagesRequestBody): string | undefined {
  const userId = body.metadata?.user_id;
  if (userId === undefined) return undefined;
  try {
    const parsed: unknown = JSON.parse(userId);
    if (isRecord(parsed) && typeof parsed.session_id === 'string') return parsed.session_id;
  } catch {
    // older CLIs send a plain string: `user_<hash>_account__session_<uuid>`
  }
  return /session_([0-9a-f-]{36})/.exec(userId)?.[1];
}

export function toScriptRequest(body: MessagesRequestBody, headers: http.IncomingHttpHeaders): ScriptRequest {
  const prompt = firstUserText(body);
  const taskId = lineValue(prompt, 'Task ID');
  const header = headers['x-claude-code-session-id'];
  const sessionKey =
    (typeof header === 'string' && header !== '' ? header : undefined) ??
    metadataSessionId(body) ??
    (taskId !== undefined ? `task:${taskId}` : 'anonymous');
  const systemText = typeof body.system === 'string' ? body.system : textOf(body.system);
  return {
    body,
    headers,
    sessionKey,
    turn: body.messages.filter((m) => m.role === 'assistant').length + 1,
    taskId,
    workingDirectory: lineValue(systemText, 'Primary working directory'),
    toolResults: lastUserToolResults(body),
  };
}
