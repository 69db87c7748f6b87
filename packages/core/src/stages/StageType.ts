import type { z } from 'zod';

/**
 * One kind of stage. `fields` validates the type-specific keys of a stage (an object schema that
 * keeps unknown keys) both when a pipeline is saved, where any field may still be a `${…}`
 * expression, and at stage start, after expressions were resolved.
 */
export interface StageType<F extends z.ZodType = z.ZodType> {
  readonly type: string;
  readonly fields: F;
  /** Ordered names of the task implementations that run a resolved stage of this type. */
  tasks(fields: z.infer<F>): string[];
}

/** Identity helper that lets TypeScript infer `F` from the schema, so `tasks` gets typed fields. */
export function defineStageType<F extends z.ZodType>(stageType: StageType<F>): StageType<F> {
  return stageType;
}
