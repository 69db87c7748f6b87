import { UnrecoverableError, type Job } from 'bullmq';
import { openWorker, type ConsumerOptions, type QueueBackendConfig } from './backend';
import type { TraceCarrier } from '@gantry/telemetry';
import { NewerMessageVersionError, unseal } from './envelope';
import { messageLagSeconds } from './metrics';
import type { EngineMessage } from './messages';

export interface MessageConsumer {
  /** Stops taking messages and waits for the ones in hand to finish (graceful shutdown). */
  close(): Promise<void>;
}

/** Handles one message; `trace` is the trace it belongs to, when it carries one. */
export type MessageHandler = (message: EngineMessage, trace?: TraceCarrier) => Promise<void>;

/** A message that keeps failing for a reason other than an outage is given up after this many attempts. */
export const MAX_FAILED_ATTEMPTS = 25;

export interface MessageConsumerOptions extends Partial<ConsumerOptions> {
  onError?: (error: Error, message: EngineMessage | undefined) => void;
  /**
   * Whether a failure is an outage of a service the handler needs (PostgreSQL down). Such a
   * message is retried for as long as the outage lasts; any other failure at most
   * MAX_FAILED_ATTEMPTS times, so a bug does not retry forever.
   */
  isOutage?: (error: unknown) => boolean;
  /** The newest message schema version this consumer reads (tests play an older worker with it). */
  understands?: number;
}

export function startMessageConsumer(config: QueueBackendConfig, handle: MessageHandler, options: MessageConsumerOptions = {}): MessageConsumer {
  const isOutage = options.isOutage ?? (() => false);
  const run = async (job: Job<EngineMessage>) => {
    const opened = unseal(job.data, options.understands);
    if (opened.kind === 'newer') throw new NewerMessageVersionError(opened.version);
    if (job.attemptsMade === 0) messageLagSeconds.observe({ backend: config.kind }, Math.max(0, Date.now() - job.timestamp - (job.opts.delay ?? 0)) / 1000);
    try {
      await handle(withScheduledTime({ id: job.id, data: opened.message, opts: job.opts }), opened.trace);
    } catch (error) {
      if (job.attemptsMade + 1 >= MAX_FAILED_ATTEMPTS && !isOutage(error)) {
        throw new UnrecoverableError(`gave up after ${job.attemptsMade + 1} attempts: ${error instanceof Error ? error.message : String(error)}`);
      }
      throw error;
    }
  };
  const { worker, close } = openWorker(config, run, {
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
