import type { QueueBackendConfig } from '../../packages/queue/src';
import { REDIS_URL } from './services';
import { testQueuePrefix } from './testDatabase';

export type QueueBackendKind = QueueBackendConfig['kind'];

/** The engine suites run once per queue backend; GANTRY_TEST_QUEUE_BACKENDS narrows the matrix. */
export const QUEUE_BACKENDS: QueueBackendKind[] = (process.env.GANTRY_TEST_QUEUE_BACKENDS ?? 'redis,postgres')
  .split(',')
  .map((kind) => kind.trim())
  .filter((kind): kind is QueueBackendKind => kind === 'redis' || kind === 'postgres');

/** A queue of this test's own: a Redis key prefix, or a PostgreSQL schema in the test's database. */
export function testQueueConfig(kind: QueueBackendKind, databaseUrl: string): QueueBackendConfig {
  const prefix = testQueuePrefix();
  return kind === 'redis'
    ? { kind, url: REDIS_URL, prefix }
    : { kind, connectionString: databaseUrl, schema: prefix.replaceAll('-', '_') };
}
