import type { MessageOf } from '@gantry/queue';
import type { DriftChecker } from '../drift/DriftChecker';
import type { Handler } from '../engine/EngineContext';

/**
 * A drift check: the schedule's tick (everything) or an on-demand request (one watch or one
 * application). A failure throws, so the queue retries it; a repeat only observes again.
 */
export function checkDrift(checker: DriftChecker | undefined): Handler<MessageOf<'CheckDrift'>> {
  return async (message, ctx) => {
    if (checker === undefined) {
      ctx.log.warn({ message }, 'a drift check was asked of a worker without drift settings');
      return [];
    }
    if (message.watch !== undefined && checker.watch(message.watch) === undefined) {
      ctx.log.warn({ watch: message.watch }, 'a drift check was asked for a watch this worker does not have configured');
      return [];
    }
    await checker.check({ ...(message.watch === undefined ? {} : { watch: message.watch }), ...(message.application === undefined ? {} : { application: message.application }) });
    return [];
  };
}
