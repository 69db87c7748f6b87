import { NotFoundError, hasCronTriggers } from '@gantry/core';
import type { MessageBus } from '@gantry/queue';
import type { PipelineRepository } from '@gantry/store';
import type { FastifyBaseLogger } from 'fastify';

/**
 * After a save or delete committed: when the pipeline has (or had, before the change) a cron
 * trigger, asks the workers to make its schedules match. A lost message is logged, not fatal:
 * the save stands, the workers re-sync every schedule periodically, and a leftover tick removes
 * itself.
 */
export async function requestCronSync(
  bus: MessageBus,
  pipelineId: string,
  definitions: readonly unknown[],
  log: FastifyBaseLogger,
): Promise<void> {
  if (!definitions.some(hasCronTriggers)) return;
  try {
    await bus.send({ type: 'SyncCronTriggers', pipelineId });
  } catch (error) {
    log.warn({ err: error, pipelineId }, 'could not ask for a cron schedule sync; the periodic resync will catch up');
  }
}

/** The stored definition before a change (undefined when there is none: the change itself answers 404). */
export async function definitionBefore(pipelines: PipelineRepository, id: string): Promise<unknown> {
  try {
    return (await pipelines.get(id)).definition;
  } catch (error) {
    if (error instanceof NotFoundError) return undefined;
    throw error;
  }
}
