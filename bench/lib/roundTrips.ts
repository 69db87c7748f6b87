import pg from 'pg';
import { Redis } from 'ioredis';

/**
 * Statements and Redis commands this process sends, split by who sent them: the engine's pool
 * (handlers, outbox, the benchmark's own progress polls) or anything else (the BullMQ PostgreSQL
 * backend's pool). The engine's pool pipelines (connectDatabase), so its round trips are counted
 * apart: a statement sent while its connection awaits no answer starts one. A Redis command count
 * is an upper bound on round trips (ioredis may pipeline several in one write).
 */
export interface RoundTrips {
  /** Statements on the engine's own pool (BEGIN and COMMIT count as one each). */
  engineStatements: number;
  /** Round trips on the engine's own pool: statements sent behind others still unanswered share one. */
  engineRoundTrips: number;
  /** Statements of every other pg client in this process: the PostgreSQL queue backend. */
  queueStatements: number;
  redisCommands: number;
}

const counts: RoundTrips = { engineStatements: 0, engineRoundTrips: 0, queueStatements: 0, redisCommands: 0 };
const engineClients = new WeakSet<object>();
let installed = false;

type Method = (this: object, ...args: unknown[]) => unknown;

/** Wraps pg.Client#query and Redis#sendCommand once; the cost is a counter increment per call. */
export function installRoundTripCounter(): void {
  if (installed) return;
  installed = true;
  const client = pg.Client.prototype as unknown as { query: Method };
  const query = client.query;
  client.query = function counted(this: object, ...args: unknown[]) {
    if (engineClients.has(this)) {
      counts.engineStatements++;
      if (awaitsNothing(this as unknown as PendingQueries)) counts.engineRoundTrips++;
    } else {
      counts.queueStatements++;
    }
    return Reflect.apply(query, this, args);
  };
  const redis = Redis.prototype as unknown as { sendCommand: Method };
  const sendCommand = redis.sendCommand;
  redis.sendCommand = function counted(this: object, ...args: unknown[]) {
    counts.redisCommands++;
    return Reflect.apply(sendCommand, this, args);
  };
}

/** node-postgres' queues of one client (private fields, read by this benchmark counter only). */
interface PendingQueries {
  _activeQuery: unknown;
  _queryQueue: unknown[];
  _sentQueryQueue: unknown[];
}

function awaitsNothing(client: PendingQueries): boolean {
  return client._activeQuery == null && client._queryQueue.length === 0 && client._sentQueryQueue.length === 0;
}

/** Counts the statements of `pool`'s connections as the engine's (call before it connects). */
export function markEnginePool(pool: pg.Pool): void {
  pool.on('connect', (connected) => engineClients.add(connected));
}

export function roundTripSnapshot(): RoundTrips {
  return { ...counts };
}

/** Per transition from `start` to `end` (now by default), two decimals. */
export function roundTripsPerTransition(start: RoundTrips, transitions: number, end: RoundTrips = counts): RoundTrips {
  const per = (key: keyof RoundTrips) => (transitions > 0 ? Math.round(((end[key] - start[key]) / transitions) * 100) / 100 : 0);
  return {
    engineStatements: per('engineStatements'),
    engineRoundTrips: per('engineRoundTrips'),
    queueStatements: per('queueStatements'),
    redisCommands: per('redisCommands'),
  };
}
