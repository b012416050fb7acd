/** The default script: write the file a task prompt names, then say the task is complete. */
import path from 'node:path';
import { firstUserText, isRecord, lineValue } from './messages-request.js';
import type {
  Script,
  ScriptRequest,
  ScriptStep,
  TaskFault,
  TaskScriptOptions,
  TextBlock,
  ToolResultBlock,
} from './types.js';

/**
 * The engine tests' script. The prompt holds `Task ID: <id>` and optionally
 * `Write file: <relative path>` (else the first backticked path in the `Task:` title line is used). First turn: a `Write` tool call for that path (resolved against
 * the CLI's primary working directory) with content `done by task <id>\n`; after the tool
 * result: "Task <id> complete." (or "Task <id> failed: …" when the tool result is an error).
 */
export function taskScript(options: TaskScriptOptions = {}): Script {
  const pending = new Map<string, TaskFault[]>();
  for (const [id, fault] of Object.entries(options.faults ?? {})) {
    pending.set(id, Array.isArray(fault) ? [...fault] : [fault]);
  }
  const delayMs = options.delayMs ?? 0;
  return (request) => {
    const normal = taskReply(request, delayMs);
    const fault = request.taskId === undefined ? undefined : pending.get(request.taskId)?.shift();
    if (fault === undefined) return normal;
    if (fault === 'hang') return { kind: 'hang' };
    if ('hangMs' in fault) return { kind: 'hang', ms: fault.hangMs, then: normal };
    return { kind: 'error', ...fault };
  };
}

function taskReply(request: ScriptRequest, delayMs: number): ScriptStep {
  const id = request.taskId;
  if (id === undefined) return { kind: 'text', text: 'OK.', delayMs };
  const [result] = request.toolResults;
  if (result !== undefined) {
    return result.is_error === true
      ? { kind: 'text', text: `Task ${id} failed: ${resultText(result)}`, delayMs }
      : { kind: 'text', text: `Task ${id} complete.`, delayMs };
  }
  const prompt = firstUserText(request.body);
  // `Write file: <path>` when the test says so, else the first backticked path of the task's title.
  const target = lineValue(prompt, 'Write file') ?? titlePath(lineValue(prompt, 'Task'));
  if (target === undefined) return { kind: 'text', text: `Task ${id} complete.`, delayMs };
  const filePath = path.resolve(request.workingDirectory ?? process.cwd(), target);
  return {
    kind: 'tool_use',
    name: 'Write',
    input: { file_path: filePath, content: `done by task ${id}\n` },
    text: `Writing ${target}.`,
    delayMs,
  };
}

function titlePath(title: string | undefined): string | undefined {
  const match = title === undefined ? null : /`([\w./-]+\.[\w]+)`/.exec(title);
  return match?.[1];
}

function resultText(result: ToolResultBlock): string {
  if (typeof result.content === 'string') return result.content;
  if (Array.isArray(result.content)) {
    return result.content
      .filter((b): b is TextBlock => isRecord(b) && b.type === 'text' && typeof b.text === 'string')
      .map((b) => b.text)
      .join('\n');
  }
  return 'tool error';
}
