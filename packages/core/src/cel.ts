import { Environment } from '@marcbachmann/cel-js';

/** The variables every expression may use; anything else is an "Unknown variable". */
export const SCOPE_VARIABLES = ['trigger', 'parameters', 'execution', 'stages'] as const;

// Building an Environment is the expensive part of cel-js, so there is one for the process.
// Mixed literals (`{"a": 1, "b": "x"}`) are allowed because pipeline authors write JSON-ish data.
const environment = SCOPE_VARIABLES.reduce(
  (env, name) => env.registerVariable(name, 'map'),
  new Environment({ homogeneousAggregateLiterals: false }),
);

/** One-line reason of a cel-js error (its `message` also carries a multi-line source excerpt). */
export function celErrorReason(error: unknown): string {
  if (error instanceof Error) {
    const summary: unknown = 'summary' in error ? error.summary : undefined;
    return typeof summary === 'string' && summary !== '' ? summary : (error.message.split('\n')[0] ?? error.message);
  }
  return String(error);
}

/** Evaluates CEL over an already converted context (see `toCel`); throws cel-js errors. */
export function evaluateCel(source: string, context: Record<string, unknown>): unknown {
  return environment.evaluate(source, context);
}

/**
 * Why the expression can never evaluate (syntax, unknown variable or function, mismatched
 * types), or undefined. cel-js type-checks every evaluation the same way, so whatever fails here
 * would fail at stage start too; data-dependent errors (missing keys) only show up then.
 */
export function celProblem(source: string): string | undefined {
  try {
    const result = environment.check(source);
    return result.valid ? undefined : celErrorReason(result.error);
  } catch (error) {
    return celErrorReason(error);
  }
}

/** Why the source is not even CEL syntax (unknown names aside), or undefined. */
export function celSyntaxProblem(source: string): string | undefined {
  try {
    environment.parse(source);
    return undefined;
  } catch (error) {
    return celErrorReason(error);
  }
}
