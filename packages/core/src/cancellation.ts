import { getStageType } from './stages/registry';
import { isComplete, type Status } from './status';

/**
 * What canceling an execution does to one of its active (running or paused) stages
 * (docs/architecture.md "Crash safety"):
 * - `cancel`: the stage ends CANCELED now (nothing of it is half done, or its type undoes nothing);
 * - `cleanUp`: its unfinished tasks are canceled and its type's cancel tasks run (Orca's
 *   CancellableStage): the stage ends CANCELED once they are done, with their failure recorded;
 * - `keepCleaningUp`: it is already cleaning up (a failure's on-failure tasks, or an earlier
 *   delivery of the cancel): those tasks run to the end, nothing new starts.
 */
export type CancelDecision = { kind: 'cancel' } | { kind: 'cleanUp'; tasks: string[] } | { kind: 'keepCleaningUp' };

export interface CancelableStage {
  type: string;
  /** The stage's fields as resolved when it started: its type's cancel tasks are planned from them. */
  context: unknown;
}

export interface CancelableTask {
  status: Status;
  /** Run after the stage's own tasks ended (on-failure or cancel cleanup). */
  onFailure: boolean;
}

export function onCancel(stage: CancelableStage, tasks: readonly CancelableTask[]): CancelDecision {
  if (tasks.some((task) => task.onFailure)) return { kind: 'keepCleaningUp' };
  // Every task it planned had finished: the cancel interrupted nothing of it.
  if (!tasks.some((task) => !isComplete(task.status))) return { kind: 'cancel' };
  const cleanup = getStageType(stage.type)?.cancelTasks?.(stage.context) ?? [];
  return cleanup.length === 0 ? { kind: 'cancel' } : { kind: 'cleanUp', tasks: cleanup };
}

/**
 * Whether canceling this stage may leave cleanup to run, so the execution stays RUNNING (canceled)
 * until it has, instead of turning CANCELED at once. Decided from its fields, as its cancel tasks
 * are (a kayentaCanary cleans up only when it deployed its own groups).
 */
export function cleansUpOnCancel(stage: CancelableStage): boolean {
  return (getStageType(stage.type)?.cancelTasks?.(stage.context) ?? []).length > 0;
}
