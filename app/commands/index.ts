export { checkSpecName } from './check-spec-name.js';
export {
  COMMAND_PREFIX,
  type CancelCommand,
  type Command,
  type CommandFailure,
  type CommandName,
  type CommandSuccess,
  type HelpCommand,
  type ParsedCommand,
  type RetryCommand,
  type RunCommand,
  type StatusCommand,
} from './command.js';
export { COMMAND_LIMITS } from './command-limits.js';
export { findCommandLines, type CommandLine } from './find-command-lines.js';
export { formatUsageReply } from './format-usage-reply.js';
export { parseCommandLine } from './parse-command-line.js';
export { parseCommands } from './parse-commands.js';
export { quoteValue } from './quote-value.js';
export { USAGE } from './usage.js';
