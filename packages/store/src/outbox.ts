import { randomUUID } from 'node:crypto';
import type pg from 'pg';
import { inTransaction, type SqlClient } from './database';
import { AUDIT_ROWS, auditValues, prepared, type AuditInput } from './executionRows';
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

/** Records messages in the transaction `sql` belongs to; the ids are theirs in the queue too. */
export function insertOutbox(sql: SqlClient, messages: { message: JsonObject; delayMs?: number }[], now: Date): Promise<OutboxRecord[]> {
  return insertOutboxAndAudits(sql, messages, [], now);
}

/**
 * Records a step's outbox messages and its audit events (collectAudits) in one statement, the
 * last before the step's commit: one round trip however many events and messages the step made.
 */
export async function insertOutboxAndAudits(
  sql: SqlClient,
  messages: { message: JsonObject; delayMs?: number }[],
  audits: readonly AuditInput[],
  now: Date,
): Promise<OutboxRecord[]> {
  const records = messages.map(({ message, delayMs }) => ({
    id: randomUUID(),
    message,
    deliverAt: new Date(now.getTime() + Math.max(0, Math.ceil(delayMs ?? 0))),
  }));
  if (records.length === 0 && audits.length === 0) return records;
  const outbox = [records.map((r) => r.id), records.map((r) => JSON.stringify(r.message)), records.map((r) => r.deliverAt)];
  await sql.query(
    prepared(
      `WITH audit AS (INSERT INTO audit_events (execution_id, pipeline_id, stage_id, type, actor, data) ${AUDIT_ROWS})
       INSERT INTO engine_outbox (id, message, deliver_at) SELECT * FROM unnest($7::uuid[], $8::jsonb[], $9::timestamptz[])`,
      [...auditValues(audits), ...outbox],
    ),
  );
  return records;
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
