import type { ParsedRequirements, RequirementSection } from './types.js';

const HEADING = /^(#{1,6})\s+(.*?)\s*#*\s*$/;
const FENCE = /^\s*(```|~~~)/;
const CRITERION = /^\s*(\d+)\.\s+(.*)$/;

/** The ID a requirement heading defines, if it defines one. */
function headingId(title: string): string | undefined {
  const t = title.replace(/\*\*/g, '').trim();
  const patterns: [RegExp, (m: RegExpExecArray) => string][] = [
    [/^requirement\s+(\d+(?:\.\d+)*)\b/i, (m) => m[1] ?? ''],
    [/^user story\s+(\d+)\b/i, (m) => `US${m[1] ?? ''}`],
    [/^([A-Z]{1,6}-\d+(?:\.\d+)*)\b/, (m) => m[1] ?? ''],
    [/^(\d+(?:\.\d+)*)\.?\s/, (m) => m[1] ?? ''],
  ];
  for (const [re, id] of patterns) {
    const m = re.exec(t);
    if (m) return id(m);
  }
  return undefined;
}

/**
 * Splits a requirements document into addressable sections (`### Requirement 2`, `### FR-001: …`,
 * `### User Story 1 - …`) with their numbered acceptance criteria (`2.3` is criterion 3 of
 * requirement 2), so `_Requirements: 2.3_` can be resolved to just the text it names.
 */
export function parseRequirements(text: string, file: string): ParsedRequirements {
  const lines = text.split(/\r?\n/);
  const sections: RequirementSection[] = [];
  const open: { level: number; section: RequirementSection; lines: string[] }[] = [];
  let inFence = false;

  const close = (level: number): void => {
    while (open.length > 0 && (open[open.length - 1]?.level ?? 0) >= level) {
      const done = open.pop();
      if (done) done.section.text = done.lines.join('\n').trimEnd();
    }
  };

  lines.forEach((line, index) => {
    const lineNo = index + 1;
    if (FENCE.test(line)) inFence = !inFence;
    const heading = inFence ? null : HEADING.exec(line);
    if (heading) {
      const level = (heading[1] ?? '').length;
      close(level);
      const id = headingId(heading[2] ?? '');
      if (id !== undefined) {
        const section: RequirementSection = {
          id,
          title: (heading[2] ?? '').trim(),
          line: lineNo,
          text: '',
          criteria: [],
        };
        sections.push(section);
        open.push({ level, section, lines: [] });
      }
    }
    for (const o of open) o.lines.push(line);
    const innermost = open[open.length - 1];
    const criterion = inFence || heading ? null : CRITERION.exec(line);
    if (innermost && criterion && /^\S/.test(line)) {
      innermost.section.criteria.push({
        id: `${innermost.section.id}.${criterion[1] ?? ''}`,
        text: (criterion[2] ?? '').trim(),
        line: lineNo,
      });
    }
  });
  close(0);
  return { file, text, sections };
}

export interface ResolvedRequirement {
  ref: string;
  section: RequirementSection;
  /** Present when the reference names one acceptance criterion. */
  criterion?: RequirementSection['criteria'][number];
}

function expandRange(ref: string): string[] {
  const m = /^(\d+(?:\.\d+)*?)\.(\d+)\s*[-–]\s*(?:\1\.)?(\d+)$/.exec(ref);
  if (!m) return [ref];
  const from = Number(m[2]);
  const to = Number(m[3]);
  if (!(to >= from) || to - from > 100) return [ref];
  return Array.from({ length: to - from + 1 }, (_, i) => `${m[1]}.${from + i}`);
}

/** Resolves `_Requirements:_` references; those that name nothing are returned in `unresolved`. */
export function resolveRequirements(
  reqs: ParsedRequirements,
  refs: readonly string[],
): { resolved: ResolvedRequirement[]; unresolved: string[] } {
  const byId = new Map(reqs.sections.map((s) => [s.id.toLowerCase(), s]));
  const resolved: ResolvedRequirement[] = [];
  const unresolved: string[] = [];
  for (const raw of refs) {
    for (const ref of expandRange(raw.trim().replace(/^requirements?\s+/i, ''))) {
      const key = ref.toLowerCase();
      const section = byId.get(key);
      if (section) {
        resolved.push({ ref, section });
        continue;
      }
      const dot = key.lastIndexOf('.');
      const parent = dot > 0 ? byId.get(key.slice(0, dot)) : undefined;
      const criterion = parent?.criteria.find((c) => c.id.toLowerCase() === key);
      if (parent && criterion) resolved.push({ ref, section: parent, criterion });
      else unresolved.push(ref);
    }
  }
  return { resolved, unresolved };
}
