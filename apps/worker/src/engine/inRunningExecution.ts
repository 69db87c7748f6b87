import { lockExecutionForStep, type ExecutionRow, type SqlClient } from '@gantry/store';
import type { OutgoingMessage } from '@gantry/queue';
import { ATTR, annotateSpan } from '@gantry/telemetry';
import type { EngineContext } from './EngineContext';
import { inEngineTransaction } from './outbox';

/**
 * Runs a handler's step in one transaction that holds the execution's row lock. An execution that
 * is gone or no longer RUNNING (finished, canceled) takes no step: the message is stale.
 */
export function inRunningExecution(
  ctx: EngineContext,
  executionId: string,
  step: (sql: SqlClient, execution: ExecutionRow) => Promise<OutgoingMessage[]>,
): Promise<OutgoingMessage[]> {
  return inEngineTransaction(ctx, async (sql) => {
    const execution = await lockExecutionForStep(sql, executionId);
    if (!execution || execution.status !== 'RUNNING') return [];
    // The message's span learns whose execution it moved (the message names only its id).
    annotateSpan({ [ATTR.application]: execution.application, [ATTR.pipelineId]: execution.pipeline_id });
    return step(sql, execution);
  });
}
