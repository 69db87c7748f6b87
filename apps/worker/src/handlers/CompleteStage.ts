import { haltsExecutionNow, isComplete, isExecutionFinished, stageStatusAfter, startableStages } from '@gantry/core';
import {
  inTransaction,
  insertAudit,
  lockExecution,
  schedulable,
  selectStages,
  selectTasks,
  updateStage,
  type SqlClient,
  type StageRow,
  type TaskRow,
} from '@gantry/store';
import type { MessageOf, OutgoingMessage } from '@gantry/queue';
import type { Handler } from '../engine/EngineContext';
import { failurePolicyOf, isHalted } from '../engine/stagePolicy';
import { cancelActiveStages } from '../engine/cancelActiveStages';

/**
 * Settles a stage's status from its tasks and the stage's failure policy, then decides what the
 * execution does next: start the stages it unblocked, halt everything, or finish.
 */
export const completeStage: Handler<MessageOf<'CompleteStage'>> = (message, ctx) =>
  inTransaction(ctx.pool, async (sql) => {
    const execution = await lockExecution(sql, message.executionId);
    if (!execution || execution.status !== 'RUNNING') return [];
    const stages = await selectStages(sql, execution.id);
    const stage = stages.find((s) => s.id === message.stageId);
    if (!stage) return [];
    if (stage.status === 'RUNNING') {
      const outcome = stageOutcome(stage, await selectTasks(sql, stage));
      if (!outcome) return [];
      const status = stageStatusAfter(outcome.status, failurePolicyOf(stage));
      await updateStage(sql, stage.id, { status, end_time: ctx.now(), error: outcome.error ?? stage.error });
      await insertAudit(sql, {
        type: 'STAGE_COMPLETED',
        executionId: execution.id,
        stageId: stage.id,
        data: { refId: stage.ref_id, attempt: stage.attempt, status },
      });
      stage.status = status;
    } else if (!isComplete(stage.status)) {
      return [];
    }
    return afterStage(sql, execution.id, stage, stages, ctx.now());
  });

type Outcome = { status: 'SUCCEEDED' | 'TERMINAL' | 'FAILED_CONTINUE' | 'STOPPED' | 'CANCELED'; error?: StageRow['error'] };

/** The stage's result once its tasks are done; undefined while a task still has work to do. */
function stageOutcome(stage: StageRow, tasks: TaskRow[]): Outcome | undefined {
  if (tasks.length === 0) return stage.error ? { status: 'TERMINAL', error: stage.error } : { status: 'SUCCEEDED' };
  const failed = tasks.find((task) => isComplete(task.status) && task.status !== 'SUCCEEDED');
  if (failed) {
    const status = failed.status === 'SKIPPED' ? 'SUCCEEDED' : (failed.status as Outcome['status']);
    return { status, error: failed.error ? { ...failed.error, task: failed.name } : undefined };
  }
  return tasks.every((task) => task.status === 'SUCCEEDED') ? { status: 'SUCCEEDED' } : undefined;
}

async function afterStage(
  sql: SqlClient,
  executionId: string,
  stage: StageRow,
  stages: StageRow[],
  now: Date,
): Promise<OutgoingMessage[]> {
  const finish: OutgoingMessage[] = [{ message: { type: 'CompleteExecution', executionId } }];
  if (haltsExecutionNow(stage.status, failurePolicyOf(stage))) {
    await cancelActiveStages(sql, executionId, stages, now, `stage ${stage.ref_id} failed the pipeline`);
    return finish;
  }
  if (isHalted(stages)) return stages.some((s) => s.status === 'RUNNING' || s.status === 'PAUSED') ? [] : finish;
  const view = schedulable(stages);
  const next = startableStages(view);
  if (next.length > 0) {
    return next.map((s) => ({ message: { type: 'StartStage', executionId, stageId: s.id } }));
  }
  return isExecutionFinished(view) ? finish : [];
}
