import { checkSpecName } from './check-spec-name.js';
import type {
  CancelCommand,
  Command,
  ParsedCommand,
  RetryCommand,
  RunCommand,
  StatusCommand,
} from './command.js';
import { COMMAND_LIMITS } from './command-limits.js';
import { quoteValue } from './quote-value.js';
import { USAGE } from './usage.js';

type Outcome<T extends Command> = { command: T } | { error: string };

const TASK_ID = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;
const PLAIN_OPTION = /^--?[A-Za-z0-9][A-Za-z0-9-]{0,39}$/;
const WHOLE_NUMBER = /^[0-9]{1,4}$/;
const MAX_CONCURRENT_ERROR = `--max-concurrent needs a whole number from 1 to ${COMMAND_LIMITS.maxConcurrent}`;
const ONLY_ERROR = '--only needs a comma-separated list of task ids';

const fail = (error: string): { error: string } => ({ error });

/** `<!-- … -->` parts of a command line dropped (they do not render), and an unclosed one cut off. */
function withoutComments(text: string): string {
  let out = '';
  let at = 0;
  for (;;) {
    const open = text.indexOf('<!--', at);
    if (open < 0) return out + text.slice(at);
    out += `${text.slice(at, open)} `;
    const close = text.indexOf('-->', open + 4);
    if (close < 0) return out;
    at = close + 3;
  }
}

function unknownOption(arg: string): string {
  const option = arg.split('=', 1)[0] ?? arg;
  return `unknown option ${PLAIN_OPTION.test(option) ? option : quoteValue(option)}`;
}

/** Task ids from comma-separated `lists`, deduplicated in order, or why they are not valid. */
function parseTaskIds(lists: string[]): string[] | { error: string } {
  const ids = new Set<string>();
  for (const list of lists) {
    for (const id of list.split(',')) {
      if (id === '') continue;
      if (id.length > COMMAND_LIMITS.taskIdLength || !TASK_ID.test(id)) {
        return fail(`task id ${quoteValue(id)} may only use letters, digits, ".", "_" and "-"`);
      }
      ids.add(id);
      if (ids.size > COMMAND_LIMITS.taskIds)
        return fail(`too many task ids (at most ${COMMAND_LIMITS.taskIds})`);
    }
  }
  return [...ids];
}

function parseRun(args: string[]): Outcome<RunCommand> {
  let spec: string | undefined;
  let maxConcurrent: number | undefined;
  let only: string[] | undefined;
  let includeOptional = false;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] ?? '';
    if (!arg.startsWith('-')) {
      if (spec !== undefined) return fail(`run takes one spec name, got an extra ${quoteValue(arg)}`);
      const error = checkSpecName(arg);
      if (error !== undefined) return fail(error);
      spec = arg;
      continue;
    }
    const equals = arg.indexOf('=');
    const option = equals < 0 ? arg : arg.slice(0, equals);
    const inline = equals < 0 ? undefined : arg.slice(equals + 1);
    // The next argument is the option's value unless it is itself an option.
    const takeValue = (): string | undefined => {
      if (inline !== undefined) return inline;
      const next = args[i + 1];
      if (next === undefined || next.startsWith('--')) return undefined;
      i++;
      return next;
    };
    switch (option) {
      case '--max-concurrent': {
        if (maxConcurrent !== undefined) return fail('--max-concurrent is given twice');
        const value = takeValue();
        if (value === undefined) return fail(MAX_CONCURRENT_ERROR);
        const n = WHOLE_NUMBER.test(value) ? Number(value) : NaN;
        if (!(n >= 1 && n <= COMMAND_LIMITS.maxConcurrent)) {
          return fail(`${MAX_CONCURRENT_ERROR}, got ${quoteValue(value)}`);
        }
        maxConcurrent = n;
        break;
      }
      case '--only': {
        if (only !== undefined) return fail('--only is given twice');
        const value = takeValue();
        if (value === undefined) return fail(ONLY_ERROR);
        const ids = parseTaskIds([value]);
        if (!Array.isArray(ids)) return ids;
        if (ids.length === 0) return fail(ONLY_ERROR);
        only = ids;
        break;
      }
      case '--include-optional':
        if (inline !== undefined) return fail('--include-optional takes no value');
        includeOptional = true;
        break;
      default:
        return fail(unknownOption(arg));
    }
  }
  if (spec === undefined) return fail('run needs a spec name');
  const command: RunCommand = { name: 'run', spec, includeOptional };
  if (maxConcurrent !== undefined) command.maxConcurrent = maxConcurrent;
  if (only !== undefined) command.only = only;
  return { command };
}

/** Positional arguments of a command without options, or the first option as an error. */
function positionals(args: string[]): string[] | { error: string } {
  const option = args.find((arg) => arg.startsWith('-'));
  return option === undefined ? args : fail(unknownOption(option));
}

function parseStatus(args: string[]): Outcome<StatusCommand> {
  const given = positionals(args);
  if (!Array.isArray(given)) return given;
  const [spec, extra] = given;
  if (extra !== undefined)
    return fail(`status takes at most one spec name, got an extra ${quoteValue(extra)}`);
  if (spec === undefined) return { command: { name: 'status' } };
  const error = checkSpecName(spec);
  return error === undefined ? { command: { name: 'status', spec } } : fail(error);
}

function parseCancel(args: string[]): Outcome<CancelCommand> {
  const given = positionals(args);
  if (!Array.isArray(given)) return given;
  const [spec, extra] = given;
  if (spec === undefined) return fail('cancel needs a spec name');
  const error = checkSpecName(spec);
  if (error !== undefined) return fail(error);
  if (extra !== undefined) return fail(`cancel takes one spec name, got an extra ${quoteValue(extra)}`);
  return { command: { name: 'cancel', spec } };
}

function parseRetry(args: string[]): Outcome<RetryCommand> {
  const given = positionals(args);
  if (!Array.isArray(given)) return given;
  const [spec, ...lists] = given;
  if (spec === undefined) return fail('retry needs a spec name');
  const error = checkSpecName(spec);
  if (error !== undefined) return fail(error);
  const ids = parseTaskIds(lists);
  return Array.isArray(ids) ? { command: { name: 'retry', spec, ids } } : ids;
}

function parseArgs(name: string | undefined, args: string[]): Outcome<Command> {
  switch (name) {
    case undefined:
      return fail('missing command after /quantumwala');
    case 'run':
      return parseRun(args);
    case 'status':
      return parseStatus(args);
    case 'cancel':
      return parseCancel(args);
    case 'retry':
      return parseRetry(args);
    case 'help':
      return { command: { name: 'help' } };
    default:
      return fail(`unknown command ${quoteValue(name)}`);
  }
}

/**
 * One command line (starting with `/quantumwala`, no leading whitespace). Arguments are split on
 * whitespace only: quotes, `$`, backslashes and the like are ordinary characters; nothing is evaluated.
 */
export function parseCommandLine(text: string, line: number): ParsedCommand {
  // The first word is the /quantumwala prefix itself.
  const [, name, ...args] = withoutComments(text).trim().split(/\s+/);
  const outcome = parseArgs(name, args);
  return 'command' in outcome
    ? { ok: true, command: outcome.command, line }
    : { ok: false, error: outcome.error, line, usage: USAGE };
}
