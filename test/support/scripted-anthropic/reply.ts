/** A scripted text or tool_use step as an assistant message: content blocks, stop reason, usage. */
import type { MessagesRequestBody, ScriptStep } from './types.js';

/** Rough token count: a token is about four characters. */
export function tokens(text: string): number {
  return Math.max(1, Math.ceil(text.length / 4));
}

export type ContentBlock =
  | { type: 'text'; text: string }
  | { type: 'tool_use'; id: string; name: string; input: Record<string, unknown> };

export interface Reply {
  id: string;
  model: string;
  content: ContentBlock[];
  stopReason: 'end_turn' | 'tool_use';
  inputTokens: number;
  outputTokens: number;
}

export function buildReply(
  step: ScriptStep & { kind: 'text' | 'tool_use' },
  body: MessagesRequestBody,
  rawSize: number,
  seq: number,
): Reply {
  const content: ContentBlock[] = [];
  if (step.kind === 'text') content.push({ type: 'text', text: step.text });
  else {
    if (step.text !== undefined) content.push({ type: 'text', text: step.text });
    content.push({ type: 'tool_use', id: `toolu_scripted_${seq}`, name: step.name, input: step.input });
  }
  return {
    id: `msg_scripted_${seq}`,
    model: body.model,
    content,
    stopReason: step.kind === 'tool_use' ? 'tool_use' : 'end_turn',
    inputTokens: Math.max(1, Math.round(rawSize / 4)),
    outputTokens: tokens(JSON.stringify(content)),
  };
}

export function usage(reply: Reply, outputTokens: number): Record<string, unknown> {
  return {
    input_tokens: reply.inputTokens,
    cache_creation_input_tokens: 0,
    cache_read_input_tokens: 0,
    output_tokens: outputTokens,
    service_tier: 'standard',
  };
}
