import { redactUrl, type GantryConfig } from '@gantry/config';
import { createMessageBus, type MessageBus, type QueueBackendConfig } from '@gantry/queue';
import { connectDatabase, ensureDatabaseExists, migrate, type Database } from '@gantry/store';
import { Redis } from 'ioredis';

/** The storage and messaging a Gantry process runs on, opened, migrated and checked. */
export interface Infrastructure {
  db: Database;
  bus: MessageBus;
  queue: QueueBackendConfig;
  readiness(): Promise<ReadinessCheck[]>;
  close(): Promise<void>;
}

export interface ReadinessCheck {
  name: string;
  ok: boolean;
  error?: string;
}

/** A start-up failure worded for the operator: one line naming the setting and what went wrong. */
export class StartupError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'StartupError';
  }
}

export async function openInfrastructure(config: GantryConfig): Promise<Infrastructure> {
  try {
    await ensureDatabaseExists(config.databaseUrl);
  } catch (error) {
    throw new StartupError(`cannot reach PostgreSQL at DATABASE_URL=${redactUrl(config.databaseUrl)}: ${describe(error)}`, {
      cause: error,
    });
  }
  const db = connectDatabase(config.databaseUrl);
  try {
    await migrate(db.pool);
  } catch (error) {
    await db.close();
    throw new StartupError(`cannot migrate the database at DATABASE_URL=${redactUrl(config.databaseUrl)}: ${describe(error)}`, {
      cause: error,
    });
  }
  const redisError = await probeRedis(config.redisUrl);
  if (redisError) {
    await db.close();
    throw new StartupError(`cannot reach Redis at REDIS_URL=${redactUrl(config.redisUrl)}: ${redisError}`);
  }
  const queue: QueueBackendConfig = { kind: 'redis', url: config.redisUrl, prefix: config.queuePrefix };
  const bus = createMessageBus(queue);
  return {
    db,
    bus,
    queue,
    async readiness() {
      const postgres = await db.pool
        .query('SELECT 1')
        .then(() => ({ name: 'postgresql', ok: true }))
        .catch((error: unknown) => ({ name: 'postgresql', ok: false, error: describe(error) }));
      const redis = await probeRedis(config.redisUrl);
      return [postgres, redis ? { name: 'redis', ok: false, error: redis } : { name: 'redis', ok: true }];
    },
    async close() {
      await bus.close();
      await db.close();
    },
  };
}

/** Resolves to an error message, or undefined when Redis answers PING. */
async function probeRedis(url: string): Promise<string | undefined> {
  const redis = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, connectTimeout: 3000, retryStrategy: () => null });
  redis.on('error', () => undefined);
  try {
    await redis.connect();
    await redis.ping();
    return undefined;
  } catch (error) {
    return describe(error);
  } finally {
    redis.disconnect();
  }
}

function describe(error: unknown): string {
  if (error instanceof AggregateError && error.errors.length > 0) return describe(error.errors[0]);
  if (error instanceof Error) return error.message || error.name;
  return String(error);
}
