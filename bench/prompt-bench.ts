import path from 'node:path';
import { buildTaskPrompt, specChars } from '../src/exec/build-prompt.js';
import { fsSpecSource } from '../src/spec/fs-spec-source.js';
import { loadSpec } from '../src/spec/load-spec.js';
import { locateSpecs } from '../src/spec/locate-specs.js';

export interface PromptBenchRow {
  spec: string;
  tasks: number;
  specChars: number;
  meanPromptChars: number;
  /** Mean prompt size as a fraction of the whole spec (tasks + requirements + design). */
  ratio: number;
}

/** Prompt size with only the context a task refers to, against the whole spec, for every corpus spec. */
export async function benchPrompts(corpus: string): Promise<PromptBenchRow[]> {
  const rows: PromptBenchRow[] = [];
  for (const repo of ['quantumwala', 'claude-code-spec-workflow', 'cc-sdd', 'kiro', 'spec-kit']) {
    const source = fsSpecSource(path.join(corpus, repo));
    for (const location of locateSpecs(await source.listFiles())) {
      if (!location.tasksFile) continue;
      const spec = await loadSpec(source, location);
      const units = spec.tasks.tasks.filter((t) => !spec.tasks.tasks.some((c) => c.parent === t.id));
      const sizes = units.map((t) => buildTaskPrompt(spec, t).prompt.length);
      const mean = sizes.reduce((a, b) => a + b, 0) / sizes.length;
      rows.push({
        spec: `${repo}/${location.name}`,
        tasks: units.length,
        specChars: specChars(spec),
        meanPromptChars: mean,
        ratio: mean / specChars(spec),
      });
    }
  }
  return rows;
}
