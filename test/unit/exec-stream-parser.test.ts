import { describe, expect, it } from 'vitest';
import { StreamParser, type StreamEvent } from '../../src/exec/stream-parser.js';

const LINES = [
  {
    type: 'system',
    subtype: 'init',
    session_id: 'abc-123',
    model: 'claude-opus-4-8',
    tools: ['Read', 'Write'],
  },
  {
    type: 'system',
    subtype: 'api_retry',
    attempt: 1,
    max_retries: 2,
    retry_delay_ms: 577.2,
    error_status: 529,
    error: 'overloaded',
  },
  {
    type: 'assistant',
    message: { model: 'claude-opus-4-8', content: [{ type: 'text', text: 'Schreibe Datei — ünïcødé ✓ 🚀' }] },
  },
  {
    type: 'assistant',
    message: {
      model: 'claude-opus-4-8',
      content: [
        { type: 'tool_use', id: 'toolu_1', name: 'Write', input: { file_path: '/x/a.txt', content: 'hi' } },
      ],
    },
  },
  {
    type: 'user',
    message: { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_1', content: 'ok' }] },
  },
  {
    type: 'result',
    subtype: 'success',
    is_error: false,
    api_error_status: null,
    duration_ms: 268,
    num_turns: 2,
    result: 'Task 1 complete.',
    total_cost_usd: 0.19,
    usage: { input_tokens: 10 },
    permission_denials: [{ tool_name: 'Bash' }],
  },
];
const TEXT = `${['not json: starting up', ...LINES.map((l) => JSON.stringify(l))].join('\n')}\n{"broken": \n`;

function parseInChunks(bytes: Buffer, sizes: (i: number) => number) {
  const events: StreamEvent[] = [];
  const parser = new StreamParser((e) => events.push(e));
  const lines: string[] = [];
  for (let offset = 0, i = 0; offset < bytes.length; i++) {
    const size = Math.max(1, sizes(i));
    lines.push(...parser.push(bytes.subarray(offset, offset + size)));
    offset += size;
  }
  lines.push(...parser.end());
  return { summary: parser.summary(), events, lines };
}

describe('StreamParser', () => {
  const bytes = Buffer.from(TEXT, 'utf8');
  const whole = parseInChunks(bytes, () => bytes.length);

  it('summarizes session, model, retries, tool uses, denials and the result', () => {
    expect(whole.summary).toMatchObject({
      sessionId: 'abc-123',
      model: 'claude-opus-4-8',
      tools: ['Read', 'Write'],
      assistantMessages: 2,
      apiRetries: [{ attempt: 1, maxRetries: 2, retryDelayMs: 577.2, errorStatus: 529, error: 'overloaded' }],
      toolUses: [{ id: 'toolu_1', name: 'Write', input: { file_path: '/x/a.txt', content: 'hi' } }],
      permissionDenials: [{ tool_name: 'Bash' }],
      events: 6,
      otherLines: 2,
      result: {
        subtype: 'success',
        isError: false,
        apiErrorStatus: null,
        numTurns: 2,
        durationMs: 268,
        totalCostUsd: 0.19,
        result: 'Task 1 complete.',
        errors: [],
      },
    });
    expect(whole.events.map((e) => e.kind)).toEqual([
      'text',
      'init',
      'api_retry',
      'other',
      'tool_use',
      'other',
      'result',
      'text',
    ]);
  });

  it('returns every line, JSON or not, for the transcript', () => {
    expect(whole.lines.join('\n')).toBe(TEXT.replace(/\n$/, ''));
  });

  it('gives the same result for any split of the bytes, including inside multi-byte characters', () => {
    for (const size of [1, 2, 3, 5, 7, 64, 333]) {
      const split = parseInChunks(bytes, () => size);
      expect(split.summary).toEqual(whole.summary);
      expect(split.lines).toEqual(whole.lines);
    }
    let seed = 7;
    const random = (): number => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    const irregular = parseInChunks(bytes, () => Math.floor(random() * 40));
    expect(irregular.summary).toEqual(whole.summary);
    expect(JSON.stringify(irregular.events)).toBe(JSON.stringify(whole.events));
  });

  it('accepts string chunks and CRLF line ends', () => {
    const parser = new StreamParser();
    parser.push('{"type":"system","subtype":"init","session_id":"s"}\r\n{"type":"res');
    parser.push(
      'ult","subtype":"error_max_turns","is_error":true,"errors":["Reached maximum number of turns (1)"]}',
    );
    expect(parser.summary().result).toBeUndefined();
    parser.end();
    expect(parser.summary()).toMatchObject({
      sessionId: 's',
      result: { subtype: 'error_max_turns', isError: true, errors: ['Reached maximum number of turns (1)'] },
    });
  });

  it('reads an API failure result: subtype success with is_error and api_error_status', () => {
    const parser = new StreamParser();
    parser.push(
      `${JSON.stringify({ type: 'result', subtype: 'success', is_error: true, api_error_status: 401, result: 'Invalid API key · Fix external API key' })}\n`,
    );
    expect(parser.summary().result).toMatchObject({ subtype: 'success', isError: true, apiErrorStatus: 401 });
  });
});
