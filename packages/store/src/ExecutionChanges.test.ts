import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../../test/support/testDatabase';
import { eventually } from '../../../test/support/eventually';
import { EXECUTION_CHANGES_APPLICATION, EXECUTION_CHANGES_CHANNEL, ExecutionChanges } from './ExecutionChanges';
import { lockExecutionForStep, selectStagesAndTasks } from './executionRows';

/** Polls until the assertion holds. */
const until = (assertion: () => void) => eventually(async () => (assertion(), true));

/** A bare LISTEN on the changes channel: it hears what the triggers send, watched or not. */
async function listen(url: string): Promise<{ sent: string[]; end: () => Promise<void> }> {
  const raw = new pg.Client({ connectionString: url });
  await raw.connect();
  const sent: string[] = [];
  raw.on('notification', (message) => sent.push(message.payload ?? ''));
  await raw.query(`LISTEN ${EXECUTION_CHANGES_CHANNEL}`);
  return { sent, end: () => raw.end() };
}

/** The migration's triggers notify each commit; every process's ExecutionChanges hears it, and hears again after losing its connection. */
describe('ExecutionChanges', () => {
  let database: TestDatabase;
  let executionId: string;

  beforeAll(async () => {
    database = await createTestDatabase();
    const pool = database.db.pool;
    const pipeline = await pool.query<{ id: string }>(
      `INSERT INTO pipelines (id, application, name, version, created_at, updated_at) VALUES (gen_random_uuid(), 'shop', 'p', 1, now(), now()) RETURNING id`,
    );
    const execution = await pool.query<{ id: string }>(
      `INSERT INTO executions (id, pipeline_id, pipeline_version, application, pipeline_name, status, trigger, parameters, build_time)
       VALUES (gen_random_uuid(), $1, 1, 'shop', 'p', 'NOT_STARTED', '{}', '{}', now()) RETURNING id`,
      [pipeline.rows[0]?.id],
    );
    executionId = execution.rows[0]?.id ?? '';
  });
  afterAll(() => database.drop());

  it('tells every subscriber of every process once per commit, and only about its execution', async () => {
    const [one, two] = [new ExecutionChanges(database.url), new ExecutionChanges(database.url)];
    const heard = { one: 0, two: 0, other: 0 };
    await one.subscribe(executionId, () => heard.one++);
    await two.subscribe(executionId, () => heard.two++);
    await two.subscribe('00000000-0000-4000-8000-000000000000', () => heard.other++);
    const client = await database.db.pool.connect();
    try {
      // Three changes in one transaction (the execution, a stage, an audit event) are one notification.
      await client.query('BEGIN');
      await client.query(`UPDATE executions SET status = 'RUNNING' WHERE id = $1`, [executionId]);
      await client.query(
        `INSERT INTO stages (id, execution_id, ref_id, type, name, definition, status) VALUES (gen_random_uuid(), $1, 'w', 'wait', 'w', '{}', 'RUNNING')`,
        [executionId],
      );
      await client.query(`INSERT INTO audit_events (execution_id, type) VALUES ($1, 'TEST')`, [executionId]);
      expect(heard).toEqual({ one: 0, two: 0, other: 0 });
      await client.query('COMMIT');
    } finally {
      client.release();
    }
    await until(() => expect(heard).toEqual({ one: 1, two: 1, other: 0 }));
    await one.close();
    await two.close();
  });

  it('notifies only for executions someone subscribes to, and no more once the last subscriber left', async () => {
    const raw = await listen(database.url);
    const { sent } = raw;
    const touch = () => database.db.pool.query(`UPDATE executions SET version = version + 1 WHERE id = $1`, [executionId]);
    await touch();
    const changes = new ExecutionChanges(database.url);
    const unsubscribe = await changes.subscribe(executionId, () => undefined);
    await touch();
    await until(() => expect(sent).toEqual([executionId]));
    unsubscribe();
    // The registration's delete goes out on the subscription's connection: closing waits for it.
    await changes.close();
    await touch();
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(sent).toEqual([executionId]);
    const { rows } = await database.db.pool.query('SELECT count(*)::int AS n FROM execution_watchers');
    expect(rows[0].n).toBe(0);
    await raw.end();
  });

  it("notifies once for an engine step's writes when the execution is watched (its lock and selectStagesAndTasks), and not at all when it is not; the next transaction's writes notify again", async () => {
    const raw = await listen(database.url);
    const { sent } = raw;
    const client = await database.db.pool.connect();
    const step = async () => {
      await client.query('BEGIN');
      await lockExecutionForStep(client, executionId);
      await selectStagesAndTasks(client, executionId, '00000000-0000-4000-8000-000000000000');
      await client.query(`UPDATE executions SET version = version + 1 WHERE id = $1`, [executionId]);
      await client.query(
        `INSERT INTO stages (id, execution_id, ref_id, type, name, definition, status) VALUES (gen_random_uuid(), $1, gen_random_uuid()::text, 'wait', 'w', '{}', 'RUNNING')`,
        [executionId],
      );
      await client.query(`INSERT INTO audit_events (execution_id, type) VALUES ($1, 'STEP')`, [executionId]);
      await client.query('COMMIT');
    };
    const changes = new ExecutionChanges(database.url);
    try {
      await step();
      await new Promise((resolve) => setTimeout(resolve, 200));
      expect(sent).toEqual([]);
      const unsubscribe = await changes.subscribe(executionId, () => undefined);
      await step();
      await until(() => expect(sent).toEqual([executionId]));
      // Out of the step's transaction, on the same connection, the triggers are back.
      await client.query(`UPDATE executions SET version = version + 1 WHERE id = $1`, [executionId]);
      await until(() => expect(sent).toEqual([executionId, executionId]));
      unsubscribe();
    } finally {
      client.release();
      await changes.close();
      await raw.end();
    }
  });

  it.each([
    {
      write: "a transaction holding the execution's lock",
      statements: ['SELECT id FROM executions WHERE id = $1 FOR UPDATE', `UPDATE executions SET status = 'PAUSED' WHERE id = $1`],
      seen: `SELECT count(*)::int AS n FROM executions WHERE id = $1 AND status = 'PAUSED'`,
    },
    {
      write: "an audit event written without the execution's lock",
      statements: [`INSERT INTO audit_events (execution_id, type) VALUES ($1, 'LOCKLESS')`],
      seen: `SELECT count(*)::int AS n FROM audit_events WHERE execution_id = $1 AND type = 'LOCKLESS'`,
    },
  ])('subscribes only after $write has committed, so a read after it sees that change', async ({ statements, seen }) => {
    const writer = await database.db.pool.connect();
    const changes = new ExecutionChanges(database.url);
    try {
      await writer.query('BEGIN');
      for (const statement of statements) await writer.query(statement, [executionId]);
      let subscribed = false;
      const subscribing = changes.subscribe(executionId, () => undefined).then(() => (subscribed = true));
      await new Promise((resolve) => setTimeout(resolve, 200));
      expect(subscribed).toBe(false);
      await writer.query('COMMIT');
      await subscribing;
      const { rows } = await database.db.pool.query(seen, [executionId]);
      expect(rows[0].n).toBe(1);
    } finally {
      writer.release();
      await changes.close();
    }
  });

  it('re-listens after its connection is cut, and tells subscribers to read again (changes meanwhile are lost)', async () => {
    const changes = new ExecutionChanges(database.url, 50);
    let heard = 0;
    const unsubscribe = await changes.subscribe(executionId, () => heard++);
    const admin = new pg.Client({ connectionString: database.url });
    await admin.connect();
    await admin.query(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = $1 AND datname = current_database()`, [EXECUTION_CHANGES_APPLICATION]);
    await until(() => expect(heard).toBe(1));
    await admin.query(`UPDATE executions SET status = 'SUCCEEDED' WHERE id = $1`, [executionId]);
    await until(() => expect(heard).toBe(2));
    unsubscribe();
    await admin.query(`UPDATE executions SET status = 'RUNNING' WHERE id = $1`, [executionId]);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(heard).toBe(2);
    await admin.end();
    await changes.close();
  });
});
