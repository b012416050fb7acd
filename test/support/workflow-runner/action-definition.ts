/**
 * The repository's own action (action.yml, parsed with GitHub's action parser): a step that uses it
 * gets every declared input, the step's `with:` value or else the evaluated default (e.g.
 * `github-token: ${{ github.token }}`), as the runner computes INPUT_* variables.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { isMapping, NoOperationTraceWriter } from '@actions/workflow-parser';
import { parseAction } from '@actions/workflow-parser/actions/action-parser';
import type { TemplateToken } from '@actions/workflow-parser/templates/tokens/index';
import { PROJECT_ROOT } from '../shared-specs.js';
import { evaluateString, type Contexts } from './template-eval.js';

export interface ActionDefinition {
  file: string;
  /** Declared inputs (lower case) and their `default:` tokens. */
  inputs: Map<string, TemplateToken | undefined>;
}

let loaded: Promise<ActionDefinition> | undefined;

/** The project's action.yml, read and parsed once. */
export function projectAction(): Promise<ActionDefinition> {
  loaded ??= (async () => {
    const file = path.join(PROJECT_ROOT, 'action.yml');
    const parsed = parseAction(
      { name: 'action.yml', content: await readFile(file, 'utf8') },
      new NoOperationTraceWriter(),
    );
    const errors = parsed.context.errors.getErrors().map((e) => e.message);
    const root = parsed.value;
    if (!root || !isMapping(root) || errors.length > 0) throw new Error(`action.yml: ${errors.join('; ')}`);
    const inputs = new Map<string, TemplateToken | undefined>();
    const declared = root.find('inputs');
    if (declared && isMapping(declared)) {
      for (const pair of declared) {
        inputs.set(
          pair.key.toString().toLowerCase(),
          isMapping(pair.value) ? pair.value.find('default') : undefined,
        );
      }
    }
    return { file: 'action.yml', inputs };
  })();
  return loaded;
}

/**
 * The step's inputs: `with:` values for declared inputs, evaluated defaults for the rest; warnings
 * for `with:` keys the action doesn't declare (GitHub warns and passes them on).
 */
export function stepInputs(
  action: ActionDefinition,
  given: Record<string, string>,
  contexts: Contexts,
): { inputs: Record<string, string>; warnings: string[] } {
  const inputs: Record<string, string> = {};
  for (const [name, defaultToken] of action.inputs) {
    inputs[name] = defaultToken
      ? evaluateString(defaultToken, contexts, action.file, `inputs.${name}.default`)
      : '';
  }
  const unexpected: string[] = [];
  for (const [name, value] of Object.entries(given)) {
    if (!action.inputs.has(name.toLowerCase())) unexpected.push(name);
    inputs[name.toLowerCase()] = value;
  }
  const valid = [...action.inputs.keys()].map((n) => `'${n}'`).join(', ');
  const warnings =
    unexpected.length === 0
      ? []
      : [`Unexpected input(s) ${unexpected.map((n) => `'${n}'`).join(', ')}, valid inputs are [${valid}]`];
  return { inputs, warnings };
}
