import { startableStages } from '@gantry/core';
import { schedulable, selectStages } from '@gantry/store';
import type { MessageOf } from '@gantry/queue';
import type { Handler } from '../engine/EngineContext';
import { inRunningExecution } from '../engine/inRunningExecution';

/**
 * The API reset the stage and everything downstream of it; this starts whatever of that can run
 * now (usually the restarted stage itself).
 */
export const restartStage: Handler<MessageOf<'RestartStage'>> = (message, ctx) =>
  inRunningExecution(ctx, message.executionId, async (sql, execution) => {
    const stages = await selectStages(sql, execution.id);
    return startableStages(schedulable(stages)).map((stage) => ({
      message: { type: 'StartStage', executionId: execution.id, stageId: stage.id },
    }));
  });
