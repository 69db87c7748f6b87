import { annotateStage } from '@gantry/telemetry';
import { completionEvent, haltsExecutionNow, isComplete, isExecutionFinished, stageStatusAfter, startableStages } from '@gantry/core';
import {
  insertAudit,
  recordExecutionEvent,
  schedulable,
  selectStages,
  selectTasks,
  updateStage,
  wholeStage,
  type ExecutionRow,
  type SqlClient,
  type StageHead,
  type StageRow,
  type StagesAndTasks,
  type TaskRow,
} from '@gantry/store';
import type { MessageOf, OutgoingMessage } from '@gantry/queue';
import type { EngineContext, Handler } from '../engine/EngineContext';
import { observeStageEnd } from '../engine/metrics';
import { startStagesLocked } from './StartStage';
import { completeExecutionLocked } from './CompleteExecution';
import { failurePolicyOf, isHalted } from '../engine/stagePolicy';
import { cancelActiveStages } from '../engine/cancelActiveStages';
import { inRunningStage } from '../engine/inRunningExecution';

/**
 * Settles a stage's status from its tasks and the stage's failure policy, then decides what the
 * execution does next: start the stages it unblocked, halt everything, or finish.
 */
export const completeStage: Handler<MessageOf<'CompleteStage'>> = (message, ctx) =>
  inRunningStage(ctx, message.executionId, message.stageId, (sql, execution, current) => completeStageLocked(sql, execution, message.stageId, ctx, current));

/** The CompleteStage step inside a transaction that already holds the execution's lock. */
export async function completeStageLocked(
  sql: SqlClient,
  execution: ExecutionRow,
  stageId: string,
  ctx: EngineContext,
  /** Rows this transaction already read, to skip reading them again. */
  current?: StagesAndTasks,
): Promise<OutgoingMessage[]> {
  const now = ctx.now();
  const stages = current?.stages ?? (await selectStages(sql, execution.id));
  const stage = await wholeStage(sql, stages, stageId);
  if (!stage) return [];
  annotateStage({ id: stage.id, refId: stage.ref_id, type: stage.type });
  if (stage.status === 'RUNNING') {
    const outcome = stageOutcome(stage, current?.tasks ?? (await selectTasks(sql, stage)));
    if (!outcome) return [];
    const status = stageStatusAfter(outcome.status, failurePolicyOf(stage));
    await updateStage(sql, stage.id, { status, end_time: now, error: outcome.error ?? stage.error });
    observeStageEnd(stage, execution, status, now);
    await insertAudit(sql, {
      type: 'STAGE_COMPLETED',
      executionId: execution.id,
      stageId: stage.id,
      data: { refId: stage.ref_id, attempt: stage.attempt, status },
    });
    stage.status = status;
    const event = completionEvent('stage', status);
    if (event !== undefined) await recordExecutionEvent(sql, { event, execution, stage, status });
  } else if (!isComplete(stage.status)) {
    return [];
  }
  return afterStage(sql, execution, stage, stages, ctx);
}

type Outcome = { status: 'SUCCEEDED' | 'TERMINAL' | 'FAILED_CONTINUE' | 'STOPPED' | 'CANCELED'; error?: StageRow['error'] };

/**
 * The stage's result once its tasks are done; undefined while a task still has work to do. On-failure
 * tasks (a rollback) never change the status the failure gave: their own failure joins its error.
 */
function stageOutcome(stage: StageRow, tasks: TaskRow[]): Outcome | undefined {
  if (tasks.length === 0) return stage.error ? { status: 'TERMINAL', error: stage.error } : { status: 'SUCCEEDED' };
  const planned = tasks.filter((task) => !task.on_failure);
  const onFailure = tasks.filter((task) => task.on_failure);
  const failed = planned.find(hasFailed);
  if (failed) {
    if (onFailure.some((task) => !isComplete(task.status) && task.status !== 'NOT_STARTED')) return undefined;
    const status = failed.status === 'SKIPPED' ? 'SUCCEEDED' : (failed.status as Outcome['status']);
    const cleanup = onFailure.find(hasFailed);
    const cleanupError = cleanup ? { onFailure: { task: cleanup.name, message: cleanup.error?.message ?? cleanup.status } } : {};
    return { status, error: failed.error ? { ...failed.error, task: failed.name, ...cleanupError } : undefined };
  }
  return planned.every((task) => task.status === 'SUCCEEDED') ? { status: 'SUCCEEDED' } : undefined;
}

function hasFailed(task: TaskRow): boolean {
  return isComplete(task.status) && task.status !== 'SUCCEEDED';
}

async function afterStage(
  sql: SqlClient,
  execution: ExecutionRow,
  stage: StageRow,
  stages: StageHead[],
  ctx: EngineContext,
): Promise<OutgoingMessage[]> {
  const finish: OutgoingMessage[] = [{ message: { type: 'CompleteExecution', executionId: execution.id } }];
  if (haltsExecutionNow(stage.status, failurePolicyOf(stage))) {
    // Stages that clean up after themselves are still RUNNING meanwhile, so the execution ends after them.
    return [...(await cancelActiveStages(sql, execution, stages, ctx.now(), `stage ${stage.ref_id} failed the pipeline`)), ...finish];
  }
  // Canceled while stages cleaned up: nothing new starts, and the last one to finish ends the execution.
  if (execution.canceled || (await isHalted(sql, stages))) return stages.some((s) => s.status === 'RUNNING' || s.status === 'PAUSED') ? [] : finish;
  const view = schedulable(stages);
  // Running already: an earlier delivery of this step started them, and a crash may have lost what it sent.
  // Skipped too: starting skipped them and sent their CompleteStage, which would start what comes after them.
  const startedBefore = stages.filter(
    (s) => (s.status === 'RUNNING' || s.status === 'SKIPPED') && s.requisite_stage_ref_ids.includes(stage.ref_id),
  );
  const next = startableStages(view);
  // The last stage ended: the execution ends in this transaction too.
  if (next.length === 0 && startedBefore.length === 0) return isExecutionFinished(view) ? completeExecutionLocked(sql, execution, ctx, stages) : [];
  return startStagesLocked(sql, execution, [...startedBefore, ...next].map((child) => child.id), ctx, stages);
}
