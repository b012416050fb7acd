import type { ConfigKey } from './config-flag.js';
import type { ConfigObject } from './validate-source.js';
import { objectAt } from './validate-source.js';

export type EnvValueType = 'integer' | 'number' | 'boolean' | 'string';

export interface EnvVariable {
  name: `QUANTUMWALA_${string}`;
  key: ConfigKey;
  type: EnvValueType;
}

/** Every environment variable the config reads, and the setting each one sets. Others are ignored. */
export const ENV_VARIABLES = [
  { name: 'QUANTUMWALA_MAX_CONCURRENT', key: 'resources.max_concurrent_tasks', type: 'integer' },
  { name: 'QUANTUMWALA_CPU_LIMIT', key: 'resources.cpu_limit_percent', type: 'number' },
  { name: 'QUANTUMWALA_MEMORY_LIMIT', key: 'resources.memory_limit_percent', type: 'number' },
  { name: 'QUANTUMWALA_MEMORY_RESERVE', key: 'resources.memory_reserve_mb', type: 'integer' },
  { name: 'QUANTUMWALA_TIMEOUT_DEFAULT', key: 'execution.default_timeout', type: 'number' },
  { name: 'QUANTUMWALA_TIMEOUT_AGENT', key: 'execution.agent_timeout', type: 'number' },
  { name: 'QUANTUMWALA_RETRY_MAX', key: 'execution.max_retries', type: 'integer' },
  { name: 'QUANTUMWALA_LOG_LEVEL', key: 'logging.level', type: 'string' },
  { name: 'QUANTUMWALA_CLAUDE_PATH', key: 'execution.claude_path', type: 'string' },
  { name: 'QUANTUMWALA_MODEL', key: 'execution.model', type: 'string' },
  { name: 'QUANTUMWALA_MAX_TURNS', key: 'execution.max_turns', type: 'integer' },
  { name: 'QUANTUMWALA_MAX_BUDGET_USD', key: 'execution.max_budget_usd', type: 'number' },
  { name: 'QUANTUMWALA_RUN_BUDGET_USD', key: 'execution.run_budget_usd', type: 'number' },
  { name: 'QUANTUMWALA_STATE_BRANCH', key: 'workflow.state_branch', type: 'string' },
  { name: 'QUANTUMWALA_IMPLICIT_DEPENDENCIES', key: 'workflow.implicit_dependencies', type: 'string' },
] as const satisfies readonly EnvVariable[];

const NUMBER = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/;

/**
 * The typed value of an environment variable. Numbers are parsed strictly ("12abc" is not a number) and
 * booleans accept true/false/1/0; text that does not parse is returned as is, so validation rejects it
 * with the setting's own message.
 */
export function parseEnvValue(raw: string, type: EnvValueType): unknown {
  const trimmed = raw.trim();
  switch (type) {
    case 'integer':
    case 'number':
      return NUMBER.test(trimmed) ? Number(trimmed) : raw;
    case 'boolean': {
      const lower = trimmed.toLowerCase();
      if (lower === 'true' || lower === '1') return true;
      if (lower === 'false' || lower === '0') return false;
      return raw;
    }
    case 'string':
      return raw;
  }
}

/** One source per variable that is set (an empty variable counts as unset), in table order. */
export function envSources(
  env: Readonly<Record<string, string | undefined>>,
): { source: string; raw: ConfigObject }[] {
  const sources: { source: string; raw: ConfigObject }[] = [];
  for (const variable of ENV_VARIABLES) {
    const raw = env[variable.name];
    if (raw === undefined || raw === '') continue;
    sources.push({ source: variable.name, raw: objectAt(variable.key, parseEnvValue(raw, variable.type)) });
  }
  return sources;
}
