import { defineEntry } from './celValues';
import { ValidationError, type ValidationIssue } from './errors';
import type { ParameterDefinition } from './pipeline';

/**
 * The parameters an execution runs with: supplied values, else the declared defaults. Every
 * declared parameter gets a key (null when it has neither), so `${parameters.x}` on an optional
 * parameter evaluates instead of failing on a missing key. Undeclared supplied parameters are
 * passed through, as Spinnaker does.
 */
export function resolveParameters(
  defs: readonly ParameterDefinition[],
  supplied: Record<string, unknown> | undefined,
): Record<string, unknown> {
  const resolved: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(supplied ?? {})) defineEntry(resolved, name, value);
  const issues: ValidationIssue[] = [];
  for (const def of defs) {
    const given = supplied !== undefined && Object.hasOwn(supplied, def.name) ? supplied[def.name] : undefined;
    // An empty value (what a cleared form field sends) falls back to the default too.
    const value = isMissing(given) && def.default !== undefined ? def.default : (given ?? null);
    defineEntry(resolved, def.name, value);
    const issue = problemWith(def, value);
    if (issue !== undefined) issues.push({ path: ['parameters', def.name], message: issue });
  }
  const [first] = issues;
  if (first !== undefined) {
    throw new ValidationError(`invalid parameters: ${issues.map((issue) => issue.message).join('; ')}`, issues);
  }
  return resolved;
}

function problemWith(def: ParameterDefinition, value: unknown): string | undefined {
  if (isMissing(value)) return def.required ? `parameter "${def.name}" is required` : undefined;
  const options = activeOptions(def);
  if (options === undefined) return undefined;
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') {
    if (options.includes(String(value))) return undefined;
  }
  const allowed = options.map((option) => JSON.stringify(option)).join(', ');
  return `parameter "${def.name}" must be one of ${allowed}; got ${JSON.stringify(value)}`;
}

// Spinnaker's UI stores `options: [{value: ""}]` with `hasOptions: false` for free-text
// parameters, so options only restrict when they are switched on and say something.
function activeOptions(def: ParameterDefinition): string[] | undefined {
  if (def.hasOptions === false || def.options === undefined) return undefined;
  const values = def.options.map((option) => option.value).filter((value) => value !== '');
  return values.length > 0 ? values : undefined;
}

/** Spinnaker treats an empty string like an absent value for required parameters. */
function isMissing(value: unknown): boolean {
  return value === undefined || value === null || value === '';
}
