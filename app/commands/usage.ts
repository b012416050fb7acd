import { COMMAND_LIMITS } from './command-limits.js';

/**
 * Markdown help listing every command and option. Every command in it is inside a code span, so a
 * reply quoting it never contains a command line itself.
 */
export const USAGE = [
  '**Quantumwala commands** (one per line, at the start of the line):',
  '',
  '- `/quantumwala run <spec> [--max-concurrent N] [--only ID,ID] [--include-optional]`: run the tasks of a spec',
  `  - \`--max-concurrent N\`: run at most N tasks at once (1 to ${COMMAND_LIMITS.maxConcurrent})`,
  '  - `--only ID,ID`: run only these task ids (comma-separated)',
  '  - `--include-optional`: also run tasks marked optional',
  '- `/quantumwala status [spec]`: show the progress of one spec, or of all of them',
  '- `/quantumwala cancel <spec>`: stop a running spec',
  '- `/quantumwala retry <spec> [ID ...]`: retry a spec, or only the given task ids (comma- or space-separated)',
  '- `/quantumwala help`: show this help',
  '',
  'Spec names use letters, digits, `.`, `_`, `-` and `/`, and stay inside the repository.',
  `Commands in code blocks, block quotes and HTML comments are ignored; at most ${COMMAND_LIMITS.commandsPerComment} are read per comment.`,
].join('\n');
