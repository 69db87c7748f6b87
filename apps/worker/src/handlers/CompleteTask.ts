import { inTransaction, lockExecution, selectStage, selectTasks, updateTask } from '@gantry/store';
import { isComplete } from '@gantry/core';
import type { MessageOf } from '@gantry/queue';
import type { Handler } from '../engine/EngineContext';

/** After a task finished: start the stage's next task, or complete the stage. */
export const completeTask: Handler<MessageOf<'CompleteTask'>> = (message, ctx) =>
  inTransaction(ctx.pool, async (sql) => {
    const execution = await lockExecution(sql, message.executionId);
    const stage = await selectStage(sql, message.stageId);
    if (!execution || execution.status !== 'RUNNING' || !stage || stage.status !== 'RUNNING') return [];
    const tasks = await selectTasks(sql, stage);
    const task = tasks.find((t) => t.id === message.taskId);
    if (!task || !isComplete(task.status)) return [];
    const completeStage = [{ message: { type: 'CompleteStage' as const, executionId: execution.id, stageId: stage.id } }];
    if (task.status !== 'SUCCEEDED') return completeStage;
    const next = tasks.find((t) => t.index === task.index + 1);
    if (!next) return completeStage;
    if (next.status === 'NOT_STARTED') {
      await updateTask(sql, next.id, { status: 'RUNNING', start_time: ctx.now() });
    } else if (next.status !== 'RUNNING') {
      return [];
    }
    // Sending RunTask again for an already running next task is harmless: a duplicate step is discarded.
    return [{ message: { type: 'RunTask', executionId: execution.id, stageId: stage.id, taskId: next.id } }];
  });
