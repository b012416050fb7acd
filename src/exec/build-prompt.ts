import { resolveRequirements, type ResolvedRequirement } from '../spec/parse-requirements.js';
import type { ParsedTask, RequirementSection, Spec } from '../spec/types.js';
import { extractPaths, mentionsPath } from './extract-paths.js';
import { splitMarkdownSections } from './split-markdown-sections.js';

export interface TaskPrompt {
  prompt: string;
  /** Characters of spec context in the prompt (requirements, leverage list, design sections). */
  contextChars: number;
  /** Characters of the spec's tasks, requirements and design documents together. */
  fullSpecChars: number;
  /** 1 - prompt length / fullSpecChars: how much smaller the prompt is than the whole spec. */
  reduction: number;
  /** `_Requirements:_` references that name no section or criterion. */
  unresolvedRequirements: string[];
  /** The task's file paths that selected design sections. */
  paths: string[];
}

export interface BuildPromptOptions {
  /** Overrides the size the reduction is measured against (default: the spec's documents as read). */
  fullSpecChars?: number;
}

const STORY = /user story|^\W*as an?\s/i;
const ALL = /^\s*all(?: requirements)?\s*$/i;
const CRITERION_LINE = /^\s*\d+\.\s/;

/** The section's heading line and its user story (the line that says who wants what, and why). */
function sectionHead(section: RequirementSection): string[] {
  const lines = section.text.split('\n');
  const heading = lines[0] ?? `### ${section.title}`;
  const body = lines.slice(1);
  let index = body.findIndex((l) => STORY.test(l));
  if (index === -1)
    index = body.findIndex((l) => l.trim() !== '' && !l.startsWith('#') && !CRITERION_LINE.test(l));
  if (index === -1) return [heading];
  const story = [body[index] ?? ''];
  // "**User Story:**" alone on its line: the story is the next line.
  if (/user story:?\**\s*$/i.test(story[0] ?? '')) story.push(body[index + 1] ?? '');
  return [heading, ...story.filter((l) => l.trim() !== '').map((l) => l.slice(0, 600))];
}

function requirementsContext(resolved: ResolvedRequirement[]): string {
  const whole = new Map<string, RequirementSection>();
  const partial = new Map<string, { section: RequirementSection; criteria: Set<string> }>();
  for (const r of resolved) {
    if (r.criterion === undefined) whole.set(r.section.id, r.section);
  }
  for (const r of resolved) {
    if (r.criterion === undefined || whole.has(r.section.id)) continue;
    const entry = partial.get(r.section.id) ?? { section: r.section, criteria: new Set<string>() };
    entry.criteria.add(r.criterion.id);
    partial.set(r.section.id, entry);
  }
  const parts: string[] = [];
  const order = [...new Set(resolved.map((r) => r.section.id))];
  for (const id of order) {
    const section = whole.get(id);
    if (section) {
      parts.push(section.text.trim());
      continue;
    }
    const entry = partial.get(id);
    if (!entry) continue;
    const criteria = entry.section.criteria.filter((c) => entry.criteria.has(c.id));
    parts.push([...sectionHead(entry.section), ...criteria.map((c) => `- ${c.id}: ${c.text}`)].join('\n'));
  }
  return parts.join('\n\n');
}

/**
 * For `_Requirements: All_`: each requirement's heading and user story (not every criterion, which
 * would be the whole document), and where to read the rest.
 */
function allRequirementsOverview(sections: readonly RequirementSection[], file: string): string {
  const outer = sections.filter(
    (s) => !sections.some((o) => o !== s && o.text.length > s.text.length && o.text.includes(s.text)),
  );
  return [
    `This task covers all requirements; their criteria are in ${file}.`,
    ...outer.map((s) => sectionHead(s).join('\n')),
  ].join('\n\n');
}

/** The design sections that mention one of the task's paths, each under its heading trail. */
function designContext(design: string, paths: readonly string[]): string {
  if (paths.length === 0) return '';
  return splitMarkdownSections(design)
    .filter((s) => s.level > 0)
    .filter((s) => extractPaths(s.text).some((m) => paths.some((p) => mentionsPath(m, p))))
    .map((s) => {
      const [, ...body] = s.text.split('\n');
      return [`### ${s.trail.join(' › ')}`, ...body].join('\n').trim();
    })
    .join('\n\n');
}

