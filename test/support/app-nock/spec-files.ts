/** Spec files for the fake repository: the text-stats example, and small Kiro specs made to measure. */
import { readFileSync } from 'node:fs';

const EXAMPLE = new URL('../../../examples/text-stats/.kiro/specs/text-stats/', import.meta.url);

/** examples/text-stats (9 tasks: 1 → 2.1 2.2 2.3 → 3 → 4 → 5 6 → 7), at .kiro/specs/text-stats. */
export function textStatsFiles(): Record<string, string> {
  const files: Record<string, string> = {};
  for (const name of ['tasks.md', 'requirements.md', 'design.md']) {
    files[`.kiro/specs/text-stats/${name}`] = readFileSync(new URL(name, EXAMPLE), 'utf8');
  }
  return files;
}

export interface SpecTask {
  id: string;
  deps?: string[];
  title?: string;
}

/** A Kiro tasks.md: one checkbox per task, `_Depends: …_` under those that have dependencies. */
export function tasksMarkdown(tasks: readonly SpecTask[]): string {
  const lines = ['# Implementation Plan', ''];
  for (const t of tasks) {
    lines.push(`- [ ] ${t.id}. ${t.title ?? `Task ${t.id}`}`);
    if (t.deps && t.deps.length > 0) lines.push(`  - _Depends: ${t.deps.join(', ')}_`);
    lines.push('');
  }
  return lines.join('\n');
}

export function specFiles(name: string, tasks: readonly SpecTask[]): Record<string, string> {
  return { [`.kiro/specs/${name}/tasks.md`]: tasksMarkdown(tasks) };
}

/**
 * `n` independent tasks, and a last one that depends on all of them (its `_Depends_` line makes the
 * others' dependencies explicit: none).
 */
export function fanOutTasks(n: number): SpecTask[] {
  const ids = Array.from({ length: n }, (_, i) => String(i + 1));
  return [...ids.map((id) => ({ id })), { id: String(n + 1), deps: ids }];
}
