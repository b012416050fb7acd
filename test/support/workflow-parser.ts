import {
  convertWorkflowTemplate,
  NoOperationTraceWriter,
  parseWorkflow,
  type WorkflowTemplate,
} from '@actions/workflow-parser';
import { parseAction } from '@actions/workflow-parser/actions/action-parser';

/** Parses a workflow with GitHub's own parser; returns its template and every error it reports. */
export async function parseWorkflowFile(
  name: string,
  content: string,
): Promise<{ template: WorkflowTemplate | undefined; errors: string[] }> {
  const parsed = parseWorkflow({ name, content }, new NoOperationTraceWriter());
  const errors = parsed.context.errors.getErrors().map((e) => e.message);
  if (!parsed.value || errors.length > 0) return { template: undefined, errors };
  const template = await convertWorkflowTemplate(parsed.context, parsed.value);
  return { template, errors: (template.errors ?? []).map((e) => e.Message) };
}

/** Validates an action.yml with GitHub's own action schema. */
export function parseActionFile(name: string, content: string): string[] {
  const parsed = parseAction({ name, content }, new NoOperationTraceWriter());
  return parsed.context.errors.getErrors().map((e) => e.message);
}
