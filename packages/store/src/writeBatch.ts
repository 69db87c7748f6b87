import type { SqlClient } from './database';
import { auditInsert, columnValue, prepared, tasksInsert, rowsInsert, type AuditInput, type TaskRow, type InsertColumn } from './executionRows';
import type { OutboxRecord } from './outbox';
import type { JsonObject } from './types';

/**
 * The writes of one engine transaction whose result nobody reads (row updates, task inserts with
 * ids made here, audit events, outbox rows), held back and sent as one statement of data-modifying
 * CTEs: the transaction's last before COMMIT, or earlier, just before any other statement of the
 * transaction, so every read still sees every write made before it. Same transaction, same rows:
 * a crash, a conflict or a failed write still takes all of it or none.
 *
 * The statements of a CTE see one snapshot and not each other's effects, so a batch never holds
 * two writes to one row: updates of one row merge into one, and a row inserted by the batch is
 * updated only after the batch went out (the caller then writes at once).
 */
export class WriteBatch {
  private readonly updates = new Map<string, RowUpdate>();
  private readonly tasks: TaskRow[] = [];
  private readonly audits: AuditInput[] = [];
  private readonly outbox: OutboxRecord[] = [];
  private readonly forgotten: string[] = [];

  get isEmpty(): boolean {
    return this.updates.size === 0 && this.tasks.length === 0 && this.audits.length === 0 && this.outbox.length === 0 && this.forgotten.length === 0;
  }

  /** Holds back `UPDATE table SET patch WHERE id`; false when the row was inserted by this batch (write it at once). */
  update(table: UpdatableTable, id: string, patch: Record<string, unknown>): boolean {
    if (table === 'tasks' && this.tasks.some((task) => task.id === id)) return false;
    const row = this.row(table, id);
    for (const [column, value] of Object.entries(patch)) {
      if (value === undefined) continue;
      row.set.set(column, value);
      // A whole new value replaces the keys merged before it.
      if (column === 'outputs') row.mergeOutputs = undefined;
    }
    return true;
  }

  /** `outputs = outputs || added` on a stage (a shallow merge, later keys win), merged with what the batch already sets. */
  mergeStageOutputs(id: string, added: JsonObject): void {
    const row = this.row('stages', id);
    const set = row.set.get('outputs') as JsonObject | undefined;
    if (set !== undefined) row.set.set('outputs', { ...set, ...added });
    else row.mergeOutputs = { ...row.mergeOutputs, ...added };
  }

  insertTasks(tasks: readonly TaskRow[]): void {
    this.tasks.push(...tasks);
  }

  audit(event: AuditInput): void {
    this.audits.push(event);
  }

  addOutbox(rows: readonly OutboxRecord[]): void {
    this.outbox.push(...rows);
  }

  /** Outbox rows the queue has accepted (sent by earlier transactions), deleted with this batch. */
  forgetOutbox(ids: readonly string[]): void {
    this.forgotten.push(...ids);
  }

  /** The batch as one statement (null when empty), and the batch emptied. */
  take(): { name?: string; text: string; values: unknown[] } | null {
    if (this.isEmpty) return null;
    const statement = writeStatement({
      updates: [...this.updates.values()],
      tasks: this.tasks.splice(0),
      audits: this.audits.splice(0),
      outbox: this.outbox.splice(0),
      forgotten: this.forgotten.splice(0),
    });
    this.updates.clear();
    return prepared(statement.text, statement.values);
  }

  private row(table: UpdatableTable, id: string): RowUpdate {
    const key = `${table}:${id}`;
    let row = this.updates.get(key);
    if (row === undefined) {
      row = { table, id, set: new Map() };
      this.updates.set(key, row);
    }
    return row;
  }
}

export type UpdatableTable = 'executions' | 'stages' | 'tasks';

export interface RowUpdate {
  table: UpdatableTable;
  id: string;
  set: Map<string, unknown>;
  mergeOutputs?: JsonObject;
}

/**
 * The statement of a batch. Its text depends only on the batch's shape (which rows' columns, which
 * inserts of how many rows up to rowsInsert's VALUES limit), never on values, so the few shapes of
 * the engine's transitions are each prepared once.
 */
export function writeStatement(batch: {
  updates: readonly RowUpdate[];
  tasks: readonly TaskRow[];
  audits: readonly AuditInput[];
  outbox: readonly OutboxRecord[];
  forgotten: readonly string[];
}): { text: string; values: unknown[] } {
  const values: unknown[] = [];
  const param = (value: unknown) => `$${values.push(value)}`;
  const writes: string[] = [];
  for (const row of batch.updates) {
    const assignments = [...row.set].map(([column, value]) => `"${column}" = ${param(columnValue(column, value))}`);
    if (row.mergeOutputs !== undefined) assignments.push(`"outputs" = "outputs" || ${param(JSON.stringify(row.mergeOutputs))}::jsonb`);
    writes.push(`UPDATE ${row.table} SET ${assignments.join(', ')} WHERE id = ${param(row.id)}`);
  }
  if (batch.tasks.length > 0) writes.push(tasksInsert(batch.tasks, param));
  if (batch.audits.length > 0) writes.push(auditInsert(batch.audits, param));
  if (batch.outbox.length > 0) writes.push(rowsInsert('engine_outbox', OUTBOX_INSERT_COLUMNS, batch.outbox, param));
  if (batch.forgotten.length > 0) writes.push(`DELETE FROM engine_outbox WHERE id = ANY(${param(batch.forgotten)}::uuid[])`);
  // Every data-modifying CTE runs to completion whether or not the query reads it.
  const text = `WITH ${writes.map((write, i) => `w${i} AS (${write})`).join(', ')} SELECT 1`;
  return { text, values };
}

const OUTBOX_INSERT_COLUMNS: readonly InsertColumn<OutboxRecord>[] = [
  ['id', 'uuid', (row) => row.id],
  ['message', 'jsonb', (row) => JSON.stringify(row.message)],
  ['deliver_at', 'timestamptz', (row) => row.deliverAt],
];

/** The batches of the transactions running now, by the client handed to their work. */
const batches = new WeakMap<SqlClient, WriteBatch>();

/** The batch `sql` holds writes back in, if it is a deferWrites client. */
export function pendingWrites(sql: SqlClient): WriteBatch | undefined {
  return batches.get(sql);
}

/**
 * Runs `work` with a client on `client` whose plain writes (updateStage/Task/Execution,
 * mergeStageOutputs, insertTasks, insertAudit) join a WriteBatch; any other statement sends the
 * batch first (in the same round trip, on a pipelining connection). The batch left at the end is
 * returned for the caller to send, with whatever it adds, as the transaction's last statement.
 * `client` must be the transaction's own connection, used by nothing else meanwhile.
 */
export async function deferWrites<T>(client: SqlClient, work: (sql: SqlClient) => Promise<T>): Promise<{ result: T; batch: WriteBatch }> {
  const batch = new WriteBatch();
  const send = (args: unknown[]) => Reflect.apply(client.query, client, args) as Promise<unknown>;
  const sql: SqlClient = {
    query: ((...args: unknown[]) => {
      const pending = batch.take();
      if (pending === null) return send(args);
      const flushed = send([pending]);
      // Written right behind the batch: it sees the batch's rows, and fails with it.
      const answer = send(args);
      answer.catch(() => undefined);
      return flushed.then(() => answer);
    }) as SqlClient['query'],
  };
  batches.set(sql, batch);
  try {
    return { result: await work(sql), batch };
  } finally {
    batches.delete(sql);
  }
}
