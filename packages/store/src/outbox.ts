import { randomUUID } from 'node:crypto';
import type pg from 'pg';
import { inTransaction, type SqlClient } from './database';
import { prepared } from './executionRows';
import type { JsonObject } from './types';

/**
 * The engine's transactional outbox (table engine_outbox). A handler records its next messages in
 * the transaction that makes the change implying them; they leave the table only once the queue
 * has accepted them. So neither a process dying after its commit nor a queue that is down (or
 * restarted empty) at that moment can lose a step.
 */
export interface OutboxRecord {
  id: string;
  message: JsonObject;
  /** Deliver no earlier than this (a poll's or a backoff's delay). */
  deliverAt: Date;
}

/**
 * The outbox rows of a step's next messages, ids made here (they are the messages' job ids in the
 * queue too); the engine writes them in its transaction's last statement (WriteBatch.addOutbox).
 */
export function outboxRows(messages: readonly { message: JsonObject; delayMs?: number }[], now: Date): OutboxRecord[] {
  return messages.map(({ message, delayMs }) => ({
    id: randomUUID(),
    message,
    deliverAt: new Date(now.getTime() + Math.max(0, Math.ceil(delayMs ?? 0))),
  }));
}

/** Forgets messages the queue has accepted. */
export async function deleteOutbox(sql: SqlClient, ids: string[]): Promise<void> {
  if (ids.length === 0) return;
  await sql.query(prepared('DELETE FROM engine_outbox WHERE id = ANY($1::uuid[])', [ids]));
}

/**
 * Takes up to `limit` messages recorded more than `olderThanMs` ago (their handler's own send
 * failed, or its process died) and hands them to `deliver`; they are deleted in the same
 * transaction once `deliver` returned, and stay if it throws. SKIP LOCKED lets every worker relay
 * at once without two of them taking the same rows.
 */
export function relayOutbox(
  pool: pg.Pool,
  options: { olderThanMs: number; limit: number },
  deliver: (records: OutboxRecord[]) => Promise<void>,
): Promise<number> {
  return inTransaction(pool, async (sql) => {
    const { rows } = await sql.query<{ id: string; message: JsonObject; deliver_at: Date }>(
      `SELECT id, message, deliver_at FROM engine_outbox
       WHERE created_at < now() - $1 * interval '1 millisecond'
       ORDER BY created_at LIMIT $2 FOR UPDATE SKIP LOCKED`,
      [options.olderThanMs, options.limit],
    );
    if (rows.length === 0) return 0;
    await deliver(rows.map((row) => ({ id: row.id, message: row.message, deliverAt: row.deliver_at })));
    await deleteOutbox(sql, rows.map((row) => row.id));
    return rows.length;
  });
}

/** The messages still waiting in the outbox, for the reconciler's "is anything in flight" check. */
export async function pendingOutboxMessages(sql: SqlClient, limit: number): Promise<JsonObject[]> {
  const { rows } = await sql.query<{ message: JsonObject }>('SELECT message FROM engine_outbox ORDER BY created_at LIMIT $1', [limit]);
  return rows.map((row) => row.message);
}
