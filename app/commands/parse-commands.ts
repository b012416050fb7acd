import type { ParsedCommand } from './command.js';
import { COMMAND_LIMITS } from './command-limits.js';
import { findCommandLines } from './find-command-lines.js';
import { parseCommandLine } from './parse-command-line.js';

/**
 * The `/quantumwala` commands in an issue comment body, in order: one result per command line
 * (see {@link findCommandLines} for which lines count), at most
 * {@link COMMAND_LIMITS.commandsPerComment} of them; later command lines are ignored. Lines that are
 * not commands are ignored; a command line that does not parse gives `ok: false` with a short error
 * and the usage text.
 */
export function parseCommands(body: string): ParsedCommand[] {
  return findCommandLines(body, COMMAND_LIMITS.commandsPerComment).map(({ line, text }) =>
    parseCommandLine(text, line),
  );
}
