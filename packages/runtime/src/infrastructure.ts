import { redactUrl, type GantryConfig } from '@gantry/config';
import { createMessageBus, type MessageBus, type QueueBackendConfig } from '@gantry/queue';
import { connectDatabase, ensureDatabaseExists, migrate, type Database } from '@gantry/store';
import { Redis } from 'ioredis';
import { startEmbeddedPostgres } from './embeddedPostgres';
import { StartupError } from './startupError';

/** The storage and messaging a Gantry process runs on, opened, migrated and checked. */
export interface Infrastructure {
  db: Database;
  bus: MessageBus;
  queue: QueueBackendConfig;
  /** One line for the start-up log: which storage and which queue backend. */
  description: string;
  readiness(): Promise<ReadinessCheck[]>;
  close(): Promise<void>;
}

export interface ReadinessCheck {
  name: string;
  ok: boolean;
  error?: string;
}

/** BullMQ's PostgreSQL backend needs PostgreSQL 13 or newer. */
const MIN_QUEUE_POSTGRES_VERSION = 130000;

/**
 * Opens what the configuration asks for: DATABASE_URL or an embedded PostgreSQL; REDIS_URL or
 * BullMQ's PostgreSQL backend in that same database. Nothing above this function knows which.
 */
export async function openInfrastructure(
  config: GantryConfig,
  log: { info(object: object, message?: string): void },
): Promise<Infrastructure> {
  const embedded = config.databaseUrl
    ? undefined
    : await startEmbeddedPostgres({ dataDir: config.dataDir, port: config.embeddedPostgresPort, log });
  const databaseUrl = config.databaseUrl ?? embedded!.url;
  const setting = config.databaseUrl ? `DATABASE_URL=${redactUrl(databaseUrl)}` : `GANTRY_DATA_DIR=${config.dataDir}`;
  let db: Database | undefined;
  try {
    try {
      await ensureDatabaseExists(databaseUrl);
    } catch (error) {
      throw new StartupError(`cannot reach PostgreSQL at ${setting}: ${describe(error)}`, { cause: error });
    }
    db = connectDatabase(databaseUrl);
    try {
      await migrate(db.pool);
    } catch (error) {
      throw new StartupError(`cannot migrate the database at ${setting}: ${describe(error)}`, { cause: error });
    }
    const queue = await chooseQueue(config, db, setting);
    const bus = createMessageBus(queue);
    const opened = db;
    const storage = embedded
      ? `embedded PostgreSQL in ${embedded.dataDir} (port ${embedded.port}${embedded.initialised ? ', initialised now' : ''})`
      : `PostgreSQL at ${redactUrl(databaseUrl)}`;
    const messaging =
      queue.kind === 'redis' ? `Redis at ${redactUrl(queue.url)}` : `BullMQ's PostgreSQL backend (schema ${queue.schema})`;
    return {
      db: opened,
      bus,
      queue,
      description: `storage: ${storage}; queue: ${messaging}`,
      async readiness() {
        const checks: ReadinessCheck[] = [
          await opened.pool
            .query('SELECT 1')
            .then(() => ({ name: 'postgresql', ok: true }))
            .catch((error: unknown) => ({ name: 'postgresql', ok: false, error: describe(error) })),
        ];
        if (queue.kind === 'redis') {
          const redis = await probeRedis(queue.url);
          checks.push(redis ? { name: 'redis', ok: false, error: redis } : { name: 'redis', ok: true });
        }
        return checks;
      },
      async close() {
        await bus.close();
        await opened.close();
        await embedded?.stop();
      },
    };
  } catch (error) {
    await db?.close().catch(() => undefined);
    await embedded?.stop().catch(() => undefined);
    throw error;
  }
}

async function chooseQueue(config: GantryConfig, db: Database, databaseSetting: string): Promise<QueueBackendConfig> {
  if (config.redisUrl) {
    const redisError = await probeRedis(config.redisUrl);
    if (redisError) throw new StartupError(`cannot reach Redis at REDIS_URL=${redactUrl(config.redisUrl)}: ${redisError}`);
    return { kind: 'redis', url: config.redisUrl, prefix: config.queuePrefix };
  }
  const { rows } = await db.pool.query<{ version: string; num: string }>(
    "SELECT current_setting('server_version') AS version, current_setting('server_version_num') AS num",
  );
  const server = rows[0];
  if (server && Number(server.num) < MIN_QUEUE_POSTGRES_VERSION) {
    throw new StartupError(
      `REDIS_URL is unset, so messages would go through PostgreSQL, which needs version 13 or newer; ${databaseSetting} runs ${server.version}: set REDIS_URL or upgrade PostgreSQL`,
    );
  }
  return { kind: 'postgres', connectionString: db.url, schema: config.queueSchema };
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
