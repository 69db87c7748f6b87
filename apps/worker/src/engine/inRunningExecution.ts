import { lockExecutionForStep, selectStagesAndTasks, type LockedExecutionRow, type SqlClient, type StagesAndTasks } from '@gantry/store';
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
  step: (sql: SqlClient, execution: LockedExecutionRow) => Promise<OutgoingMessage[]>,
): Promise<OutgoingMessage[]> {
  return inEngineTransaction(ctx, async (sql) => {
    const execution = await lockExecutionForStep(sql, executionId);
    return isRunning(execution) ? step(sql, execution) : [];
  });
}

/**
 * inRunningExecution for a message about one stage: the step is also handed the execution's
 * stages and that stage's tasks, read by a statement sent right behind the lock (one round trip
 * with BEGIN and the lock). That statement starts once the lock is held, so it sees every change
 * committed before, and nobody changes these rows until this transaction ends: every writer of
 * stages and tasks holds the execution's lock first.
 */
export function inRunningStage(
  ctx: EngineContext,
  executionId: string,
  stageId: string,
  step: (sql: SqlClient, execution: LockedExecutionRow, current: StagesAndTasks) => Promise<OutgoingMessage[]>,
): Promise<OutgoingMessage[]> {
  return inEngineTransaction(ctx, async (sql) => {
    const [execution, current] = await Promise.all([lockExecutionForStep(sql, executionId), selectStagesAndTasks(sql, executionId, stageId)]);
    return isRunning(execution) ? step(sql, execution, current) : [];
  });
}

function isRunning(execution: LockedExecutionRow | null): execution is LockedExecutionRow {
  if (!execution || execution.status !== 'RUNNING') return false;
  // The message's span learns whose execution it moved (the message names only its id).
  annotateSpan({ [ATTR.application]: execution.application, [ATTR.pipelineId]: execution.pipeline_id });
  return true;
}
