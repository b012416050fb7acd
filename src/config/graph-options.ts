import type { GraphOptions } from '../graph/task-graph.js';
import type { QuantumwalaConfig } from './config-schema.js';

/** How the config asks graphs to be built (the implicit dependency policy, optional tasks). */
export function graphOptions(config: QuantumwalaConfig): GraphOptions {
  return {
    implicit: config.workflow.implicit_dependencies,
    includeOptional: config.workflow.include_optional,
  };
}
