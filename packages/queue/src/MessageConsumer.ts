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
  const { worker, close } = openWorker(config, (job) => handle(job.data), {
    concurrency: options.concurrency ?? 20,
    lockDurationMs: options.lockDurationMs ?? 10_000,
    stalledIntervalMs: options.stalledIntervalMs ?? 5_000,
  });
  worker.on('failed', (job, error) => options.onError?.(error, job?.data));
  worker.on('error', (error) => options.onError?.(error, undefined));
  return { close };
}
