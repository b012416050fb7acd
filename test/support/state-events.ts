import type {
  AttemptFinishedEvent,
  AttemptStartedEvent,
  RunFinishedEvent,
  RunStartedEvent,
  StateEvent,
  TaskFinishedEvent,
} from '../../src/state/events.js';

/** An ISO time `seconds` after a fixed origin. */
export const at = (seconds: number): string => new Date(Date.UTC(2025, 0, 1) + seconds * 1000).toISOString();

export interface TaskDef {
  id: string;
  agent?: string;
  deps?: string[];
}

export function runStarted(
  runId: string,
  tasks: TaskDef[],
  extra: Partial<RunStartedEvent> = {},
): RunStartedEvent {
  return {
    id: `${runId}:run_started`,
    at: at(0),
    runId,
    type: 'run_started',
    spec: 'spec-a',
    specDir: 'specs/spec-a',
    format: 'kiro',
    workBranch: `quantumwala/${runId}`,
    mode: 'local',
    maxConcurrent: 4,
    tasks: tasks.map((t) => ({
      id: t.id,
      title: `Task ${t.id}`,
      deps: t.deps ?? [],
      ...(t.agent ? { agent: t.agent } : {}),
    })),
    ...extra,
  };
}

export function attemptStarted(
  runId: string,
  taskId: string,
  attempt: number,
  seconds: number,
  extra: Partial<AttemptStartedEvent> = {},
): AttemptStartedEvent {
  return {
    id: `${runId}:start:${taskId}#${attempt}`,
    at: at(seconds),
    runId,
    type: 'attempt_started',
    taskId,
    attempt,
    timeoutSeconds: 600,
    ...extra,
  };
}

export function attemptFinished(
  runId: string,
  taskId: string,
  attempt: number,
  seconds: number,
  extra: Partial<AttemptFinishedEvent> = {},
): AttemptFinishedEvent {
  return {
    id: `${runId}:finish:${taskId}#${attempt}`,
    at: at(seconds),
    runId,
    type: 'attempt_finished',
    taskId,
    attempt,
    outcome: 'succeeded',
    durationMs: 1000,
    ...extra,
  };
}

export function taskFinished(
  runId: string,
  taskId: string,
  seconds: number,
  status: TaskFinishedEvent['status'],
  extra: Partial<TaskFinishedEvent> = {},
): TaskFinishedEvent {
  return {
    id: `${runId}:task:${taskId}`,
    at: at(seconds),
    runId,
    type: 'task_finished',
    taskId,
    status,
    ...extra,
  };
}

export function resourceSample(
  runId: string,
  seconds: number,
  running: number,
  cpu: number,
  mem: number,
): StateEvent {
  return {
    id: `${runId}:sample:${seconds}`,
    at: at(seconds),
    runId,
    type: 'resource_sample',
    running,
    cpuPercent: cpu,
    memoryPercent: mem,
  };
}

export function runFinished(
  runId: string,
  seconds: number,
  status: RunFinishedEvent['status'],
): RunFinishedEvent {
  return { id: `${runId}:run_finished`, at: at(seconds), runId, type: 'run_finished', status };
}

/** Shuffled tests use it so they fail the same way every time. */
export { seededRandom } from './seeded-random.js';

export function shuffle<T>(items: readonly T[], random: () => number): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [out[i], out[j]] = [out[j] as T, out[i] as T];
  }
  return out;
}

/** A random merge of two sequences that keeps each one's own order. */
export function interleave<T>(a: readonly T[], b: readonly T[], random: () => number): T[] {
  const out: T[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    const takeA =
      j >= b.length || (i < a.length && random() < (a.length - i) / (a.length - i + b.length - j));
    out.push(takeA ? (a[i++] as T) : (b[j++] as T));
  }
  return out;
}
