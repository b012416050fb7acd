import { COMMAND_PREFIX } from './command.js';
import { COMMAND_LIMITS } from './command-limits.js';

/** A line of a comment that starts with {@link COMMAND_PREFIX} outside code, quotes and comments. */
export interface CommandLine {
  /** 1-based line number within the comment body. */
  line: number;
  /** The line without its leading whitespace; starts with the prefix. */
  text: string;
}

interface Fence {
  char: '`' | '~';
  length: number;
  indent: number;
}

const LINE_BREAK = /\r\n|\r|\n/;
const BLANK = /^[ \t]*$/;
const LEADING_WHITESPACE = /^[ \t]*/;
const BACKTICK_FENCE = /^(`{3,})[^`]*$/;
const TILDE_FENCE = /^(~{3,})/;
const FENCE_CLOSE = /^(`{3,}|~{3,})[ \t]*$/;
const COMMAND_START = new RegExp(`^${COMMAND_PREFIX}(?:[ \\t]|$)`);
const COMMENT_OPEN = '<!--';
const COMMENT_CLOSE = '-->';

/** `body` cut to the length limit, dropping a line the cut went through (never parse half a command). */
function capBody(body: string): string {
  const limit = COMMAND_LIMITS.bodyLength;
  if (body.length <= limit) return body;
  const next = body[limit];
  const kept = body.slice(0, limit);
  if (next === '\n' || next === '\r') return kept;
  return kept.slice(0, Math.max(kept.lastIndexOf('\n'), kept.lastIndexOf('\r')) + 1);
}

/** Width of the leading whitespace, a tab reaching the next multiple of 4 columns (as in CommonMark). */
function indentWidth(whitespace: string): number {
  let width = 0;
  for (const c of whitespace) width = c === '\t' ? width + 4 - (width % 4) : width + 1;
  return width;
}

function fenceOpening(content: string, indent: number): Fence | undefined {
  const backticks = BACKTICK_FENCE.exec(content);
  if (backticks?.[1] !== undefined) return { char: '`', length: backticks[1].length, indent };
  const tildes = TILDE_FENCE.exec(content);
  if (tildes?.[1] !== undefined) return { char: '~', length: tildes[1].length, indent };
  return undefined;
}

function closesFence(content: string, indent: number, fence: Fence): boolean {
  const close = FENCE_CLOSE.exec(content)?.[1];
  // Strict on purpose: a line that only looks like a closing fence leaves the code block open.
  return (
    close !== undefined &&
    close[0] === fence.char &&
    close.length >= fence.length &&
    indent <= fence.indent + 3
  );
}

/** Whether an HTML comment is still open at the end of `text`, scanning from `from` outside any comment. */
function commentOpenAfter(text: string, from: number): boolean {
  let at = from;
  for (;;) {
    const open = text.indexOf(COMMENT_OPEN, at);
    if (open < 0) return false;
    const close = text.indexOf(COMMENT_CLOSE, open + COMMENT_OPEN.length);
    if (close < 0) return true;
    at = close + COMMENT_CLOSE.length;
  }
}

/**
 * The command lines of a comment body, in order, at most `max` of them (at most
 * {@link COMMAND_LIMITS.bodyLength} characters of the body are read). A command line starts with the
 * prefix after optional spaces and is outside fenced code (``` or ~~~, at any indentation), indented
 * code (4+ columns after a blank line), block quotes (`>` lines and their lazy continuation lines)
 * and HTML comments (`<!-- … -->`, over several lines too). Where the markdown is ambiguous the
 * scanner errs towards ignoring a line: it never reads text that renders as code, quote or comment.
 */
export function findCommandLines(
  body: string,
  max: number = COMMAND_LIMITS.commandsPerComment,
): CommandLine[] {
  const found: CommandLine[] = [];
  if (max <= 0) return found;
  const lines = capBody(body).split(LINE_BREAK);
  let fence: Fence | undefined;
  // 'block': a line starting with <!-- (an HTML block, ends only at -->); 'inline': <!-- later in a
  // line (ends at --> or where the paragraph ends, at a blank line).
  let comment: 'block' | 'inline' | undefined;
  let inQuote = false;
  let inIndentedCode = false;
  let afterBlank = true;

  for (const [index, line] of lines.entries()) {
    const whitespace = LEADING_WHITESPACE.exec(line)?.[0] ?? '';
    const indent = indentWidth(whitespace);
    const content = line.slice(whitespace.length);
    const blank = BLANK.test(line);

    if (fence) {
      if (closesFence(content, indent, fence)) fence = undefined;
      afterBlank = false;
      continue;
    }
    if (comment) {
      if (comment === 'inline' && blank) {
        comment = undefined;
        inQuote = false;
        afterBlank = true;
        continue;
      }
      const close = line.indexOf(COMMENT_CLOSE);
      if (close >= 0) comment = commentOpenAfter(line, close + COMMENT_CLOSE.length) ? comment : undefined;
      afterBlank = false;
      continue;
    }
    if (blank) {
      inQuote = false;
      afterBlank = true;
      continue;
    }

    const codeLine: boolean = indent >= 4 && (afterBlank || inIndentedCode);
    const quoteLine = content.startsWith('>') || (inQuote && !codeLine);
    const opening = fenceOpening(content, indent);
    afterBlank = false;
    if (opening) {
      // Also inside indented code or a quote: a fence nested in a list item may look like either.
      fence = opening;
      inQuote = false;
      inIndentedCode = false;
      continue;
    }
    if (commentOpenAfter(content, 0)) comment = content.startsWith(COMMENT_OPEN) ? 'block' : 'inline';
    inIndentedCode = codeLine;
    if (codeLine) continue;
    if (quoteLine) {
      inQuote = true;
      continue;
    }
    if (COMMAND_START.test(content)) {
      found.push({ line: index + 1, text: content });
      if (found.length >= max) break;
    }
  }
  return found;
}
