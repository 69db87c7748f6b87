import { isDeepStrictEqual } from 'node:util';
import { openQueue, type MessageOf, type QueueBackendConfig } from '@gantry/queue';

/** The queue's one drift job scheduler: each tick is one CheckDrift job, however many workers run. */
export const DRIFT_SCHEDULER_ID = 'drift';

/**
 * Makes the drift schedule match the configured interval (0: none), as cron triggers are scheduled
 * (a BullMQ job scheduler on the engine's own queue, so one worker takes each tick). Every worker
 * calls it at start; an unchanged schedule is left alone, since upserting it would re-plan its
 * next tick. Answers what it did.
 */
export async function syncDriftSchedule(config: QueueBackendConfig, intervalSeconds: number): Promise<'scheduled' | 'unchanged' | 'removed'> {
  const { queue, close } = openQueue(config);
  try {
    const message: MessageOf<'CheckDrift'> = { type: 'CheckDrift' };
    if (intervalSeconds === 0) {
      await queue.removeJobScheduler(DRIFT_SCHEDULER_ID);
      return 'removed';
    }
    const every = intervalSeconds * 1000;
    const current = await queue.getJobScheduler(DRIFT_SCHEDULER_ID);
    if (current !== undefined && current !== null && Number(current.every) === every && isDeepStrictEqual(current.template?.data, message)) return 'unchanged';
    await queue.upsertJobScheduler(DRIFT_SCHEDULER_ID, { every }, { name: message.type, data: message });
    return 'scheduled';
  } finally {
    await close();
  }
}
