/**
 * A workflow file read at a dispatch's ref and parsed with GitHub's own parser, and the dispatch's
 * inputs checked against its `workflow_dispatch` inputs the way GitHub's API checks them (422s).
 */
import {
  convertWorkflowTemplate,
  isMapping,
  isString,
  NoOperationTraceWriter,
  parseWorkflow,
  type WorkflowTemplate,
} from '@actions/workflow-parser';
import type { MappingToken } from '@actions/workflow-parser/templates/tokens/mapping-token';
import type { DispatchRejection } from '../github-emulator.js';
import type { JsonObject, JsonValue } from './template-eval.js';

export interface ParsedWorkflow {
  /** `.github/workflows/<file>` */
  path: string;
  /** The workflow's `name:`, else its path (as GitHub shows it). */
  name: string;
  /** The whole file as template tokens (`run-name`, `with:` … are not in the converted model). */
  root: MappingToken;
  template: WorkflowTemplate;
}

/** Parses a workflow; `errors` are the parser's messages (`<path> (Line: l, Col: c): …`). */
export async function parseWorkflowFile(
  filePath: string,
  content: string,
): Promise<{ workflow?: ParsedWorkflow; errors: string[] }> {
  const parsed = parseWorkflow({ name: filePath, content }, new NoOperationTraceWriter());
  const errors = parsed.context.errors.getErrors().map((e) => e.message);
  const root = parsed.value;
  if (!root || !isMapping(root) || errors.length > 0) {
    return { errors: errors.length > 0 ? errors : [`${filePath}: not a workflow`] };
  }
  const template = await convertWorkflowTemplate(parsed.context, root);
  const converted = (template.errors ?? []).map((e) => e.Message);
  if (converted.length > 0) return { errors: converted };
  const name = root.find('name');
  return {
    workflow: { path: filePath, name: name && isString(name) ? name.value : filePath, root, template },
    errors: [],
  };
}

export interface DispatchInputs {
  /** The `inputs` context: declared defaults applied, booleans as booleans. */
  inputs: JsonObject;
  /** `github.event.inputs`: every value as a string. */
  eventInputs: Record<string, string>;
}

const reject = (message: string): DispatchRejection => ({ status: 422, message });

function scalarText(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return undefined;
}

/**
 * The inputs of a dispatch of `workflow`, or GitHub's 422 for it: no `workflow_dispatch`
 * trigger, unexpected inputs, a required input missing, a value that isn't a boolean or not
 * one of a choice's options.
 */
export function checkDispatchInputs(
  workflow: ParsedWorkflow,
  given: Record<string, unknown>,
): DispatchInputs | DispatchRejection {
  const trigger = workflow.template.events.workflow_dispatch;
  if (!trigger) return reject("Workflow does not have 'workflow_dispatch' trigger");
  const declared = trigger.inputs ?? {};
  const unexpected = Object.keys(given).filter((k) => !(k in declared));
  if (unexpected.length > 0) return reject(`Unexpected inputs provided: ${JSON.stringify(unexpected)}`);
  const inputs: JsonObject = {};
  const eventInputs: Record<string, string> = {};
  for (const [name, config] of Object.entries(declared)) {
    const raw = given[name] ?? config.default;
    if (config.required === true && (raw === undefined || raw === null || raw === '')) {
      return reject(`Required input '${name}' not provided`);
    }
    const text = raw === undefined || raw === null ? '' : scalarText(raw);
    if (text === undefined) return reject(`Provided value for input '${name}' is not a string`);
    let value: JsonValue = text;
    if (config.type === 'boolean') {
      if (!['true', 'false', ''].includes(text)) {
        return reject(`Provided value '${text}' for input '${name}' is not a valid boolean`);
      }
      value = text === 'true';
    } else if (config.type === 'choice' && text !== '' && !(config.options ?? []).includes(text)) {
      return reject(`Provided value '${text}' for input '${name}' not in the list of allowed values`);
    }
    inputs[name] = value;
    eventInputs[name] = typeof value === 'boolean' ? String(value) : text;
  }
  return { inputs, eventInputs };
}

export function isRejection(value: DispatchInputs | DispatchRejection): value is DispatchRejection {
  return 'status' in value;
}
