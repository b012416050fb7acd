import type { SpecMeta } from './types.js';

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Reads cc-sdd's spec.json (phase and approvals). Throws with the reason when it is not valid JSON. */
export function parseSpecMeta(text: string): SpecMeta {
  const data: unknown = JSON.parse(text);
  if (!isRecord(data)) throw new Error('expected a JSON object');
  const approvals: SpecMeta['approvals'] = {};
  if (isRecord(data.approvals)) {
    for (const [phase, value] of Object.entries(data.approvals)) {
      if (!isRecord(value)) continue;
      approvals[phase] = {
        ...(typeof value.generated === 'boolean' ? { generated: value.generated } : {}),
        ...(typeof value.approved === 'boolean' ? { approved: value.approved } : {}),
      };
    }
  }
  return {
    ...(typeof data.feature_name === 'string' ? { featureName: data.feature_name } : {}),
    ...(typeof data.phase === 'string' ? { phase: data.phase } : {}),
    approvals,
    ...(typeof data.ready_for_implementation === 'boolean'
      ? { readyForImplementation: data.ready_for_implementation }
      : {}),
  };
}
