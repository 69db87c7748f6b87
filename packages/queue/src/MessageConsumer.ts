import type { Job } from 'bullmq';
import { openWorker, type ConsumerOptions, type QueueBackendConfig } from './backend';
import type { EngineMessage } from './messages';

export interface MessageConsumer {
  /** Stops taking messages and waits for the ones in hand to finish (graceful shutdown). */
  close(): Promise<void>;
}

export type MessageHandler = (message: EngineMessage) => Promise<void>;

export function startMessageConsumer(
  config: QueueBackendConfig,
  handle: MessageHandler,
  options: Partial<ConsumerOptions> & { onError?: (error: Error, message: EngineMessage | undefined) => void } = {},
): MessageConsumer {
  const { worker, close } = openWorker(config, (job) => handle(withScheduledTime(job)), {
    concurrency: options.concurrency ?? 20,
    lockDurationMs: options.lockDurationMs ?? 10_000,
    stalledIntervalMs: options.stalledIntervalMs ?? 5_000,
  });
  worker.on('failed', (job, error) => options.onError?.(error, job?.data));
  worker.on('error', (error) => options.onError?.(error, undefined));
  return { close };
}

const SCHEDULED_JOB_ID = /^repeat:.+:(\d+)$/;

/**
 * A job scheduler's jobs all carry the same data; only the job knows the time it was scheduled
 * for (id `repeat:<scheduler>:<ms>`, or `opts.prevMillis`). A CronTick is stamped with it, so
 * the cron handler can key its launch on the tick.
 */
export function withScheduledTime(job: Pick<Job<EngineMessage>, 'id' | 'data' | 'opts'>): EngineMessage {
  const message = job.data;
  if (message.type !== 'CronTick') return message;
  const fromId = SCHEDULED_JOB_ID.exec(job.id ?? '')?.[1];
  const tick = fromId === undefined ? job.opts.prevMillis : Number(fromId);
  return tick === undefined ? message : { ...message, tick };
}
