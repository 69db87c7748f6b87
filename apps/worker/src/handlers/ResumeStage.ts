import { selectStage, selectTasks, updateStage, updateTask } from '@gantry/store';
import type { MessageOf, OutgoingMessage } from '@gantry/queue';
import type { Handler } from '../engine/EngineContext';
import { inRunningExecution } from '../engine/inRunningExecution';
import { rerunRunningTask, runTaskMessage } from './taskMessages';

/** Puts a paused stage back to work: its paused task runs again from where it was. */
export const resumeStage: Handler<MessageOf<'ResumeStage'>> = (message, ctx) =>
  inRunningExecution(ctx, message.executionId, async (sql, execution) => {
    const stage = await selectStage(sql, message.stageId);
    if (!stage) return [];
    const tasks = await selectTasks(sql, stage);
    const complete: OutgoingMessage[] = [{ message: { type: 'CompleteStage', executionId: execution.id, stageId: stage.id } }];
    if (stage.status === 'RUNNING') {
      // A redelivery after the stage was already resumed: send again what resuming sent.
      const rerun = rerunRunningTask(tasks);
      return rerun.length > 0 ? rerun : complete;
    }
    if (stage.status !== 'PAUSED') return [];
    await updateStage(sql, stage.id, { status: 'RUNNING' });
    const paused = tasks.find((task) => task.status === 'PAUSED');
    if (!paused) return complete;
    await updateTask(sql, paused.id, { status: 'RUNNING' });
    return [runTaskMessage(paused)];
  });
