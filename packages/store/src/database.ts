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
    // A client may send a statement before the previous one's answer is back (node-postgres'
    // pipelining). Code that awaits each query sees no difference; the engine's transactions
    // (inPipelinedTransaction) send BEGIN with their first statement and their writes with COMMIT.
    pipeline: true,
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

/** Runs `work` in one transaction on one connection (retried on a serialization failure or deadlock). */
export async function inTransaction<T>(pool: pg.Pool, work: (sql: SqlClient) => Promise<T>): Promise<T> {
  return transaction(pool, 'BEGIN', work);
}

/**
 * Runs the reads of `work` against one snapshot of the database: every query sees the same
 * committed state, so rows read by separate queries (an execution's stages and its tasks) are
 * never from two moments. Read-only, so it takes no locks and never blocks a writer.
 */
export async function inSnapshot<T>(pool: pg.Pool, work: (sql: SqlClient) => Promise<T>): Promise<T> {
  return transaction(pool, 'BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY', work);
}

async function transaction<T>(pool: pg.Pool, begin: string, work: (sql: SqlClient) => Promise<T>): Promise<T> {
  return onConnection(pool, async (client) => {
    await client.query(begin);
    const result = await work(client);
    await client.query('COMMIT');
    return result;
  });
}

/**
 * A transaction in as few round trips as the protocol allows: BEGIN goes out with the work's first
 * statement, and the work's last statement (`last`: the engine's write batch) with COMMIT. Nothing
 * failed commits: a failed `last` leaves the transaction aborted, so the COMMIT behind it rolls
 * back (and so does one behind any earlier failure the work swallowed), and the call throws.
 */
export async function inPipelinedTransaction<T>(
  pool: pg.Pool,
  work: (sql: SqlClient) => Promise<{ result: T; last: pg.QueryConfig | null }>,
): Promise<T> {
  return onConnection(pool, async (client) => {
    sendTogether(client);
    const begun = client.query('BEGIN');
    begun.catch(() => undefined);
    let first = true;
    const send = client.query.bind(client) as (...args: unknown[]) => Promise<unknown>;
    const sql: SqlClient = {
      query: ((...args: unknown[]) => {
        const answer = send(...args);
        if (!first) return answer;
        first = false;
        // Sent right behind BEGIN; its answer counts only if BEGIN's did.
        answer.catch(() => undefined);
        return begun.then(() => answer);
      }) as SqlClient['query'],
    };
    const { result, last } = await work(sql);
    await begun;
    sendTogether(client);
    const written = last === null ? undefined : client.query(last);
    written?.catch(() => undefined);
    const committed = client.query('COMMIT');
    committed.catch(() => undefined);
    await written;
    const { command } = await committed;
    if (command !== 'COMMIT') throw new Error(`the transaction ended in ${command}, not COMMIT: a statement of it failed`);
    return result;
  });
}

/**
 * The statements this client sends until the current task's code returns leave in one socket write
 * (a corked stream gathers them), so the server reads them at once too.
 */
function sendTogether(client: pg.PoolClient): void {
  const { stream } = client.connection;
  stream.cork();
  process.nextTick(() => stream.uncork());
}

/**
 * Runs `run` (a transaction) on one connection. Serialization failures and deadlocks are retried,
 * since two workers locking the same rows in the other order is legal and rare.
 */
async function onConnection<T>(pool: pg.Pool, run: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    const client = await pool.connect();
    let broken: Error | undefined;
    try {
      return await run(client);
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
