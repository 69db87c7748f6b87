import { insertAudit, lockExecutionForStep, recordExecutionEvent, schedulable, selectStages, updateExecution, type ExecutionRow, type SqlClient } from '@gantry/store';
import { isExecutionFinished, startableStages } from '@gantry/core';
import type { MessageOf, OutgoingMessage } from '@gantry/queue';
import type { EngineContext, Handler } from '../engine/EngineContext';
import { executionsFinished, executionsStarted } from '../engine/metrics';
import { inEngineTransaction } from '../engine/outbox';
import { completeExecutionLocked } from './CompleteExecution';
import { startStagesLocked } from './StartStage';

export const startExecution: Handler<MessageOf<'StartExecution'>> = (message, ctx) =>
  inEngineTransaction(ctx, async (sql) => {
    const execution = await lockExecutionForStep(sql, message.executionId);
    if (!execution) return [];
    // Already started (a redelivery, or the reconciler's nudge for a running execution with nothing
    // running): starts what can start, or ends it.
    if (execution.status === 'RUNNING') {
      // Canceled while its stages cleaned up: no stage starts any more; the execution only has to end.
      if (execution.canceled) return [{ message: { type: 'CompleteExecution', executionId: execution.id } }];
      return startStages(sql, execution, ctx);
    }
    if (execution.status !== 'NOT_STARTED') return [];
    if (execution.limit_concurrent) {
      // The pipeline row lock orders concurrent starts of one pipeline.
      await sql.query('SELECT id FROM pipelines WHERE id = $1 FOR UPDATE', [execution.pipeline_id]);
      const active = await sql.query(
        `SELECT id FROM executions WHERE pipeline_id = $1 AND id <> $2 AND status IN ('RUNNING', 'PAUSED') LIMIT 1`,
        [execution.pipeline_id, execution.id],
      );
      if (active.rows.length > 0) {
        if (execution.keep_waiting_pipelines) {
          await insertAudit(sql, { type: 'EXECUTION_QUEUED', executionId: execution.id, pipelineId: execution.pipeline_id });
          return [];
        }
        await updateExecution(sql, execution.id, {
          status: 'CANCELED',
          canceled: true,
          cancellation_reason: 'another execution of this pipeline is running (limitConcurrent)',
          end_time: ctx.now(),
        });
        await insertAudit(sql, { type: 'EXECUTION_CANCELED', executionId: execution.id, data: { reason: 'limitConcurrent' } });
        executionsFinished.inc({ application: execution.application, pipeline: execution.pipeline_name, status: 'CANCELED' });
        return [];
      }
    }
    const now = ctx.now();
    await updateExecution(sql, execution.id, { status: 'RUNNING', start_time: now });
    executionsStarted.inc({ application: execution.application, pipeline: execution.pipeline_name });
    await insertAudit(sql, { type: 'EXECUTION_STARTED', executionId: execution.id, pipelineId: execution.pipeline_id });
    await recordExecutionEvent(sql, { event: 'pipeline.starting', execution });
    // The stages start in this transaction, and their expressions see the execution running.
    Object.assign(execution, { status: 'RUNNING', start_time: now });
    return startStages(sql, execution, ctx);
  });

/**
 * Starts the stages that wait for nothing, in the transaction that starts the execution (as
 * completing a stage starts the ones it unblocks), saving a message and a transaction per stage.
 */
async function startStages(sql: SqlClient, execution: ExecutionRow, ctx: EngineContext): Promise<OutgoingMessage[]> {
  const stages = await selectStages(sql, execution.id);
  const view = schedulable(stages);
  if (isExecutionFinished(view)) return completeExecutionLocked(sql, execution, ctx, stages);
  return startStagesLocked(sql, execution, startableStages(view).map((stage) => stage.id), ctx, stages);
}
