import { activeCronTriggers } from '@gantry/core';
import type { MessageOf } from '@gantry/queue';
import { inTransaction, isUuid, selectTriggerCandidate } from '@gantry/store';
import type { Handler } from '../engine/EngineContext';
import type { CronScheduleStore } from '../triggers/CronSchedules';

// Advisory lock class for cron syncs (the pipeline id's hash is the other half of the key).
const CRON_SYNC_LOCK = 7274;

/**
 * Makes the queue's cron schedules of one pipeline match its latest version: added, changed,
 * or removed when the trigger (or the pipeline) is disabled or gone. Syncs of one pipeline take
 * turns under an advisory lock, so the last one to run reads the newest version and wins.
 */
export function syncCronTriggers(schedules: CronScheduleStore): Handler<MessageOf<'SyncCronTriggers'>> {
  return (message, ctx) =>
    inTransaction(ctx.pool, async (sql) => {
      if (!isUuid(message.pipelineId)) return [];
      await sql.query('SELECT pg_advisory_xact_lock($1, hashtext($2))', [CRON_SYNC_LOCK, message.pipelineId]);
      const pipeline = await selectTriggerCandidate(sql, message.pipelineId);
      const wanted = pipeline === null ? [] : activeCronTriggers(pipeline.definition);
      const { upserted, removed } = await schedules.replace(message.pipelineId, wanted);
      if (upserted > 0 || removed > 0) ctx.log.info({ pipelineId: message.pipelineId, upserted, removed }, 'cron schedules synced');
      return [];
    });
}
