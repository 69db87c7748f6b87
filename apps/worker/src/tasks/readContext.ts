import type { z } from 'zod';
import type { TaskResult } from './Task';

/**
 * Reads a stage's context through a task's own small schema. The stage-type schemas already
 * validated it when the stage started, so a mismatch here means the engine and the stage type
 * disagree (or a runtime field was written badly): that will not heal on retry, hence TERMINAL.
 */
export function readContext<S extends z.ZodType>(
  schema: S,
  context: Record<string, unknown>,
  what: string,
): { ok: true; value: z.output<S> } | { ok: false; result: TaskResult } {
  const parsed = schema.safeParse(context);
  if (parsed.success) return { ok: true, value: parsed.data };
  return { ok: false, result: { status: 'TERMINAL', error: `invalid ${what} stage context: ${describeIssues(parsed.error, '(context)')}` } };
}

/** "field.path: message; …", an issue on the value itself named `root`. */
export function describeIssues(error: z.ZodError, root: string): string {
  return error.issues.map((issue) => `${issue.path.length > 0 ? issue.path.join('.') : root}: ${issue.message}`).join('; ');
}
