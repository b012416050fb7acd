/** A `/quantumwala run <spec>` request from an issue comment. */
export interface RunCommand {
  name: 'run';
  spec: string;
  /** At most this many tasks at once; absent when the comment does not say. */
  maxConcurrent?: number;
  /** Run only these task ids; absent when the comment does not say. */
  only?: string[];
  includeOptional: boolean;
}

/** `/quantumwala status [spec]`: every spec when `spec` is absent. */
export interface StatusCommand {
  name: 'status';
  spec?: string;
}

/** `/quantumwala cancel <spec>`. */
export interface CancelCommand {
  name: 'cancel';
  spec: string;
}

/** `/quantumwala retry <spec> [ids]`: `ids` is empty when none were given. */
export interface RetryCommand {
  name: 'retry';
  spec: string;
  ids: string[];
}

/** `/quantumwala help`. */
export interface HelpCommand {
  name: 'help';
}

export type Command = RunCommand | StatusCommand | CancelCommand | RetryCommand | HelpCommand;

export type CommandName = Command['name'];

/** A command line that parsed; `line` is 1-based within the comment body. */
export interface CommandSuccess {
  ok: true;
  command: Command;
  line: number;
}

/** A command line that did not parse: `error` is short and safe to quote back, `usage` is {@link USAGE}. */
export interface CommandFailure {
  ok: false;
  error: string;
  line: number;
  usage: string;
}

export type ParsedCommand = CommandSuccess | CommandFailure;

/** What a command line starts with (after optional leading spaces). */
export const COMMAND_PREFIX = '/quantumwala';
