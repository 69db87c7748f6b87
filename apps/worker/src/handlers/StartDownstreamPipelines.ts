import { decideForPipeline, isComplete, matchPipelineTrigger, type FinishedExecution } from '@gantry/core';
import type { MessageOf } from '@gantry/queue';
import { PostgresExecutionRepository, fireTriggers, selectExecution, selectTriggerCandidates } from '@gantry/store';
import type { Handler } from '../engine/EngineContext';
import { startsToResend } from './startsToResend';

/**
 * An execution ended: starts every pipeline whose pipeline trigger listens for it ending this way.
 * Sent after the end is committed, and safe to repeat: the launch key is the upstream execution
 * and the downstream pipeline, so each downstream pipeline starts at most once per upstream run.
 */
export const startDownstreamPipelines: Handler<MessageOf<'StartDownstreamPipelines'>> = async (message, ctx) => {
  const execution = await selectExecution(ctx.pool, message.executionId);
  if (execution === null || !isComplete(execution.status)) return [];
  const candidates = await selectTriggerCandidates(ctx.pool, { type: 'pipeline', application: execution.application });
  if (candidates.length === 0) return [];
  const { rows } = await ctx.pool.query<{ name: string }>('SELECT name FROM pipelines WHERE id = $1', [execution.pipeline_id]);
  const upstream: FinishedExecution = {
    id: execution.id,
    application: execution.application,
    pipelineId: execution.pipeline_id,
    pipelineName: rows[0]?.name ?? execution.pipeline_name,
    name: execution.pipeline_name,
    status: execution.status,
    trigger: execution.trigger,
  };
  const decisions = candidates.flatMap((candidate) => decideForPipeline(candidate, 'pipeline', (trigger) => matchPipelineTrigger(trigger, upstream)) ?? []);
  if (decisions.length === 0) return [];
  const user = execution.trigger.user;
  const { outcomes, messages } = await fireTriggers({ pool: ctx.pool, executions: new PostgresExecutionRepository(ctx.pool) }, decisions, {
    kind: 'pipeline',
    actor: typeof user === 'string' ? user : 'anonymous',
    event: { executionId: upstream.id, application: upstream.application, pipelineId: upstream.pipelineId, pipelineName: upstream.pipelineName, status: upstream.status },
    idempotencyKey: (decision) => `pipeline:${upstream.id}:${decision.candidate.pipelineId}`,
    parentExecutionId: upstream.id,
  });
  return [...messages, ...(await startsToResend(ctx.pool, outcomes))].map((start) => ({ message: start }));
};
