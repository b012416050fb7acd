/** Where in the user's files a problem is. `file` is always repository-relative. */
export interface SourceLocation {
  file: string;
  line?: number;
}

export type DiagnosticSeverity = 'error' | 'warning';

/** A problem found in a spec: errors stop a plan, warnings are reported and do not. */
export interface Diagnostic extends SourceLocation {
  severity: DiagnosticSeverity;
  message: string;
}

export function formatLocation(loc: SourceLocation): string {
  return loc.line === undefined ? loc.file : `${loc.file}:${loc.line}`;
}

export function formatDiagnostic(d: Diagnostic): string {
  return `${formatLocation(d)}: ${d.message}`;
}

/**
 * An error the user can act on (bad input, a spec that does not parse, a name that matches nothing).
 * The CLI prints its message without a stack trace; anything else is a bug and is printed in full.
 */
export class UserError extends Error {
  readonly diagnostics: Diagnostic[];

  constructor(message: string, diagnostics: Diagnostic[] = []) {
    super(message);
    this.name = 'UserError';
    this.diagnostics = diagnostics;
  }
}

/** A spec whose tasks cannot be turned into a graph; the message lists every error. */
export class SpecError extends UserError {
  constructor(diagnostics: Diagnostic[]) {
    super(diagnostics.map(formatDiagnostic).join('\n'), diagnostics);
    this.name = 'SpecError';
  }
}

/** The message of anything thrown (an Error's message, else its string form). */
export function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
