import { completionEvent, finalExecutionStatus, isComplete, isExecutionFinished } from '@gantry/core';
import {
  hasTriggerCandidates,
  insertAudit,
  lockExecutionForStep,
  recordExecutionEvent,
  schedulable,
  selectStages,
  updateExecution,
  type ExecutionRow,
  type SqlClient,
  type StageHead,
} from '@gantry/store';
import type { MessageOf, OutgoingMessage } from '@gantry/queue';
import type { EngineContext, Handler } from '../engine/EngineContext';
import { executionsFinished } from '../engine/metrics';
import { inEngineTransaction } from '../engine/outbox';
import { isHalted } from '../engine/stagePolicy';

export const completeExecution: Handler<MessageOf<'CompleteExecution'>> = (message, ctx) =>
  inEngineTransaction(ctx, async (sql) => {
    const execution = await lockExecutionForStep(sql, message.executionId);
    if (!execution) return [];
    return completeExecutionLocked(sql, execution, ctx, execution.status === 'RUNNING' ? await selectStages(sql, execution.id) : []);
  });

/**
 * The CompleteExecution step inside a transaction that already holds the execution's lock, `stages`
 * its stages as that transaction read (and changed) them. Completing the last stage calls it
 * directly, saving a message and a transaction per execution.
 */
export async function completeExecutionLocked(
  sql: SqlClient,
  execution: ExecutionRow,
  ctx: EngineContext,
  stages: readonly StageHead[],
): Promise<OutgoingMessage[]> {
  if (execution.status === 'RUNNING') {
    const view = schedulable(stages);
    const active = stages.some((stage) => stage.status === 'RUNNING' || stage.status === 'PAUSED');
    if (!isExecutionFinished(view) && !((execution.canceled || (await isHalted(sql, stages))) && !active)) return [];
    const status = finalExecutionStatus(view, execution.canceled);
    await updateExecution(sql, execution.id, { status, end_time: ctx.now() });
    executionsFinished.inc({ application: execution.application, pipeline: execution.pipeline_name, status });
    await insertAudit(sql, {
      type: 'EXECUTION_COMPLETED',
      executionId: execution.id,
      pipelineId: execution.pipeline_id,
      data: { status },
    });
    const event = completionEvent('pipeline', status);
    if (event !== undefined) await recordExecutionEvent(sql, { event, execution, status });
  } else if (!isComplete(execution.status)) {
    return [];
  }
  return followUpsOfEndedExecution(sql, execution);
}

/**
 * What the end of an execution (completed here, or canceled) sets off: with limitConcurrent, the
 * oldest queued execution of the pipeline starts; and, when some pipeline has a pipeline trigger on
 * this application, the pipelines triggered by this one ending are looked up (the handler finds
 * none, or starts each at most once).
 */
export async function followUpsOfEndedExecution(sql: SqlClient, execution: ExecutionRow): Promise<OutgoingMessage[]> {
  const downstream: OutgoingMessage[] = (await hasTriggerCandidates(sql, { type: 'pipeline', application: execution.application }))
    ? [{ message: { type: 'StartDownstreamPipelines', executionId: execution.id } }]
    : [];
  if (!execution.limit_concurrent) return downstream;
  const { rows } = await sql.query<{ id: string }>(
    `SELECT id FROM executions WHERE pipeline_id = $1 AND status = 'NOT_STARTED' AND id <> $2
     ORDER BY build_time, id LIMIT 1`,
    [execution.pipeline_id, execution.id],
  );
  return [...rows.map((row): OutgoingMessage => ({ message: { type: 'StartExecution', executionId: row.id } })), ...downstream];
}
