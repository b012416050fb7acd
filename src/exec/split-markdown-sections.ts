const HEADING = /^(#{1,6})\s+(.*?)\s*#*\s*$/;
const FENCE = /^\s*(```|~~~)/;

export interface MarkdownSection {
  /** The titles of the enclosing headings and this one, outermost first. */
  trail: string[];
  level: number;
  /** 1-based line of the heading (0 for text before the first heading). */
  line: number;
  /** The heading line and the body up to the next heading of any level. */
  text: string;
}

/**
 * Splits a markdown document at every heading outside code fences. Each section holds its own body
 * only (not its subsections), so a document's sections partition it; text before the first heading
 * is a section with level 0 and an empty trail.
 */
export function splitMarkdownSections(text: string): MarkdownSection[] {
  const sections: MarkdownSection[] = [];
  const trail: { level: number; title: string }[] = [];
  let current: MarkdownSection = { trail: [], level: 0, line: 0, text: '' };
  let lines: string[] = [];
  let inFence = false;
  const flush = (): void => {
    current.text = lines.join('\n').trimEnd();
    if (current.text.trim() !== '') sections.push(current);
  };
  text.split(/\r?\n/).forEach((line, index) => {
    if (FENCE.test(line)) inFence = !inFence;
    const heading = inFence ? null : HEADING.exec(line);
    if (heading) {
      flush();
      const level = (heading[1] ?? '').length;
      while (trail.length > 0 && (trail[trail.length - 1]?.level ?? 0) >= level) trail.pop();
      trail.push({ level, title: (heading[2] ?? '').trim() });
      current = { trail: trail.map((t) => t.title), level, line: index + 1, text: '' };
      lines = [];
    }
    lines.push(line);
  });
  flush();
  return sections;
}
