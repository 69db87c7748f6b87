import { decideForPipeline, latestCronTick, matchCronTrigger, type PipelineDecision } from '@gantry/core';
import type { MessageOf, OutgoingMessage } from '@gantry/queue';
import { PostgresExecutionRepository, fireTriggers, isUuid, selectTriggerCandidate } from '@gantry/store';
import type { Handler } from '../engine/EngineContext';
import { startsToResend } from './startsToResend';

/**
 * Starts the pipeline for one tick of its cron trigger. The launch key names the tick, so however
 * often the tick's job is delivered (a worker died holding it, two workers raced), one execution
 * exists per tick. A tick of a schedule the pipeline no longer has (deleted, disabled, changed)
 * starts nothing and asks for the schedules to be synced, which removes the leftover.
 */
export const cronTick: Handler<MessageOf<'CronTick'>> = async (message, ctx) => {
  const resync: OutgoingMessage = { message: { type: 'SyncCronTriggers', pipelineId: message.pipelineId } };
  const pipeline = isUuid(message.pipelineId) ? await selectTriggerCandidate(ctx.pool, message.pipelineId) : null;
  if (pipeline === null) return [resync];
  // The consumer stamps the scheduled time; without it, the tick that has just passed is the best guess.
  const tick = new Date(message.tick ?? latestCronTick(message.expression, message.timezone, ctx.now()).getTime());
  const event = { triggerIndex: message.triggerIndex, expression: message.expression, timezone: message.timezone, tick };
  const decision: PipelineDecision = decideForPipeline(pipeline, 'cron', (trigger, index) => matchCronTrigger(trigger, index, event)) ?? {
    candidate: pipeline,
    decision: 'skip',
    triggerIndex: message.triggerIndex,
    reason: `trigger ${message.triggerIndex} is no longer a cron trigger on "${message.expression}" (${message.timezone})`,
  };
  const { outcomes, messages } = await fireTriggers({ pool: ctx.pool, executions: new PostgresExecutionRepository(ctx.pool) }, [decision], {
    kind: 'cron',
    actor: 'cron',
    event: { ...event, tick: tick.toISOString() },
    idempotencyKey: () => `cron:${message.pipelineId}:${message.triggerIndex}:${tick.toISOString()}`,
  });
  // A redelivered tick finds its execution launched: starting it is sent again until it has started.
  const next: OutgoingMessage[] = [...messages, ...(await startsToResend(ctx.pool, outcomes))].map((start) => ({ message: start }));
  return decision.decision === 'launch' ? next : [...next, resync];
};
