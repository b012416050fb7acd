import type { ConfigFlag } from '../config/index.js';

/** What a CLI command may touch of its process, so commands run the same in tests and in a terminal. */
export interface CliIo {
  /** Writes one block of output; a trailing newline is added when missing. */
  stdout(text: string): void;
  stderr(text: string): void;
  cwd: string;
  env: NodeJS.ProcessEnv;
  /** Fires on Ctrl-C: long commands stop cleanly. */
  signal?: AbortSignal;
  /** The terminal, when stdout is one: run draws its live view on it. */
  tty?: NodeJS.WriteStream;
}

/** What every command gets: where the repository is, the environment and the config flags given. */
export interface CommonOptions {
  repoDir: string;
  env: NodeJS.ProcessEnv;
  flags: ConfigFlag[];
}
