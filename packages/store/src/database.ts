import pg from 'pg';
import { PrismaPg } from '@prisma/adapter-pg';
import { PrismaClient } from './generated/prisma/client.ts';

export type Prisma = InstanceType<typeof PrismaClient>;

/** One pool shared by Prisma (CRUD) and the engine's hand-written SQL (row locks on the hot path). */
export interface Database {
  readonly url: string;
  readonly pool: pg.Pool;
  readonly prisma: Prisma;
  close(): Promise<void>;
}

export function connectDatabase(connectionString: string, options: { max?: number } = {}): Database {
  const pool = new pg.Pool({ connectionString, max: options.max ?? 10 });
  // An idle client losing its server (restart, failover) must not crash the process.
  pool.on('error', () => undefined);
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

export type SqlClient = Pick<pg.PoolClient, 'query'>;

/**
 * Runs `work` in one transaction on one connection. Serialization failures and deadlocks are
 * retried, since two workers locking the same rows in the other order is legal and rare.
 */
export async function inTransaction<T>(pool: pg.Pool, work: (sql: SqlClient) => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    const client = await pool.connect();
    try {
      await client.query('BEGIN');
      const result = await work(client);
      await client.query('COMMIT');
      return result;
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      if (attempt < 5 && isRetryableConflict(error)) continue;
      throw error;
    } finally {
      client.release();
    }
  }
}

function isRetryableConflict(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return code === '40001' || code === '40P01';
}
