import { insertAudit, lockExecutionForStep, recordExecutionEvent, schedulable, selectStages, updateExecution, type StageRow } from '@gantry/store';
import { isExecutionFinished, startableStages } from '@gantry/core';
import type { MessageOf, OutgoingMessage } from '@gantry/queue';
import type { Handler } from '../engine/EngineContext';
import { executionsFinished, executionsStarted } from '../engine/metrics';
import { inEngineTransaction } from '../engine/outbox';

export const startExecution: Handler<MessageOf<'StartExecution'>> = (message, ctx) =>
  inEngineTransaction(ctx, async (sql) => {
    const execution = await lockExecutionForStep(sql, message.executionId);
    if (!execution) return [];
    // Already started (this message is a redelivery after a crash): re-send what starting sent.
    if (execution.status === 'RUNNING') {
      // Canceled while its stages cleaned up: no stage starts any more; the execution only has to end.
      if (execution.canceled) return [{ message: { type: 'CompleteExecution', executionId: execution.id } }];
      return stagesToStart(execution.id, await selectStages(sql, execution.id));
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
    await updateExecution(sql, execution.id, { status: 'RUNNING', start_time: ctx.now() });
    executionsStarted.inc({ application: execution.application, pipeline: execution.pipeline_name });
    await insertAudit(sql, { type: 'EXECUTION_STARTED', executionId: execution.id, pipelineId: execution.pipeline_id });
    await recordExecutionEvent(sql, { event: 'pipeline.starting', execution });
    return stagesToStart(execution.id, await selectStages(sql, execution.id));
  });

function stagesToStart(executionId: string, stages: StageRow[]): OutgoingMessage[] {
  const view = schedulable(stages);
  if (isExecutionFinished(view)) return [{ message: { type: 'CompleteExecution', executionId } }];
  return startableStages(view).map((stage) => ({ message: { type: 'StartStage', executionId, stageId: stage.id } }));
}
