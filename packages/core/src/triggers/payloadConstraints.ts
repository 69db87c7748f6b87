import { z } from 'zod';
import { isPlainObject } from '../celValues';
import type { ValidationIssue } from '../errors';
import { compileRe2, re2Problem } from '../re2';

export { MAX_REGEX_CHARS } from '../re2';

/**
 * A webhook trigger's `payloadConstraints`: `{"<dotted path>": <literal> | {"regex": "<pattern>"}}`.
 * A literal must equal the payload's value (compared as text, so `42` matches `"42"`); a regex is an
 * RE2 pattern tested against the value's text (unanchored unless it says `^…$`). The object
 * form, rather than Spinnaker's "every value is a regex" or a `/…/` string, keeps a literal that
 * happens to contain regex characters (a path "/", a version "1.2.3") meaning exactly what it says.
 */
export const payloadConstraintSchema = z.union([
  z.string(),
  z.number(),
  z.boolean(),
  z.looseObject({ regex: z.string().min(1, { message: 'a regex must not be empty' }) }),
]);

export const payloadConstraintsSchema = z.record(z.string().min(1), payloadConstraintSchema);

export type PayloadConstraint = z.output<typeof payloadConstraintSchema>;
export type PayloadConstraints = z.output<typeof payloadConstraintsSchema>;

// A pattern is written by a pipeline's author but tested against text anyone may post. Patterns run
// in RE2 (linear time in the input, whatever the pattern: `^(a+)+$` cannot backtrack), which is why
// backreferences and lookaround are refused at save time. Values longer than this are refused too,
// which bounds the work per constraint.
export const MAX_REGEX_INPUT_CHARS = 8192;

/** Save-time check: every regex compiles. Paths are relative to the constraints object. */
export function payloadConstraintIssues(constraints: unknown): ValidationIssue[] {
  if (!isPlainObject(constraints)) return [];
  return Object.entries(constraints).flatMap(([key, constraint]): ValidationIssue[] => {
    if (!isPlainObject(constraint) || typeof constraint.regex !== 'string' || constraint.regex === '') return [];
    const problem = re2Problem(constraint.regex);
    return problem === undefined ? [] : [{ path: [key, 'regex'], message: `invalid regex: ${problem}` }];
  });
}

/** Why the payload fails the constraints (every failing one), or undefined when it satisfies them all. */
export function payloadMismatch(constraints: PayloadConstraints | undefined, payload: unknown): string | undefined {
  const reasons = Object.entries(constraints ?? {}).flatMap(([path, constraint]) => {
    const reason = constraintMismatch(path, constraint, readPayloadPath(payload, path));
    return reason === undefined ? [] : [reason];
  });
  return reasons.length === 0 ? undefined : reasons.join('; ');
}

function constraintMismatch(path: string, constraint: PayloadConstraint, value: unknown): string | undefined {
  if (value === undefined) return `the payload has no "${path}"`;
  if (value === null) return `"${path}" is null`;
  if (typeof value !== 'string' && typeof value !== 'number' && typeof value !== 'boolean') return `"${path}" is not a single value`;
  const text = String(value);
  if (typeof constraint !== 'object') {
    return text === String(constraint) ? undefined : `"${path}" is ${JSON.stringify(text)}, not ${JSON.stringify(String(constraint))}`;
  }
  if (text.length > MAX_REGEX_INPUT_CHARS) return `"${path}" is longer than ${MAX_REGEX_INPUT_CHARS} characters`;
  // Compiled at save time already; a definition stored before that check is treated as a mismatch.
  if (re2Problem(constraint.regex) !== undefined) return `"${path}": invalid regex /${constraint.regex}/`;
  return compileRe2(constraint.regex).test(text) ? undefined : `"${path}" is ${JSON.stringify(text)}, which does not match /${constraint.regex}/`;
}

/**
 * The value at a dotted path (`repository.full_name`, `commits.0.id`). A key that itself contains
 * dots is found too when the object has it verbatim, since payloads from some tools use such keys.
 */
export function readPayloadPath(payload: unknown, path: string): unknown {
  if (isPlainObject(payload) && Object.hasOwn(payload, path)) return payload[path];
  let current: unknown = payload;
  for (const segment of path.split('.')) {
    if (Array.isArray(current) && /^\d+$/.test(segment)) current = current[Number(segment)];
    else if (isPlainObject(current) && Object.hasOwn(current, segment)) current = current[segment];
    else return undefined;
  }
  return current;
}

/**
 * Whether the whole of `text` matches `pattern`: Java's `String.matches`, which is how Spinnaker
 * reads its trigger fields (a git trigger's `branch`, a docker trigger's `tag`) and an expected
 * artifact's match fields. Runs in RE2 like every pattern here; one that does not compile matches
 * nothing (saving reports it).
 */
export function matchesWhole(pattern: string, text: string): boolean {
  if (text.length > MAX_REGEX_INPUT_CHARS) return false;
  const anchored = `^(?:${pattern})$`;
  return re2Problem(anchored) === undefined && compileRe2(anchored).test(text);
}
