import { z } from 'zod';
import { isPlainObject } from '../celValues';
import { hasTemplateSyntax } from '../template';

/**
 * Accepts, at save time, a value of `schema` in which any part may still be a `${…}` expression,
 * while keeping one schema with real types for run time.
 *
 * `exprOr` wraps each leaf instead; that is fine for flat stages, but the server group stages
 * nest objects (cluster → capacity → desired) that tasks read back with exact types, and
 * wrapping every level would give them `number | string` everywhere. Here the strict schema
 * runs, and a complaint about a value that is, or sits inside, an expression is dropped: the
 * stage is parsed again once expressions are resolved at stage start, and then it counts.
 * Checks that need the real value (cross-field refinements) are skipped by zod anyway while a
 * field under them failed.
 */
export function allowExpressions<S extends z.ZodType>(
  schema: S,
  /** Paths a stage may leave out when saved because it fills them at start (`StageType.fromUpstream`). */
  filledAtStart: (path: readonly PropertyKey[], input: unknown) => boolean = () => false,
) {
  return z.unknown().transform((input, ctx): z.output<S> => {
    const parsed = schema.safeParse(input);
    if (parsed.success) return parsed.data;
    const real = parsed.error.issues.filter((issue) => !isUnderExpression(input, issue.path) && !filledAtStart(issue.path, input));
    for (const issue of real) ctx.addIssue({ ...issue });
    // Only reached with expressions left: the value is stored as written, defaults are applied
    // at stage start. Nothing reads it as z.output<S> before that.
    return real.length > 0 ? z.NEVER : (input as z.output<S>);
  });
}

function isUnderExpression(input: unknown, path: readonly PropertyKey[]): boolean {
  let value = input;
  for (let index = 0; ; index++) {
    if (typeof value === 'string') return hasTemplateSyntax(value);
    const key = path[index];
    if (key === undefined) return false;
    if (Array.isArray(value) && typeof key === 'number') value = value[key];
    else if (isPlainObject(value) && typeof key === 'string') value = value[key];
    else return false;
  }
}
