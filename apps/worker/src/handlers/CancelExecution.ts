import { insertAudit, lockExecution, selectStages } from '@gantry/store';
import type { MessageOf, OutgoingMessage } from '@gantry/queue';
import type { Handler } from '../engine/EngineContext';
import { inEngineTransaction } from '../engine/outbox';
import { cancelActiveStages } from '../engine/cancelActiveStages';
import { followUpsOfEndedExecution } from './CompleteExecution';

/**
 * The API marked the execution canceled; this stops its running stages and lets a queued one start.
 * When a stage has cleanup to run after a cancel (a canary's abort, a deploy's rollback), the API
 * left the execution RUNNING: the cleanup tasks start here, and CompleteExecution turns the
 * execution CANCELED once no stage is active any more.
 */
export const cancelExecution: Handler<MessageOf<'CancelExecution'>> = (message, ctx) =>
  inEngineTransaction(ctx, async (sql) => {
    const execution = await lockExecution(sql, message.executionId);
    if (!execution || !execution.canceled) return [];
    const stages = await selectStages(sql, execution.id);
    const running = execution.status === 'RUNNING';
    let cleanup: OutgoingMessage[] = [];
    if (stages.some((stage) => stage.status === 'RUNNING' || stage.status === 'PAUSED')) {
      const reason = `execution canceled by ${execution.canceled_by ?? 'anonymous'}`;
      cleanup = await cancelActiveStages(sql, execution, stages, ctx.now(), reason, running);
      await insertAudit(sql, { type: 'STAGES_CANCELED', executionId: execution.id });
    }
    if (running) return [...cleanup, { message: { type: 'CompleteExecution', executionId: execution.id } }];
    return followUpsOfEndedExecution(sql, execution);
  });
