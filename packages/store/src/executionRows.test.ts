import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parsePipelineDefinition } from '@gantry/core';
import { createTestDatabase, type TestDatabase } from '../../../test/support/testDatabase';
import { selectStages, selectStagesAndTasks, wholeStages, type StageRow } from './executionRows';
import { PostgresExecutionRepository } from './ExecutionRepository';
import { PipelineRepository } from './PipelineRepository';

/** a → b → c, and d after a: b is the step's stage (RUNNING), a finished, c and d not started. */
describe('selectStagesAndTasks (PostgreSQL)', () => {
  let database: TestDatabase;

  beforeAll(async () => {
    database = await createTestDatabase();
  });
  afterAll(async () => {
    await database?.drop();
  });

  async function launch(expressionLanguage: 'cel' | 'spel'): Promise<Map<string, StageRow>> {
    const pipeline = await new PipelineRepository(database.db.prisma).create(
      parsePipelineDefinition({
        application: 'shop',
        name: `partial-${expressionLanguage}`,
        expressionLanguage,
        stages: [
          { refId: 'a', type: 'wait', waitTime: 1 },
          { refId: 'b', type: 'wait', waitTime: 1, requisiteStageRefIds: ['a'] },
          { refId: 'c', type: 'wait', waitTime: 1, requisiteStageRefIds: ['b'] },
          { refId: 'd', type: 'wait', waitTime: 1, requisiteStageRefIds: ['a'] },
        ],
      }),
    );
    const { value } = await new PostgresExecutionRepository(database.db.pool).launch({ pipelineId: pipeline.id, trigger: {}, parameters: {} });
    const stages = new Map((await selectStages(database.db.pool, value.id)).map((stage) => [stage.ref_id, stage]));
    const pool = database.db.pool;
    await pool.query(`UPDATE stages SET status = 'SUCCEEDED', context = '{"done": true}', outputs = '{"x": 1}' WHERE id = $1`, [stages.get('a')!.id]);
    await pool.query(`UPDATE stages SET status = 'RUNNING', context = '{"running": true}' WHERE id = $1`, [stages.get('b')!.id]);
    return new Map((await selectStages(pool, value.id)).map((stage) => [stage.ref_id, stage]));
  }

  it('reads the step\'s stage and the stages waiting for it whole, the others as heads; wholeStages reads the rest', async () => {
    const stored = await launch('cel');
    const b = stored.get('b')!;
    const { stages } = await selectStagesAndTasks(database.db.pool, b.execution_id, b.id);
    const byRef = new Map(stages.map((stage) => [stage.ref_id, stage]));
    expect(stages.map((stage) => stage.ref_id)).toEqual(['a', 'b', 'c', 'd']);
    for (const ref of ['b', 'c']) expect(byRef.get(ref)).toEqual(stored.get(ref));
    // Heads: what scheduling, CEL's scope and a task's view of other stages read.
    for (const ref of ['a', 'd']) {
      const { id, ref_id, status, requisite_stage_ref_ids, outputs } = stored.get(ref)!;
      expect(byRef.get(ref)).toEqual({ id, ref_id, status, requisite_stage_ref_ids, outputs });
    }
    expect(byRef.get('a')!.outputs).toEqual({ x: 1 });

    const whole = await wholeStages(database.db.pool, stages, (stage) => stage.ref_id !== 'c');
    expect(whole.map((stage) => stage.ref_id)).toEqual(['a', 'b', 'd']);
    // In place: the array the step holds has them whole now.
    expect(stages).toEqual([...stored.values()]);
  });

  it('reads every stage whole for a SpEL execution, whose expressions see each stage\'s fields', async () => {
    const stored = await launch('spel');
    const b = stored.get('b')!;
    const { stages } = await selectStagesAndTasks(database.db.pool, b.execution_id, b.id);
    expect(stages).toEqual([...stored.values()]);
  });
});
