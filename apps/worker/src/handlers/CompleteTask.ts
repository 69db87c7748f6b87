import {
  insertAudit,
  insertTasks,
  selectStages,
  selectTasks,
  updateTask,
  wholeStage,
  type ExecutionRow,
  type SqlClient,
  type StageRow,
  type StagesAndTasks,
  type TaskRow,
} from '@gantry/store';
import { getStageType, isComplete } from '@gantry/core';
import type { MessageOf, OutgoingMessage } from '@gantry/queue';
import type { EngineContext, Handler } from '../engine/EngineContext';
import { inRunningStage } from '../engine/inRunningExecution';
import { completeStageLocked } from './CompleteStage';
import { rerunRunningTask, runTaskMessage } from './taskMessages';

/** After a task finished: start the stage's next task, or complete the stage. */
export const completeTask: Handler<MessageOf<'CompleteTask'>> = (message, ctx) =>
  inRunningStage(ctx, message.executionId, message.stageId, (sql, execution, current) =>
    completeTaskLocked(sql, execution, message.stageId, message.taskId, ctx, current),
  );

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
  /** The execution's stages and this stage's tasks as this transaction read (and changed) them, to skip a re-read. */
  current?: StagesAndTasks,
): Promise<OutgoingMessage[]> {
  const stages = current?.stages ?? (await selectStages(sql, execution.id));
  const stage = await wholeStage(sql, stages, stageId);
  if (!stage) return [];
  // An earlier delivery of this step completed the stage; a crash may have lost what that sent.
  if (isComplete(stage.status)) return completeStageLocked(sql, execution, stage.id, ctx, { stages, tasks: [] });
  if (stage.status !== 'RUNNING') return [];
  const tasks = current?.tasks ?? (await selectTasks(sql, stage));
  const task = tasks.find((t) => t.id === taskId);
  if (!task || !isComplete(task.status)) return [];
  if (task.status === 'TERMINAL' && !task.on_failure) {
    const recovering = await runOnFailureTasks(sql, execution, stage, tasks, ctx);
    if (recovering.length > 0) return recovering;
  }
  const next = task.status === 'SUCCEEDED' ? tasks.find((t) => t.index === task.index + 1) : undefined;
  if (!next) return completeStageLocked(sql, execution, stage.id, ctx, { stages, tasks });
  if (next.status === 'NOT_STARTED') {
    await updateTask(sql, next.id, { status: 'RUNNING', start_time: ctx.now() });
  } else if (next.status !== 'RUNNING') {
    return [];
  }
  // Sending RunTask again for an already running next task is harmless: a duplicate step is discarded.
  return [runTaskMessage(next, ctx.task(next.name)?.local)];
}

/**
 * A task of the stage failed: its type's on-failure tasks (a deploy's rollback) start now, in the
 * transaction that records the failure, so a crash can neither skip nor double them. A redelivery
 * finds them inserted and re-sends the one running. None planned, or all done: the stage completes.
 */
async function runOnFailureTasks(
  sql: SqlClient,
  execution: ExecutionRow,
  stage: StageRow,
  tasks: TaskRow[],
  ctx: EngineContext,
): Promise<OutgoingMessage[]> {
  const existing = tasks.filter((t) => t.on_failure);
  if (existing.length > 0) return rerunRunningTask(existing);
  // The context holds the stage's fields as validated when it started: the plan is the one it had then.
  const names = getStageType(stage.type)?.onFailureTasks?.(stage.context) ?? [];
  const [first] = await insertTasks(sql, stage, names, ctx.now(), { onFailure: true, after: tasks.length });
  if (!first) return [];
  await insertAudit(sql, { type: 'ON_FAILURE_TASKS_STARTED', executionId: execution.id, stageId: stage.id, data: { refId: stage.ref_id, tasks: names } });
  return [runTaskMessage(first)];
}
