import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parsePipelineDefinition } from '@gantry/core';
import { createTestDatabase, type TestDatabase } from '../../../test/support/testDatabase';
import { insertTasks, selectStages, updateStage, updateTask } from './executionRows';
import { PostgresExecutionRepository } from './ExecutionRepository';
import { PipelineRepository } from './PipelineRepository';
import { knownHealthyServerGroups } from './serverGroupRecords';

let database: TestDatabase;

beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(async () => {
  await database?.drop();
});

/** One stage of `type` with these outputs and these tasks in these states, as the engine leaves them. */
async function recorded(type: string, outputs: Record<string, unknown>, tasks: Record<string, string>): Promise<void> {
  const cluster = { account: 'k8s', application: 'shop', stack: 'web', strategy: 'highlander', image: 'i', capacity: { min: 1, max: 1, desired: 1 } };
  const stage =
    type === 'deploy'
      ? { refId: 's', type, cluster }
      : { refId: 's', type, account: 'k8s', cluster: 'shop-web' };
  const pipeline = await new PipelineRepository(database.db.prisma).create(
    parsePipelineDefinition({ application: 'shop', name: `p-${Math.random().toString(36).slice(2)}`, stages: [stage] }),
  );
  const { value } = await new PostgresExecutionRepository(database.db.pool).launch({ pipelineId: pipeline.id, trigger: {}, parameters: {} });
  const [row] = await selectStages(database.db.pool, value.id);
  await updateStage(database.db.pool, row!.id, { outputs });
  const rows = await insertTasks(database.db.pool, row!, Object.keys(tasks), new Date());
  for (const task of rows) await updateTask(database.db.pool, task.id, { status: tasks[task.name] as 'SUCCEEDED' });
}

describe('knownHealthyServerGroups', () => {
  it('names the groups a deploy or a rollback waited for successfully, in that place only', async () => {
    const place = { account: 'k8s', location: 'ns1', cluster: 'shop-web' };
    await recorded('deploy', { ...place, serverGroupName: 'shop-web-v000' }, { waitForUpInstances: 'SUCCEEDED' });
    await recorded('deploy', { ...place, serverGroupName: 'shop-web-v001' }, { waitForUpInstances: 'TERMINAL' });
    await recorded('rollbackCluster', { ...place, restoredServerGroup: 'shop-web-v002', rolledBackServerGroup: 'shop-web-v003' }, { restoreServerGroup: 'SUCCEEDED' });
    await recorded('deploy', { ...place, location: 'ns2', serverGroupName: 'shop-web-v004' }, { waitForUpInstances: 'SUCCEEDED' });
    await recorded('deploy', { ...place, account: 'other', serverGroupName: 'shop-web-v005' }, { waitForUpInstances: 'SUCCEEDED' });

    expect([...(await knownHealthyServerGroups(database.db.pool, place))].sort()).toEqual(['shop-web-v000', 'shop-web-v002']);
    // A place named without its location (the account's default) matches records of any location.
    expect([...(await knownHealthyServerGroups(database.db.pool, { account: 'k8s', cluster: 'shop-web' }))].sort()).toEqual([
      'shop-web-v000',
      'shop-web-v002',
      'shop-web-v004',
    ]);
    expect(await knownHealthyServerGroups(database.db.pool, { ...place, cluster: 'shop-api' })).toEqual(new Set());
  });
});
