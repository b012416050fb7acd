import * as core from '@actions/core';
import { parseEnvValue, type ConfigFlag, type ConfigKey, type EnvValueType } from '../config/index.js';

/** The action's inputs that are config settings: each goes through the shared schema as a flag. */
const SETTING_INPUTS: { input: string; key: ConfigKey; type: EnvValueType }[] = [
  { input: 'model', key: 'execution.model', type: 'string' },
  { input: 'max-turns', key: 'execution.max_turns', type: 'integer' },
  { input: 'timeout', key: 'execution.default_timeout', type: 'number' },
  { input: 'max-retries', key: 'execution.max_retries', type: 'integer' },
  { input: 'max-budget-usd', key: 'execution.max_budget_usd', type: 'number' },
  { input: 'cpu-limit', key: 'resources.cpu_limit_percent', type: 'number' },
  { input: 'memory-limit', key: 'resources.memory_limit_percent', type: 'number' },
  { input: 'memory-reserve-mb', key: 'resources.memory_reserve_mb', type: 'integer' },
  { input: 'claude-path', key: 'execution.claude_path', type: 'string' },
  { input: 'state-branch', key: 'workflow.state_branch', type: 'string' },
];

export interface ActionInputs {
  spec: string;
  taskId: string;
  runId: string;
  workBranch: string;
  githubToken: string;
  claudeVersion: string;
  /** Variables for the claude process: the credentials and provider switches given as inputs. */
  claudeCredentials: Record<string, string>;
  flags: ConfigFlag[];
}

export class ActionInputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ActionInputError';
  }
}

/**
 * Reads the inputs. Secrets are masked before anything else happens, so no later log line can show
 * them. Setting inputs become config flags labelled `input <name>`, so a bad value is reported by the
 * same schema, naming the input: `invalid config: execution.max_turns = "ten" (from input max-turns): …`.
 */
export function readActionInputs(): ActionInputs {
  const secrets = ['github-token', 'anthropic-api-key', 'claude-code-oauth-token'].map((n) =>
    core.getInput(n),
  );
  for (const s of secrets) if (s !== '') core.setSecret(s);
  const [githubToken = '', apiKey = '', oauthToken = ''] = secrets;

  const required = (name: string): string => {
    const value = core.getInput(name);
    if (value === '') throw new ActionInputError(`input ${name} is required`);
    return value;
  };
  const flags: ConfigFlag[] = [];
  for (const { input, key, type } of SETTING_INPUTS) {
    const raw = core.getInput(input);
    // The value is checked by the config schema, which names this input when it is wrong.
    if (raw !== '')
      flags.push({ key, value: parseEnvValue(raw, type), source: `input ${input}` } as ConfigFlag);
  }
  const claudeArgs = core.getInput('claude-args');
  if (claudeArgs !== '') {
    let parsed: unknown;
    try {
      parsed = JSON.parse(claudeArgs);
    } catch {
      throw new ActionInputError(
        'input claude-args must be a JSON array of strings, e.g. ["--add-dir", "docs"]',
      );
    }
    if (!Array.isArray(parsed) || !parsed.every((a) => typeof a === 'string')) {
      throw new ActionInputError(
        'input claude-args must be a JSON array of strings, e.g. ["--add-dir", "docs"]',
      );
    }
    flags.push({ key: 'execution.extra_args', value: parsed, source: 'input claude-args' });
  }

  const claudeCredentials: Record<string, string> = {};
  if (apiKey) claudeCredentials.ANTHROPIC_API_KEY = apiKey;
  if (oauthToken) claudeCredentials.CLAUDE_CODE_OAUTH_TOKEN = oauthToken;
  if (core.getBooleanInput('use-bedrock')) claudeCredentials.CLAUDE_CODE_USE_BEDROCK = '1';
  if (core.getBooleanInput('use-vertex')) claudeCredentials.CLAUDE_CODE_USE_VERTEX = '1';

  return {
    spec: required('spec'),
    taskId: required('task-id'),
    runId: required('run-id'),
    workBranch: core.getInput('work-branch'),
    githubToken,
    claudeVersion: core.getInput('claude-version') || '2.1.197',
    claudeCredentials,
    flags,
  };
}

/**
 * The environment a session gets in a job: the job's own, without the action's inputs, the GitHub
 * tokens and the runner's internal tokens (a session never needs them), plus the credentials given.
 */
export function sessionEnv(env: NodeJS.ProcessEnv, credentials: Record<string, string>): NodeJS.ProcessEnv {
  const out: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(env)) {
    if (/^INPUT_|^ACTIONS_(RUNTIME|ID_TOKEN|CACHE)|^GITHUB_TOKEN$|^GH_TOKEN$/.test(k)) continue;
    out[k] = v;
  }
  return { ...out, ...credentials };
}
