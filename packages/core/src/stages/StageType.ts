import type { z } from 'zod';
import type { LiteralFieldPattern } from './literalFields';

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
  /** Fields whose `${…}` the stage fills in itself: neither checked nor resolved as expressions. */
  readonly literalFields?: readonly LiteralFieldPattern[];
  /**
   * Tasks the engine runs, in order, when one of `tasks` ends TERMINAL (a deploy's rollback): they
   * clean up after the failure, and the stage still ends with it. None when absent.
   */
  onFailureTasks?(fields: z.infer<F>): string[];
}

/** Identity helper that lets TypeScript infer `F` from the schema, so `tasks` gets typed fields. */
export function defineStageType<F extends z.ZodType>(stageType: StageType<F>): StageType<F> {
  return stageType;
}
