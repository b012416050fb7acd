import { UserError } from '../errors.js';

/** The Claude Code CLI could not be found or started; the message says how to install or point to it. */
export class ClaudeNotFoundError extends UserError {
  readonly searched: readonly string[];

  constructor(detail: string, searched: readonly string[] = []) {
    super(
      `${detail}\nInstall the Claude Code CLI with \`npm install -g @anthropic-ai/claude-code\`, ` +
        'or set execution.claude_path (or QUANTUMWALA_CLAUDE_PATH) to its path.',
    );
    this.name = 'ClaudeNotFoundError';
    this.searched = searched;
  }
}
