import {
  inTransaction,
  lockExecution,
  selectStages,
  selectTasks,
  updateTask,
  type ExecutionRow,
  type SqlClient,
} from '@gantry/store';
import { isComplete } from '@gantry/core';
import type { MessageOf, OutgoingMessage } from '@gantry/queue';
import type { EngineContext, Handler } from '../engine/EngineContext';
import { completeStageLocked } from './CompleteStage';

/** After a task finished: start the stage's next task, or complete the stage. */
export const completeTask: Handler<MessageOf<'CompleteTask'>> = (message, ctx) =>
  inTransaction(ctx.pool, async (sql) => {
    const execution = await lockExecution(sql, message.executionId);
    if (!execution || execution.status !== 'RUNNING') return [];
    return completeTaskLocked(sql, execution, message.stageId, message.taskId, ctx);
  });

/**
 * The CompleteTask step inside a transaction that already holds the execution's lock. RunTask calls
 * it directly when a task finishes, so the common path needs no extra message and transaction.
 */
export async function completeTaskLocked(
  sql: SqlClient,
  execution: ExecutionRow,
  stageId: string,
  taskId: string,
  ctx: EngineContext,
): Promise<OutgoingMessage[]> {
  const stages = await selectStages(sql, execution.id);
  const stage = stages.find((s) => s.id === stageId);
  if (!stage || stage.status !== 'RUNNING') return [];
  const tasks = await selectTasks(sql, stage);
  const task = tasks.find((t) => t.id === taskId);
  if (!task || !isComplete(task.status)) return [];
  const next = task.status === 'SUCCEEDED' ? tasks.find((t) => t.index === task.index + 1) : undefined;
  if (!next) return completeStageLocked(sql, execution, stage.id, ctx, { stages, tasks });
  if (next.status === 'NOT_STARTED') {
    await updateTask(sql, next.id, { status: 'RUNNING', start_time: ctx.now() });
  } else if (next.status !== 'RUNNING') {
    return [];
  }
  // Sending RunTask again for an already running next task is harmless: a duplicate step is discarded.
  return [{ message: { type: 'RunTask', executionId: execution.id, stageId: stage.id, taskId: next.id } }];
}
