import { Queue, Worker, createPostgresBackend, type Job, type JobsOptions } from 'bullmq';
import { Redis } from 'ioredis';
import { NewerMessageVersionError } from './envelope';
import type { EngineMessage } from './messages';

/**
 * Where messages live. The engine never sees this: it gets a MessageBus and a consumer from
 * `createMessageBus` / `startMessageConsumer`, the one place that knows the backend.
 */
export type QueueBackendConfig =
  | { kind: 'redis'; url: string; prefix: string }
  | { kind: 'postgres'; connectionString: string; schema: string };

const QUEUE_NAME = 'gantry-engine';

/**
 * Infrastructure failures (a database restart, a lost connection) make a handler throw; BullMQ then
 * retries the message with backoff instead of dropping it. The engine's own failures never throw.
 * The attempts are practically unbounded, so an outage of any length never kills a message: the
 * consumer gives up early only on failures that are not an outage (a bug; see MessageConsumer).
 */
const DEFAULT_JOB_OPTIONS: JobsOptions = {
  attempts: 1_000_000,
  backoff: { type: 'capped' },
  removeOnComplete: true,
  removeOnFail: 10_000,
};

/**
 * Retry delays double from 250 ms up to 5 s (with jitter), so a message is retried soon after an
 * outage ends. A message left for a newer worker is no outage: it is put back for 250 ms each
 * time, however often it was refused, so the newer worker that shares the queue meets it soon.
 */
export function retryDelayMs(attemptsMade: number, error?: Error, random: () => number = Math.random): number {
  const ceiling = error instanceof NewerMessageVersionError ? 250 : Math.min(5_000, 250 * 2 ** Math.max(0, Math.min(attemptsMade - 1, 20)));
  return Math.round(ceiling * (0.75 + random() * 0.25));
}

type AnyQueue = Queue<EngineMessage, unknown, string>;
type AnyWorker = Worker<EngineMessage, void, string>;

// `close` is a function property (callers destructure it), not a method bound to the returned object.
export function openQueue(config: QueueBackendConfig): { queue: AnyQueue; close: () => Promise<void> } {
  if (config.kind === 'redis') {
    const connection = redisConnection(config.url);
    const queue: AnyQueue = new Queue(QUEUE_NAME, { connection, prefix: config.prefix, defaultJobOptions: DEFAULT_JOB_OPTIONS });
    // Redis being down is reported by the failing add(); the queue's own 'error' would only be noise.
    queue.on('error', () => undefined);
    return {
      queue,
      async close() {
        await queue.close();
        connection.disconnect();
      },
    };
  }
  const queue = new Queue(
    QUEUE_NAME,
    { connection: postgresConnection(config), defaultJobOptions: DEFAULT_JOB_OPTIONS },
    createPostgresBackend,
  ) as unknown as AnyQueue;
  // A dropped connection is reported by the failing add(); an unhandled 'error' event would crash the process.
  queue.on('error', () => undefined);
  return { queue, close: () => queue.close() };
}

export interface ConsumerOptions {
  concurrency: number;
  /** How long a job may run before another worker may take it over (and how soon a killed worker's job is recovered). */
  lockDurationMs: number;
  stalledIntervalMs: number;
}

export function openWorker(
  config: QueueBackendConfig,
  process: (job: Job<EngineMessage>) => Promise<void>,
  options: ConsumerOptions,
): { worker: AnyWorker; close: () => Promise<void> } {
  const common = {
    concurrency: options.concurrency,
    lockDuration: options.lockDurationMs,
    stalledInterval: options.stalledIntervalMs,
    // A message whose worker died is redelivered, however often workers die: state is in PostgreSQL.
    maxStalledCount: 1_000_000,
    settings: { backoffStrategy: (attemptsMade: number, _type?: string, error?: Error) => retryDelayMs(attemptsMade, error) },
  };
  if (config.kind === 'redis') {
    const connection = redisConnection(config.url, { maxRetriesPerRequest: null });
    const worker: AnyWorker = new Worker(QUEUE_NAME, process, { ...common, connection, prefix: config.prefix });
    return {
      worker,
      async close() {
        await worker.close();
        connection.disconnect();
      },
    };
  }
  const worker = new Worker(
    QUEUE_NAME,
    process,
    { ...common, connection: postgresConnection(config) },
    createPostgresBackend,
  ) as unknown as AnyWorker;
  return { worker, close: () => worker.close() };
}

function redisConnection(url: string, extra: { maxRetriesPerRequest?: null } = {}): Redis {
  const redis = new Redis(url, { lazyConnect: false, enableOfflineQueue: true, ...extra });
  // Connection errors surface through the queue's own error events; an unhandled 'error' would crash the process.
  redis.on('error', () => undefined);
  return redis;
}

function postgresConnection(config: { connectionString: string; schema: string }) {
  return { connectionString: config.connectionString, schema: config.schema, migrate: true, max: 5 };
}
