import * as core from '@actions/core';
import { ConfigError } from '../config/index.js';
import { UserError } from '../errors.js';
import { VERSION } from '../version.js';
import { ActionInputError } from './action-inputs.js';
import { runAction } from './run-action.js';

// `node dist/index.js --version`: a no-op that shows the bundle loads (the bench measures its start).
if (process.argv.includes('--version')) {
  process.stdout.write(`${VERSION}\n`);
} else {
  runAction().then(
    (code) => {
      process.exitCode = code;
    },
    (err: unknown) => {
      const known = err instanceof UserError || err instanceof ConfigError || err instanceof ActionInputError;
      core.setFailed(
        known ? (err as Error).message : err instanceof Error ? (err.stack ?? err.message) : String(err),
      );
      process.exitCode = 1;
    },
  );
}
