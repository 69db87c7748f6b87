import type { MessageOf } from '@gantry/queue';
import type { Handler } from '../engine/EngineContext';
import type { PipelineRepositorySyncer } from '../gitops/PipelineRepositorySyncer';

/**
 * A push webhook's request: sync the repository now. Redelivered or duplicated, it finds the head
 * commit already synced; a fetch failure throws, so the queue retries it.
 */
export function syncPipelineRepository(syncer: PipelineRepositorySyncer | undefined): Handler<MessageOf<'SyncPipelineRepository'>> {
  return async (message, ctx) => {
    const outcome = await syncer?.sync(message.repository);
    if (outcome === undefined) {
      ctx.log.warn({ repository: message.repository }, 'a sync was asked for a pipelines repository this worker does not have configured');
      return [];
    }
    return outcome.messages;
  };
}
