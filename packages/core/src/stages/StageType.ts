import type { z } from 'zod';
import type { LiteralFieldPattern } from './literalFields';

/**
 * One kind of stage. `fields` validates the type-specific keys of a stage (an object schema that
 * keeps unknown keys) both when a pipeline is saved, where any field may still be a `${…}`
 * expression, and at stage start, after expressions were resolved.
 */
export interface StageType<F extends z.ZodType = z.ZodType, Task extends string = string> {
  readonly type: string;
  readonly fields: F;
  /**
   * Ordered names of the task implementations that run a resolved stage of this type. Literal
   * types: the worker's table of built-in tasks is typed by them (`TaskNamesOf`).
   */
  tasks(fields: z.infer<F>): Task[];
  /** Fields whose `${…}` the stage fills in itself: neither checked nor resolved as expressions. */
  readonly literalFields?: readonly LiteralFieldPattern[];
  /**
   * Tasks the engine runs, in order, when one of `tasks` ends TERMINAL (a deploy's rollback): they
   * clean up after the failure, and the stage still ends with it. None when absent.
   */
  onFailureTasks?(fields: z.infer<F>): Task[];
  /**
   * Tasks the engine runs, in order, when the execution is canceled while a task of the stage is
   * unfinished (Orca's CancellableStage, made durable): they undo what the stage left half done
   * (traffic moved to a canary), and the stage ends CANCELED once they are done. None when absent.
   */
  cancelTasks?(fields: z.infer<F>): Task[];
  /**
   * Fills, at stage start and before expressions resolve, what a Spinnaker stage takes from the
   * stages before it (a deploy's image from a bake's `deploymentDetails`). `upstream` holds the
   * outputs of the stages it waits for, directly or not, nearest first. Throws a ValidationError
   * naming the field when nothing upstream gives it. Absent: the stage takes nothing.
   */
  fromUpstream?(stage: Record<string, unknown>, upstream: readonly Record<string, unknown>[]): Record<string, unknown>;
}

/**
 * Identity helper that lets TypeScript infer `F` from the schema, so `tasks` gets typed fields, and
 * `Task` from the names the plans return.
 */
export function defineStageType<F extends z.ZodType, Task extends string>(stageType: StageType<F, Task>): StageType<F, Task> {
  return stageType;
}

/** Every task name stage type `S` may plan, as a union of literal types. */
export type TaskNamesOf<S> = S extends StageType<infer _F, infer Task> ? Task : never;
