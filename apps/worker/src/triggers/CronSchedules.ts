import { isDeepStrictEqual } from 'node:util';
import type { ActiveCronTrigger } from '@gantry/core';
import { openQueue, type MessageOf, type QueueBackendConfig } from '@gantry/queue';

const PREFIX = 'cron:';

/** The job scheduler of one cron trigger: `cron:<pipelineId>:<triggerIndex>`. */
export function cronSchedulerId(pipelineId: string, triggerIndex: number): string {
  return `${PREFIX}${pipelineId}:${triggerIndex}`;
}

/** Where schedules live; the one thing SyncCronTriggers needs from the queue. */
export interface CronScheduleStore {
  /** Makes the pipeline's schedules exactly `wanted`; answers how many were added/changed and removed. */
  replace(pipelineId: string, wanted: readonly ActiveCronTrigger[]): Promise<{ upserted: number; removed: number }>;
  /** Pipelines that have at least one schedule. */
  scheduledPipelineIds(): Promise<string[]>;
}

/**
 * Cron triggers as BullMQ job schedulers on the engine's own queue (Redis or PostgreSQL backend
 * alike): each tick is one job whose data is a CronTick message, so it is handled by whichever
 * worker takes it, like any other engine message, and exactly one job exists per tick.
 */
export class CronSchedules implements CronScheduleStore {
  private constructor(private readonly opened: ReturnType<typeof openQueue>) {}

  static open(config: QueueBackendConfig): CronSchedules {
    return new CronSchedules(openQueue(config));
  }

  async replace(pipelineId: string, wanted: readonly ActiveCronTrigger[]): Promise<{ upserted: number; removed: number }> {
    const { queue } = this.opened;
    const mine = `${PREFIX}${pipelineId}:`;
    const existing = new Map(
      (await queue.getJobSchedulers(0, -1)).filter((scheduler) => scheduler.key.startsWith(mine)).map((scheduler) => [scheduler.key, scheduler]),
    );
    let upserted = 0;
    for (const trigger of wanted) {
      const id = cronSchedulerId(pipelineId, trigger.triggerIndex);
      const message: MessageOf<'CronTick'> = { type: 'CronTick', pipelineId, ...trigger };
      const current = existing.get(id);
      existing.delete(id);
      // Upserting an unchanged schedule would re-plan its next job; near a tick that can drop the tick.
      if (current?.pattern === trigger.expression && current.tz === trigger.timezone && isDeepStrictEqual(current.template?.data, message)) continue;
      await queue.upsertJobScheduler(id, { pattern: trigger.expression, tz: trigger.timezone }, { name: message.type, data: message });
      upserted += 1;
    }
    for (const id of existing.keys()) await queue.removeJobScheduler(id);
    return { upserted, removed: existing.size };
  }

  async scheduledPipelineIds(): Promise<string[]> {
    const keys = (await this.opened.queue.getJobSchedulers(0, -1)).map((scheduler) => scheduler.key);
    const ids = keys.filter((key) => key.startsWith(PREFIX)).map((key) => key.slice(PREFIX.length, key.lastIndexOf(':')));
    return [...new Set(ids)];
  }

  close(): Promise<void> {
    return this.opened.close();
  }
}
