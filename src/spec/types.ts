import type { Diagnostic } from '../errors.js';

/** The checkbox states users write: `[ ]` pending, `[x]` done, `[-]` in progress, `[~]` blocked. */
export type TaskStatus = 'pending' | 'done' | 'in_progress' | 'blocked';

export type SpecFormat =
  'quantumwala' | 'claude-code-spec-workflow' | 'kiro' | 'cc-sdd' | 'spec-kit' | 'spec-workflow' | 'custom';

/** A dependency as written, before it is resolved against the file's task IDs. */
export interface DependencyRef {
  value: string;
  line: number;
}

/** One task (a checkbox line or a Quantumwala task card) or a numbered group heading, as parsed. */
export interface ParsedTask {
  id: string;
  title: string;
  /** The state of the task's own checkbox; for a group the graph derives the real state. */
  status: TaskStatus;
  optional: boolean;
  /** `[P]` (spec-kit) or `(P)` (cc-sdd). */
  parallel: boolean;
  /** spec-kit story label such as `US1`. */
  story?: string;
  /** ID of the enclosing task (by indentation) or numbered group heading. */
  parent?: string;
  /** Index into `ParsedTasksFile.phases`, when the task stands under a phase heading. */
  phase?: number;
  /** `heading` for a numbered group heading (`## 1. Title`), `card` for a task card, else `checkbox`. */
  kind: 'checkbox' | 'card' | 'heading';
  /** True when the file gave no ID and one was assigned. */
  generatedId: boolean;
  /** Explicit dependencies; `undefined` when the task states none, `[]` for an explicit "None". */
  depends?: DependencyRef[];
  requirements: string[];
  leverage: string[];
  agent?: string;
  prompt?: string;
  boundary?: string;
  /** Estimated effort in hours when the task states one (task cards' `**Effort:**`). */
  effortHours?: number;
  /** The task's other detail lines, as written (without bullets), for the prompt. */
  details: string[];
  line: number;
}

export interface Phase {
  index: number;
  title: string;
  line: number;
}

export interface ParsedTasksFile {
  file: string;
  /** The file as read (prompt sizes are measured against the whole spec). */
  text: string;
  tasks: ParsedTask[];
  phases: Phase[];
  diagnostics: Diagnostic[];
}

/** A requirement section (`### Requirement 2: …`, `### FR-001: …`) with its acceptance criteria. */
export interface RequirementSection {
  id: string;
  title: string;
  line: number;
  /** The whole section's text, heading included. */
  text: string;
  criteria: { id: string; text: string; line: number }[];
}

export interface ParsedRequirements {
  file: string;
  text: string;
  sections: RequirementSection[];
}

/** cc-sdd's spec.json: the phase the spec is in and its approvals. */
export interface SpecMeta {
  featureName?: string;
  phase?: string;
  approvals: Record<string, { generated?: boolean; approved?: boolean }>;
  readyForImplementation?: boolean;
}

/** A spec folder as found in a repository, before its files are read. */
export interface SpecLocation {
  /** The folder name, which is the spec's name. */
  name: string;
  /** Other names it answers to (spec-kit's `001-name` also answers to `name`). */
  aliases: string[];
  /** Repository-relative folder path, `/`-separated. */
  dir: string;
  format: SpecFormat;
  /** Repository-relative paths of the spec's documents, when present. */
  tasksFile?: string;
  requirementsFile?: string;
  designFile?: string;
  metaFile?: string;
}

export interface Spec {
  location: SpecLocation;
  tasks: ParsedTasksFile;
  requirements?: ParsedRequirements;
  design?: { file: string; text: string };
  meta?: SpecMeta;
}
