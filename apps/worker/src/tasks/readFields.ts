import type { z } from 'zod';
import { TaskFailure, type TaskContext } from './Task';

/**
 * The stage's (resolved) fields through its stage type's own schema in @gantry/core: the one way a
 * task reads its fields, so none re-declares them. The stage start already validated them with
 * that schema, so a mismatch means the stage was changed since (or a runtime field was written
 * badly): that will not heal on retry, hence TERMINAL.
 */
export function readFields<S extends z.ZodType>(schema: S, ctx: TaskContext): z.output<S> {
  const parsed = schema.safeParse(ctx.stage.context);
  if (parsed.success) return parsed.data;
  throw new TaskFailure(`invalid ${ctx.stage.type} stage: ${describeIssues(parsed.error, '(stage)')}`);
}

/** "field.path: message; …", an issue on the value itself named `root`. */
export function describeIssues(error: z.ZodError, root: string): string {
  return error.issues.map((issue) => `${issue.path.length > 0 ? issue.path.join('.') : root}: ${issue.message}`).join('; ');
}
