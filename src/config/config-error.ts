/**
 * A setting that cannot be used: a bad value, a file that does not parse or cannot be read.
 * The message is meant for the user as is, e.g.
 * `invalid config: resources.max_concurrent_tasks = "abc" (from QUANTUMWALA_MAX_CONCURRENT): expected a positive integer`.
 */
export class ConfigError extends Error {
  /** Dotted key path (`resources.max_concurrent_tasks`), or undefined when the whole source is bad. */
  readonly key: string | undefined;
  /** Where the value came from: `defaults`, a file name, `QUANTUMWALA_<NAME>` or `--<flag>`. */
  readonly source: string;
  /** The offending value as the source gave it (undefined for a missing key or a whole-source error). */
  readonly value: unknown;

  constructor(message: string, fields: { key?: string; source: string; value?: unknown }) {
    super(message);
    this.name = 'ConfigError';
    this.key = fields.key;
    this.source = fields.source;
    this.value = fields.value;
  }

  /** A bad value at `key`; `problem` is the explanation, e.g. "expected a positive integer". */
  static forValue(key: string, value: unknown, source: string, problem: string): ConfigError {
    const what = value === undefined ? `${key} is missing` : `${key} = ${formatValue(value)}`;
    return new ConfigError(`invalid config: ${what} (from ${source}): ${problem}`, { key, source, value });
  }

  /** A source that cannot be used at all (unreadable, not valid YAML/JSON, wrong top-level shape). */
  static forSource(source: string, problem: string): ConfigError {
    return new ConfigError(`invalid config: ${source}: ${problem}`, { source });
  }
}

/** Strings are quoted, numbers and booleans are bare, everything else is shown as (short) JSON. */
export function formatValue(value: unknown): string {
  if (typeof value === 'number' || typeof value === 'bigint' || typeof value === 'boolean')
    return String(value);
  if (value === undefined) return 'undefined';
  let text: string;
  try {
    text = JSON.stringify(value) ?? String(value);
  } catch {
    text = String(value);
  }
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}
