/**
 * Expands a parsed workflow for one run, as the Actions service does before it queues jobs: the
 * run's title (`run-name`), each job's strategy (matrix, max-parallel, fail-fast), and per matrix
 * combination the job's name, `runs-on` labels, timeout and its steps' `with:` inputs. Every value
 * comes from GitHub's expression engine; anything that fails is a {@link TemplateError}.
 */
import { isBasicExpression, isMapping, isSequence, isString } from '@actions/workflow-parser';
import type { MappingToken, TemplateToken } from '@actions/workflow-parser/templates/tokens/index';
import { expandMatrix, matrixSuffix } from './matrix.js';
import {
  asString,
  at,
  evaluateString,
  evaluateToken,
  TemplateError,
  type Contexts,
  type JsonObject,
  type JsonValue,
} from './template-eval.js';
import type { ParsedWorkflow } from './workflow-file.js';

export interface PlannedStep {
  /** The step's name as GitHub lists it (`Run <uses>` when it has none). */
  name: string;
  uses: string;
  with: Record<string, string>;
}

/** The jobs one `jobs.<id>` entry expands to share its strategy. */
export interface JobGroup {
  id: string;
  maxParallel: number;
  failFast: boolean;
}

export interface PlannedJob {
  group: JobGroup;
  name: string;
  labels: string[];
  matrix: JsonObject;
  strategy: JsonObject;
  timeoutMinutes: number;
  steps: PlannedStep[];
}

export interface RunPlan {
  displayTitle: string;
  jobs: PlannedJob[];
}

/** Contexts of the workflow level: `github`, `inputs`, `vars` (and `secrets` etc. for steps). */
export interface RunContexts {
  github: JsonObject;
  inputs: JsonObject;
  vars: JsonObject;
  secrets: JsonObject;
  runner: JsonObject;
}

const UNSUPPORTED_JOB_KEYS = ['needs', 'if', 'uses', 'container', 'services', 'environment', 'concurrency'];
const UNSUPPORTED_STEP_KEYS = ['run', 'if', 'continue-on-error', 'working-directory', 'shell'];

/** The run's display title: `run-name` evaluated, else the workflow's name. */
export function displayTitle(workflow: ParsedWorkflow, ctx: RunContexts): string {
  const token = workflow.root.find('run-name');
  if (!token) return workflow.name;
  const contexts: Contexts = { github: ctx.github, inputs: ctx.inputs, vars: ctx.vars };
  return evaluateString(token, contexts, workflow.path, 'run-name') || workflow.name;
}

function mapping(token: TemplateToken | undefined, file: string, what: string): MappingToken {
  if (!token || !isMapping(token)) throw new TemplateError(`${at(file, token)}'${what}' must be a mapping`);
  return token;
}

function positive(
  value: JsonValue | undefined,
  file: string,
  token: TemplateToken | undefined,
  what: string,
): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) {
    throw new TemplateError(
      `${at(file, token)}Unexpected value '${String(value)}' for '${what}': a positive integer was expected`,
    );
  }
  return value;
}

function labelsOf(value: JsonValue, file: string, token: TemplateToken | undefined): string[] {
  const list =
    typeof value === 'object' && value !== null && !Array.isArray(value) ? (value.labels ?? []) : value;
  const labels = (Array.isArray(list) ? list : [list]).map((v) => asString(v, file, token, 'runs-on'));
  if (labels.length === 0 || labels.some((l) => l === '')) {
    throw new TemplateError(`${at(file, token)}'runs-on' must name at least one runner label`);
  }
  return labels;
}

function planSteps(job: MappingToken, contexts: Contexts, file: string, jobId: string): PlannedStep[] {
  const steps = job.find('steps');
  if (!steps || !isSequence(steps))
    throw new TemplateError(`${at(file, steps ?? job)}job '${jobId}' has no steps`);
  const planned: PlannedStep[] = [];
  for (const step of steps) {
    const m = mapping(step, file, 'steps item');
    for (const key of UNSUPPORTED_STEP_KEYS) {
      if (m.find(key))
        throw new TemplateError(`${at(file, m.find(key))}step '${key}' is not supported by this runner`);
    }
    const usesToken = m.find('uses');
    if (!usesToken || !isString(usesToken))
      throw new TemplateError(`${at(file, m)}a step without 'uses' is not supported`);
    const uses = usesToken.value;
    const withToken = m.find('with');
    const inputs: Record<string, string> = {};
    if (withToken) {
      const value = evaluateToken(withToken, contexts, file, `jobs.${jobId}.steps.with`);
      for (const [k, v] of Object.entries(value as JsonObject)) {
        inputs[k] = asString(v, file, withToken, `jobs.${jobId}.steps.with.${k}`);
      }
    }
    const nameToken = m.find('name');
    const name = nameToken ? evaluateString(nameToken, contexts, file, 'steps.name') : `Run ${uses}`;
    planned.push({ name, uses, with: inputs });
  }
  return planned;
}

