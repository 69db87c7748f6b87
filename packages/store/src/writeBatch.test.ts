import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parsePipelineDefinition } from '@gantry/core';
import { createTestDatabase, type TestDatabase } from '../../../test/support/testDatabase';
import { inPipelinedTransaction } from './database';
import { insertAudit, insertTasks, mergeStageOutputs, selectStages, selectTasks, updateStage, updateTask, type StageRow } from './executionRows';
import { PostgresExecutionRepository } from './ExecutionRepository';
import { PipelineRepository } from './PipelineRepository';
import { deferWrites, WriteBatch, writeStatement } from './writeBatch';

describe('writeStatement', () => {
  it('writes each part as a data-modifying CTE, numbering the values in order', () => {
    const statement = writeStatement({
      updates: [{ table: 'stages', id: 's1', set: new Map<string, unknown>([['status', 'RUNNING'], ['context', { a: 1 }]]) }],
      tasks: [],
      audits: [{ type: 'STAGE_STARTED', executionId: 'e1', stageId: 's1', data: { refId: 'a' } }],
      outbox: [],
      forgotten: ['o1'],
    });
    expect(statement.text).toBe(
      'WITH w0 AS (UPDATE stages SET "status" = $1, "context" = $2 WHERE id = $3), ' +
        'w1 AS (INSERT INTO audit_events (execution_id, pipeline_id, stage_id, type, actor, data) VALUES ($4::uuid, $5::uuid, $6::uuid, $7::text, $8::text, $9::jsonb)), ' +
        'w2 AS (DELETE FROM engine_outbox WHERE id = ANY($10::uuid[])) SELECT 1',
    );
    expect(statement.values).toEqual(['RUNNING', '{"a":1}', 's1', 'e1', null, 's1', 'STAGE_STARTED', null, '{"refId":"a"}', ['o1']]);
  });

  it('inserts a few rows as a VALUES list and more as unnest arrays, whose text is the same for any number', () => {
    const audits = (count: number) =>
      writeStatement({ updates: [], tasks: [], audits: Array.from({ length: count }, (_, i) => ({ type: `E${i}` })), outbox: [], forgotten: [] });
    expect(audits(2).text).toContain('VALUES ($1::uuid, $2::uuid, $3::uuid, $4::text, $5::text, $6::jsonb), ($7::uuid,');
    expect(audits(5).text).toContain('SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::uuid[], $4::text[], $5::text[], $6::jsonb[])');
    expect(audits(5).text).toBe(audits(9).text);
    expect(audits(5).values[3]).toEqual(['E0', 'E1', 'E2', 'E3', 'E4']);
  });

  it('depends on the shape only: other values, same text', () => {
    const shape = (status: string, id: string) =>
      writeStatement({ updates: [{ table: 'tasks', id, set: new Map([['status', status]]) }], tasks: [], audits: [], outbox: [], forgotten: [] }).text;
    expect(shape('RUNNING', 'a')).toBe(shape('SUCCEEDED', 'b'));
  });
});

describe('WriteBatch', () => {
  it('merges the updates of one row into one, the later value winning', () => {
    const batch = new WriteBatch();
    batch.update('stages', 's1', { status: 'RUNNING', error: null });
    batch.update('stages', 's1', { status: 'SUCCEEDED', end_time: undefined });
    const taken = batch.take()!;
    expect(taken.text).toBe('WITH w0 AS (UPDATE stages SET "status" = $1, "error" = $2 WHERE id = $3) SELECT 1');
    expect(taken.values).toEqual(['SUCCEEDED', null, 's1']);
    expect(batch.isEmpty).toBe(true);
    expect(batch.take()).toBeNull();
  });

  it('merges added outputs with each other and into a whole new value, which replaces earlier merges', () => {
    const merged = new WriteBatch();
    merged.mergeStageOutputs('s1', { a: 1, b: 1 });
    merged.mergeStageOutputs('s1', { b: 2 });
    merged.update('stages', 's1', { status: 'SUCCEEDED' });
    expect(merged.take()!.values).toEqual(['SUCCEEDED', '{"a":1,"b":2}', 's1']);

    const replaced = new WriteBatch();
    replaced.mergeStageOutputs('s1', { a: 1 });
    replaced.update('stages', 's1', { outputs: { z: 0 } });
    replaced.mergeStageOutputs('s1', { b: 2 });
    const taken = replaced.take()!;
    expect(taken.text).toBe('WITH w0 AS (UPDATE stages SET "outputs" = $1 WHERE id = $2) SELECT 1');
    expect(taken.values).toEqual(['{"z":0,"b":2}', 's1']);
  });

  it('refuses an update of a task it inserts (a CTE cannot see its sibling\'s row): the caller writes it at once', () => {
    const batch = new WriteBatch();
    batch.insertTasks([{ id: 't1' } as never]);
    expect(batch.update('tasks', 't1', { status: 'RUNNING' })).toBe(false);
    expect(batch.update('tasks', 't2', { status: 'RUNNING' })).toBe(true);
  });
});

