import { ValidationError } from '../errors';
import { resolveParameters } from '../parameters';
import type { ParameterDefinition } from '../pipeline';

export type TriggerParameters = { ok: true; parameters: Record<string, unknown> } | { ok: false; reason: string };

/**
 * The parameters an automatic trigger starts an execution with: what the event supplies, kept only
 * where the pipeline declares the parameter (a build's or a payload's other values are not the
 * pipeline's business), checked like a manual trigger's (required, options; defaults fill gaps).
 * A problem is a reason to skip, not an error: nobody is there to answer a 400.
 */
export function triggerParameters(definitions: readonly ParameterDefinition[], supplied: Record<string, unknown>): TriggerParameters {
  const declared = new Set(definitions.map((definition) => definition.name));
  const parameters = Object.fromEntries(Object.entries(supplied).filter(([name]) => declared.has(name)));
  try {
    resolveParameters(definitions, parameters);
    return { ok: true, parameters };
  } catch (error) {
    if (error instanceof ValidationError) return { ok: false, reason: error.message };
    throw error;
  }
}
