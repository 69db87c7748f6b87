import { insertAudit, lockExecution, selectStages } from '@gantry/store';
import type { MessageOf } from '@gantry/queue';
import type { Handler } from '../engine/EngineContext';
import { inEngineTransaction } from '../engine/outbox';
import { cancelActiveStages } from '../engine/cancelActiveStages';
import { followUpsOfEndedExecution } from './CompleteExecution';

/** The API marked the execution CANCELED; this stops its running stages and lets a queued one start. */
export const cancelExecution: Handler<MessageOf<'CancelExecution'>> = (message, ctx) =>
  inEngineTransaction(ctx, async (sql) => {
    const execution = await lockExecution(sql, message.executionId);
    if (!execution || !execution.canceled) return [];
    const stages = await selectStages(sql, execution.id);
    if (stages.some((stage) => stage.status === 'RUNNING' || stage.status === 'PAUSED')) {
      await cancelActiveStages(sql, execution.id, stages, ctx.now(), `execution canceled by ${execution.canceled_by ?? 'anonymous'}`);
      await insertAudit(sql, { type: 'STAGES_CANCELED', executionId: execution.id });
    }
    return followUpsOfEndedExecution(sql, execution);
  });
