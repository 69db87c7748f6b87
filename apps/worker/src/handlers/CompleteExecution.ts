import { finalExecutionStatus, isComplete, isExecutionFinished } from '@gantry/core';
import {
  inTransaction,
  insertAudit,
  lockExecution,
  schedulable,
  selectStages,
  updateExecution,
  type ExecutionRow,
  type SqlClient,
} from '@gantry/store';
import type { MessageOf, OutgoingMessage } from '@gantry/queue';
import type { Handler } from '../engine/EngineContext';
import { isHalted } from '../engine/stagePolicy';

export const completeExecution: Handler<MessageOf<'CompleteExecution'>> = (message, ctx) =>
  inTransaction(ctx.pool, async (sql) => {
    const execution = await lockExecution(sql, message.executionId);
    if (!execution) return [];
    if (execution.status === 'RUNNING') {
      const stages = await selectStages(sql, execution.id);
      const view = schedulable(stages);
      const active = stages.some((stage) => stage.status === 'RUNNING' || stage.status === 'PAUSED');
      if (!isExecutionFinished(view) && !(isHalted(stages) && !active)) return [];
      const status = finalExecutionStatus(view, execution.canceled);
      await updateExecution(sql, execution.id, { status, end_time: ctx.now() });
      await insertAudit(sql, {
        type: 'EXECUTION_COMPLETED',
        executionId: execution.id,
        pipelineId: execution.pipeline_id,
        data: { status },
      });
    } else if (!isComplete(execution.status)) {
      return [];
    }
    return startNextWaiting(sql, execution);
  });

/** With limitConcurrent, the oldest queued execution of the pipeline starts once this one is over. */
export async function startNextWaiting(sql: SqlClient, execution: ExecutionRow): Promise<OutgoingMessage[]> {
  if (!execution.limit_concurrent) return [];
  const { rows } = await sql.query<{ id: string }>(
    `SELECT id FROM executions WHERE pipeline_id = $1 AND status = 'NOT_STARTED' AND id <> $2
     ORDER BY build_time, id LIMIT 1`,
    [execution.pipeline_id, execution.id],
  );
  return rows.map((row) => ({ message: { type: 'StartExecution', executionId: row.id } }));
}
