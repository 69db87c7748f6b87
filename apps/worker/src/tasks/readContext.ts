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
  const issues = parsed.error.issues
    .map((issue) => `${issue.path.length > 0 ? issue.path.join('.') : '(context)'}: ${issue.message}`)
    .join('; ');
  return { ok: false, result: { status: 'TERMINAL', error: `invalid ${what} stage context: ${issues}` } };
}
