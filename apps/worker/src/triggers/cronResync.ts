import type { MessageBus } from '@gantry/queue';
import { selectTriggerCandidates } from '@gantry/store';
import type pg from 'pg';
import type { EngineLogger } from '../engine/EngineContext';
import type { CronScheduleStore } from './CronSchedules';

/**
 * Asks for a SyncCronTriggers of every pipeline that has a cron trigger in the database or a
 * schedule in the queue. The syncs themselves run as engine messages (one pipeline each, under its
 * lock), so a full resync never races a pipeline being saved at the same moment.
 */
export async function requestCronResync(deps: { pool: pg.Pool; bus: MessageBus; schedules: CronScheduleStore }): Promise<number> {
  const withTriggers = (await selectTriggerCandidates(deps.pool, { type: 'cron' })).map((pipeline) => pipeline.pipelineId);
  const ids = [...new Set([...withTriggers, ...(await deps.schedules.scheduledPipelineIds())])];
  await deps.bus.sendAll(ids.map((pipelineId) => ({ message: { type: 'SyncCronTriggers', pipelineId } })));
  return ids.length;
}

/**
 * Resyncs at start-up (schedules follow the database even if it changed while no worker ran) and
 * then every `intervalMs` (a save whose sync message was lost is picked up; 0: start-up only).
 */
export function startCronResync(deps: {
  pool: pg.Pool;
  bus: MessageBus;
  schedules: CronScheduleStore;
  log: EngineLogger;
  intervalMs: number;
}): { stop(): Promise<void> } {
  let running: Promise<void> = Promise.resolve();
  const resync = () => {
    running = requestCronResync(deps)
      .then((count) => (count > 0 ? deps.log.info({ pipelines: count }, 'cron schedules resync requested') : undefined))
      .catch((error: unknown) => deps.log.error({ err: error }, 'cron schedules resync failed; the next one retries'));
  };
  resync();
  const timer = deps.intervalMs > 0 ? setInterval(resync, deps.intervalMs) : undefined;
  timer?.unref();
  return {
    async stop() {
      clearInterval(timer);
      await running;
    },
  };
}
