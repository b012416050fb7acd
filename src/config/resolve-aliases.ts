/**
 * The seed project's duplicate keys. When one source sets an alias and not its target, the target takes the
 * alias's value; merging sources afterwards means a stronger source's target (or alias) wins. The aliases
 * themselves stay in the object and are dropped when the merged config is parsed.
 */
export const CONFIG_ALIASES = [
  { alias: ['workflow', 'max_retries'], target: ['execution', 'max_retries'], scale: 1 },
  { alias: ['workflow', 'retry_delay'], target: ['execution', 'retry_base_delay_ms'], scale: 1000 },
  { alias: ['workflow', 'max_concurrent_tasks'], target: ['resources', 'max_concurrent_tasks'], scale: 1 },
] as const;

type Dict = Record<string, unknown>;

function isDict(value: unknown): value is Dict {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Returns `raw` with alias values copied to their unset targets (a copy; `raw` is not changed). */
export function resolveAliases(raw: unknown): unknown {
  if (!isDict(raw)) return raw;
  let result: Dict = raw;
  for (const { alias, target, scale } of CONFIG_ALIASES) {
    const aliasSection = result[alias[0]];
    const value = isDict(aliasSection) ? aliasSection[alias[1]] : undefined;
    if (typeof value !== 'number') continue;
    const targetSection = result[target[0]];
    if (targetSection !== undefined && !isDict(targetSection)) continue;
    if (targetSection?.[target[1]] !== undefined) continue;
    const converted = scale === 1 ? value : Math.round(value * scale);
    result = { ...result, [target[0]]: { ...targetSection, [target[1]]: converted } };
  }
  return result;
}