/** Whether an expression token refers to the `matrix` context (else GitHub appends the values). */
function mentionsMatrix(token: TemplateToken): boolean {
  return isBasicExpression(token) && /(^|[^\w.-])matrix\b/i.test(token.expression);
}

/**
 * The plan of a run: every job of every matrix combination with its evaluated name, labels and
 * step inputs. `step contexts` (job, steps, env) are those a step sees when it starts.
 */
export function planRun(workflow: ParsedWorkflow, ctx: RunContexts): RunPlan {
  const file = workflow.path;
  const title = displayTitle(workflow, ctx);
  const jobs = mapping(workflow.root.find('jobs'), file, 'jobs');
  const planned: PlannedJob[] = [];
  const base: Contexts = { github: ctx.github, inputs: ctx.inputs, vars: ctx.vars, needs: {} };
  for (const pair of jobs) {
    const jobId = asString(evaluateToken(pair.key, {}, file, 'jobs'), file, pair.key, 'jobs');
    const job = mapping(pair.value, file, `jobs.${jobId}`);
    for (const key of UNSUPPORTED_JOB_KEYS) {
      const t = job.find(key);
      if (t) throw new TemplateError(`${at(file, t)}job '${key}' is not supported by this runner`);
    }
    const strategyToken = job.find('strategy');
    const strategy = strategyToken
      ? (evaluateToken(strategyToken, base, file, `jobs.${jobId}.strategy`) as JsonObject)
      : {};
    const combos = expandMatrix(strategy.matrix, at(file, strategyToken));
    const maxParallel =
      strategy['max-parallel'] === undefined || strategy['max-parallel'] === null
        ? Number.POSITIVE_INFINITY
        : positive(strategy['max-parallel'], file, strategyToken, 'max-parallel');
    const failFast = strategy['fail-fast'] !== false;
    const group: JobGroup = { id: jobId, maxParallel, failFast };
    combos.forEach((matrix, index) => {
      const strategyContext: JsonObject = {
        'fail-fast': failFast,
        'job-index': index,
        'job-total': combos.length,
        'max-parallel': Number.isFinite(maxParallel) ? maxParallel : combos.length,
      };
      const jobContexts: Contexts = { ...base, strategy: strategyContext, matrix };
      const nameToken = job.find('name');
      const named = nameToken ? evaluateString(nameToken, jobContexts, file, `jobs.${jobId}.name`) : jobId;
      const name = nameToken && mentionsMatrix(nameToken) ? named : `${named}${matrixSuffix(matrix)}`;
      const runsOn = job.find('runs-on');
      if (!runsOn) throw new TemplateError(`${at(file, job)}job '${jobId}': 'runs-on' is required`);
      const labels = labelsOf(
        evaluateToken(runsOn, jobContexts, file, `jobs.${jobId}.runs-on`),
        file,
        runsOn,
      );
      const timeoutToken = job.find('timeout-minutes');
      const timeoutMinutes = timeoutToken
        ? positive(
            evaluateToken(timeoutToken, jobContexts, file, 'timeout-minutes'),
            file,
            timeoutToken,
            'timeout-minutes',
          )
        : 360;
      const stepContexts: Contexts = {
        ...jobContexts,
        github: { ...ctx.github, job: jobId },
        secrets: ctx.secrets,
        runner: ctx.runner,
        job: { status: 'success', services: {} },
        env: {},
        steps: {},
      };
      const steps = planSteps(job, stepContexts, file, jobId);
      planned.push({ group, name, labels, matrix, strategy: strategyContext, timeoutMinutes, steps });
    });
  }
  return { displayTitle: title, jobs: planned };
}