describe('deferWrites in inPipelinedTransaction (PostgreSQL)', () => {
  let database: TestDatabase;
  let stage: StageRow;

  beforeAll(async () => {
    database = await createTestDatabase();
    const pipeline = await new PipelineRepository(database.db.prisma).create(
      parsePipelineDefinition({ application: 'shop', name: 'batch', stages: [{ refId: 'a', type: 'wait', waitTime: 1 }] }),
    );
    const { value } = await new PostgresExecutionRepository(database.db.pool).launch({ pipelineId: pipeline.id, trigger: {}, parameters: {} });
    [stage] = (await selectStages(database.db.pool, value.id)) as [StageRow];
  });
  afterAll(async () => {
    await database?.drop();
  });

  const statementsOf = async (work: Parameters<typeof deferWrites>[1]) =>
    inPipelinedTransaction(database.db.pool, async (client) => {
      const { batch } = await deferWrites(client, work);
      return { result: undefined, last: batch.take() };
    });

  it('holds writes back until a read, which sees them, and sends the rest at commit', async () => {
    let seen: unknown;
    await statementsOf(async (sql) => {
      await updateStage(sql, stage.id, { status: 'RUNNING', outputs: { a: 1 } });
      await mergeStageOutputs(sql, stage.id, { b: 2 });
      const [task] = await insertTasks(sql, stage, ['wait'], new Date());
      seen = (await selectStages(sql, stage.execution_id))[0]!.outputs;
      // The task was inserted by the batch a read sent out: this update follows it.
      await updateTask(sql, task!.id, { polls: 3 });
      await insertAudit(sql, { type: 'TEST_EVENT', executionId: stage.execution_id, stageId: stage.id });
    });
    expect(seen).toEqual({ a: 1, b: 2 });
    const [after] = await selectStages(database.db.pool, stage.execution_id);
    expect(after).toMatchObject({ status: 'RUNNING', outputs: { a: 1, b: 2 } });
    expect((await selectTasks(database.db.pool, stage)).map((t) => t.polls)).toEqual([3]);
    const { rows } = await database.db.pool.query(`SELECT count(*)::int AS n FROM audit_events WHERE type = 'TEST_EVENT'`);
    expect(rows[0].n).toBe(1);
  });

  it('writes the same rows whether they go as a VALUES list or as unnest arrays', async () => {
    const events = (prefix: string, count: number) =>
      Array.from({ length: count }, (_, i) => ({ type: `${prefix}_${i}`, executionId: stage.execution_id, stageId: i % 2 === 0 ? stage.id : null, data: { i } }));
    // One transaction's events go in one insert: two events, then seven.
    for (const batch of [events('FEW', 2), events('MANY', 7)]) {
      await statementsOf(async (sql) => {
        for (const event of batch) await insertAudit(sql, event);
      });
    }
    const { rows } = await database.db.pool.query(
      `SELECT type, stage_id, data FROM audit_events WHERE type LIKE 'FEW%' OR type LIKE 'MANY%' ORDER BY id`,
    );
    expect(rows).toEqual([...events('FEW', 2), ...events('MANY', 7)].map((event) => ({ type: event.type, stage_id: event.stageId, data: event.data })));
  });

  it('commits nothing when the last statement fails: the COMMIT behind it rolls back', async () => {
    await expect(
      statementsOf(async (sql) => {
        await updateStage(sql, stage.id, { status: 'TERMINAL' });
        // Not a uuid: the batch's statement fails at COMMIT time.
        await insertAudit(sql, { type: 'TEST_FAILED', executionId: 'not-a-uuid' });
      }),
    ).rejects.toThrow(/uuid/);
    const [after] = await selectStages(database.db.pool, stage.execution_id);
    expect(after!.status).toBe('RUNNING');
    const { rows } = await database.db.pool.query(`SELECT count(*)::int AS n FROM audit_events WHERE type = 'TEST_FAILED'`);
    expect(rows[0].n).toBe(0);
  });

  it('commits nothing when the work swallowed a failed statement', async () => {
    await expect(
      statementsOf(async (sql) => {
        await updateStage(sql, stage.id, { status: 'TERMINAL' });
        await sql.query('SELECT 1/0').catch(() => undefined);
      }),
    ).rejects.toThrow(/ROLLBACK/);
    expect((await selectStages(database.db.pool, stage.execution_id))[0]!.status).toBe('RUNNING');
  });
});