/** The task's own paths: those in its title, details, leverage, `_Prompt:_` and boundary. */
function taskPaths(task: ParsedTask): string[] {
  const text = [task.title, ...task.details, ...task.leverage, task.prompt ?? '', task.boundary ?? ''].join(
    '\n',
  );
  return extractPaths(text);
}

/** The size of the spec's documents together: tasks, requirements and design, as read. */
export function specChars(spec: Spec): number {
  return spec.tasks.text.length + (spec.requirements?.text.length ?? 0) + (spec.design?.text.length ?? 0);
}

function section(title: string, body: string): string {
  return body.trim() === '' ? '' : `## ${title}\n\n${body.trim()}`;
}

/**
 * The prompt for one task's session: the task itself and only the context it refers to (the
 * requirement sections or criteria it names, the files it says to leverage, the design sections
 * that mention its files), plus the rules of the run: stay in the worktree, don't commit, don't edit
 * the tasks file. Pure: the same spec and task always give the same prompt.
 */
export function buildTaskPrompt(spec: Spec, task: ParsedTask, options: BuildPromptOptions = {}): TaskPrompt {
  const all = task.requirements.some((r) => ALL.test(r));
  const refs = task.requirements.filter((r) => !ALL.test(r));
  const { resolved, unresolved } = spec.requirements
    ? resolveRequirements(spec.requirements, refs)
    : { resolved: [], unresolved: [...task.requirements] };
  const paths = taskPaths(task);
  const parent = task.parent === undefined ? undefined : spec.tasks.tasks.find((t) => t.id === task.parent);
  const tasksFile = spec.tasks.file;

  const header = [
    `Task ID: ${task.id}`,
    `Task: ${task.title}`,
    `Spec: ${spec.location.name} (${spec.location.dir})`,
    ...(parent ? [`Part of: ${parent.id}. ${parent.title}`] : []),
  ].join('\n');
  const details = [
    ...task.details.map((d) => `- ${d}`),
    ...(task.requirements.length > 0 ? [`- Requirements: ${task.requirements.join(', ')}`] : []),
    ...(unresolved.length > 0
      ? [`- (not found in the requirements document: ${unresolved.join(', ')})`]
      : []),
  ].join('\n');
  const requirements = [
    requirementsContext(resolved),
    all && spec.requirements
      ? allRequirementsOverview(spec.requirements.sections, spec.requirements.file)
      : '',
  ]
    .filter((p) => p !== '')
    .join('\n\n');
  const leverage = task.leverage.length
    ? `Read these before you change anything, and reuse what they offer:\n${task.leverage.map((l) => `- ${l}`).join('\n')}`
    : '';
  const design = spec.design ? designContext(spec.design.text, paths) : '';
  const rules = [
    '- Work only inside the current working directory (this task has its own git worktree); do not create or change files outside it.',
    '- Do not commit, push, or switch branches: the orchestrator commits your changes when you finish.',
    `- Do not edit ${tasksFile} or the other spec documents: the orchestrator records task progress.`,
    '- Do only this task; other tasks run in their own sessions.',
    `- For more context, the spec's documents are in ${spec.location.dir}.`,
    '- Finish with a short summary of what you changed.',
  ].join('\n');

  const contextParts = [
    section('Requirements this task implements', requirements),
    section('Existing code to leverage', leverage),
    section('Relevant design', design),
  ];
  const prompt = [
    header,
    section('Details', details),
    section('Instructions', task.prompt ?? ''),
    section('Boundary', task.boundary ?? ''),
    ...contextParts,
    section('Rules', rules),
  ]
    .filter((p) => p !== '')
    .join('\n\n');

  const fullSpecChars = options.fullSpecChars ?? specChars(spec);
  return {
    prompt,
    contextChars: contextParts.reduce((n, p) => n + p.length, 0),
    fullSpecChars,
    reduction: fullSpecChars > 0 ? 1 - prompt.length / fullSpecChars : 0,
    unresolvedRequirements: unresolved,
    paths,
  };
}
