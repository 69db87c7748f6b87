import pg from 'pg';
import { PrismaPg } from '@prisma/adapter-pg';
import { PrismaClient } from './generated/prisma/client.ts';
import { isDatabaseUnavailable } from './unavailable';

export type Prisma = InstanceType<typeof PrismaClient>;

/** One pool shared by Prisma (CRUD) and the engine's hand-written SQL (row locks on the hot path). */
export interface Database {
  readonly url: string;
  readonly pool: pg.Pool;
  readonly prisma: Prisma;
  close(): Promise<void>;
}

export function connectDatabase(connectionString: string, options: { max?: number } = {}): Database {
  const pool = new pg.Pool({
    connectionString,
    max: options.max ?? 10,
    // A server that vanished without closing its sockets (a host or network gone) is noticed, and
    // a request waits for a connection at most this long before it fails as an outage (503).
    keepAlive: true,
    connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
  });
  // A client losing its server (restart, failover) must not crash the process. pg-pool listens for
  // errors on idle clients only ('error' on the pool); while a client is checked out (Prisma's
  // queries, `inTransaction`) an error the server sends between two queries — "terminating
  // connection due to administrator command" — would be an unhandled 'error' event. The query in
  // flight (or the next one) fails instead, and the broken client is dropped on release.
  pool.on('error', () => undefined);
  pool.on('connect', (client) => client.on('error', () => undefined));
  const prisma = new PrismaClient({ adapter: new PrismaPg(pool) });
  return {
    url: connectionString,
    pool,
    prisma,
    async close() {
      await prisma.$disconnect();
      await pool.end();
    },
  };
}

const CONNECT_TIMEOUT_MS = 10_000;

export type SqlClient = Pick<pg.PoolClient, 'query'>;

/**
 * Runs `work` in one transaction on one connection. Serialization failures and deadlocks are
 * retried, since two workers locking the same rows in the other order is legal and rare.
 */
export async function inTransaction<T>(pool: pg.Pool, work: (sql: SqlClient) => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    const client = await pool.connect();
    let broken: Error | undefined;
    try {
      await client.query('BEGIN');
      const result = await work(client);
      await client.query('COMMIT');
      return result;
    } catch (error) {
      if (isDatabaseUnavailable(error)) broken = error as Error;
      else await client.query('ROLLBACK').catch(() => undefined);
      if (attempt < 5 && isRetryableConflict(error)) continue;
      throw error;
    } finally {
      // A connection that failed is closed rather than handed to the next caller.
      client.release(broken);
    }
  }
}

function isRetryableConflict(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return code === '40001' || code === '40P01';
}
