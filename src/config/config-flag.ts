import type { QuantumwalaConfig } from './config-schema.js';

type Leaf = string | number | boolean | bigint | null | undefined | readonly unknown[];

type KeyPaths<T> = {
  [K in keyof T & string]-?: NonNullable<T[K]> extends Leaf ? K : `${K}.${KeyPaths<NonNullable<T[K]>>}`;
}[keyof T & string];

type ValueAt<T, P extends string> = P extends `${infer Head}.${infer Rest}`
  ? Head extends keyof T
    ? ValueAt<NonNullable<T[Head]>, Rest>
    : never
  : P extends keyof T
    ? NonNullable<T[P]>
    : never;

/** The dotted path of one setting, e.g. `resources.max_concurrent_tasks`. */
export type ConfigKey = KeyPaths<QuantumwalaConfig>;

/** The type of the setting at `K`. */
export type ConfigValue<K extends ConfigKey> = ValueAt<QuantumwalaConfig, K>;

/**
 * One setting given on the command line, with the label errors name it by (e.g. `--max-concurrent`).
 * The value is already typed; it is still validated (a flag of 0 concurrent tasks is an error).
 */
export type ConfigFlag = {
  [K in ConfigKey]: { key: K; value: ConfigValue<K>; source: string };
}[ConfigKey];
