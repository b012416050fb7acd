/** Bounds on the work one comment (user input) can cause. */
export const COMMAND_LIMITS = {
  /** Commands past this many in one comment are ignored. */
  commandsPerComment: 10,
  /** Only this many characters of a comment body are read (a line cut by the limit is dropped). */
  bodyLength: 65_536,
  /** The largest `--max-concurrent` value. */
  maxConcurrent: 256,
  /** The most task ids one `--only` or `retry` may name. */
  taskIds: 100,
  /** The longest spec name. */
  specNameLength: 200,
  /** The longest task id. */
  taskIdLength: 64,
} as const;
