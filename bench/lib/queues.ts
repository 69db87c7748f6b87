import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import type { QueueBackendConfig } from '@gantry/queue';
import { REDIS_URL } from './services';

export type BackendKind = QueueBackendConfig['kind'];
export const BACKENDS: readonly BackendKind[] = ['redis', 'postgres'];

/**
 * A queue of the benchmark's own: a Redis key prefix, or a PostgreSQL schema inside the benchmark's
 * database (dropped with it). `cleanup` removes the Redis keys, which no database drop would.
 */
export function benchQueue(kind: BackendKind, databaseUrl: string, label: string): { config: QueueBackendConfig; cleanup(): Promise<void> } {
  const id = `gantry_bench_${label}_${randomBytes(4).toString('hex')}`;
  if (kind === 'postgres') {
    return { config: { kind, connectionString: databaseUrl, schema: id }, cleanup: async () => undefined };
  }
  return { config: { kind, url: REDIS_URL, prefix: id }, cleanup: async () => void (await deleteRedisPrefix(id)) };
}

async function deleteRedisPrefix(prefix: string): Promise<number> {
  const redis = new Redis(REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 1 });
  redis.on('error', () => undefined);
  let deleted = 0;
  try {
    await redis.connect();
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
      cursor = next;
      if (keys.length > 0) deleted += await redis.unlink(...keys);
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
  return deleted;
}
