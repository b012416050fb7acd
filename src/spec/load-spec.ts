import { UserError, type Diagnostic, errorMessage } from '../errors.js';
import type { SpecSource } from './fs-spec-source.js';
import { parseRequirements } from './parse-requirements.js';
import { parseSpecMeta } from './parse-spec-meta.js';
import { parseTasks } from './parse-tasks.js';
import type { Spec, SpecLocation } from './types.js';

/**
 * Reads and parses a spec's documents. A missing, unreadable or empty tasks file is an error; a
 * requirements, design or spec.json file that cannot be read is a warning in `tasks.diagnostics`.
 */
export async function loadSpec(source: SpecSource, location: SpecLocation): Promise<Spec> {
  const file = location.tasksFile;
  if (!file) {
    throw new UserError(`${location.dir}: no tasks file (expected tasks.md or <name>-tasks.md)`);
  }
  let text: string;
  try {
    text = await source.readFile(file);
  } catch (err) {
    throw new UserError(`${file}: cannot read tasks file: ${errorMessage(err)}`);
  }
  const tasks = parseTasks(text, file);
  if (tasks.tasks.length === 0) {
    throw new UserError(
      `${file}: no tasks found (expected checkbox lines such as "- [ ] 1. Title", or "#### Task 1: Title" cards)`,
    );
  }
  const warnings: Diagnostic[] = [];
  const optional = async (path: string | undefined, what: string): Promise<string | undefined> => {
    if (!path) return undefined;
    try {
      return await source.readFile(path);
    } catch (err) {
      warnings.push({
        severity: 'warning',
        file: path,
        message: `cannot read ${what}: ${errorMessage(err)}`,
      });
      return undefined;
    }
  };

  const spec: Spec = { location: { ...location }, tasks };
  if (location.format === 'claude-code-spec-workflow' && tasks.tasks.some((t) => t.kind === 'card')) {
    spec.location.format = 'quantumwala';
  }
  const requirements = await optional(location.requirementsFile, 'requirements');
  if (requirements !== undefined && location.requirementsFile) {
    spec.requirements = parseRequirements(requirements, location.requirementsFile);
  }
  const design = await optional(location.designFile, 'design');
  if (design !== undefined && location.designFile) spec.design = { file: location.designFile, text: design };
  const meta = await optional(location.metaFile, 'spec.json');
  if (meta !== undefined && location.metaFile) {
    try {
      spec.meta = parseSpecMeta(meta);
    } catch (err) {
      warnings.push({
        severity: 'warning',
        file: location.metaFile,
        message: `not valid: ${errorMessage(err)}`,
      });
    }
  }
  tasks.diagnostics.push(...warnings);
  return spec;
}
