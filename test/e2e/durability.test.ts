import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnWorker, type ChildWorker } from '../support/childWorker';
import { EFFECT_TABLE_SQL, registerEffectStage } from '../support/effectStage';
import { startTestGantry, type TestGantry } from '../support/gantryHarness';
import { QUEUE_BACKENDS } from '../support/queueBackends';

registerEffectStage();

// a → (b, c) → d → e, with 2 + 1 + 3 + 2 + 1 = 9 side-effecting tasks per execution
const STAGES = [
  { refId: 'a', type: 'recordEffect', effects: 2 },
  { refId: 'b', type: 'recordEffect', effects: 1, requisiteStageRefIds: ['a'] },
  { refId: 'c', type: 'recordEffect', effects: 3, requisiteStageRefIds: ['a'] },
  { refId: 'd', type: 'recordEffect', effects: 2, requisiteStageRefIds: ['b', 'c'] },
  { refId: 'e', type: 'recordEffect', effects: 1, requisiteStageRefIds: ['d'] },
];
const TASKS_PER_EXECUTION = 9;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe.each(QUEUE_BACKENDS)('durability and concurrency on the %s queue backend', (backend) => {
  let gantry: TestGantry;
  const workers: ChildWorker[] = [];
  beforeAll(async () => {
    gantry = await startTestGantry({ backend, worker: false });
    await gantry.database.db.pool.query(EFFECT_TABLE_SQL);
  });
  afterAll(async () => {
    await Promise.all(workers.map((worker) => worker.kill()));
    await gantry?.stop();
  });

  async function triggerMany(count: number, delayMs = 15): Promise<string[]> {
    const pipelineId = await gantry.savePipeline({
      application: 'durable',
      name: `p-${Math.random().toString(36).slice(2, 10)}`,
      limitConcurrent: false,
      stages: STAGES.map((stage) => ({ ...stage, delayMs })),
    });
    const ids: string[] = [];
    for (let i = 0; i < count; i++) ids.push(await gantry.trigger(pipelineId));
    return ids;
  }

  async function effectsOf(ids: string[]) {
    const { rows } = await gantry.database.db.pool.query<{ key: string; count: number; worker: number }>(
      `SELECT key, count, worker FROM test_effects WHERE split_part(key, ':', 1) = ANY($1::text[])`,
      [ids],
    );
    return rows;
  }

  it('survives SIGKILL of its worker at random moments: every task side effect applied exactly once', async () => {
    // Slow, narrow workers, so that every kill lands while executions are mid-flight.
    const ids = await triggerMany(20, 120);
    for (let kill = 0; kill < 6; kill++) {
      const worker = spawnWorker(gantry.database.url, gantry.queue, { GANTRY_WORKER_CONCURRENCY: '3' });
      workers.push(worker);
      await worker.ready;
      await sleep(150 + Math.random() * 350);
      await worker.kill('SIGKILL');
    }
    const { rows } = await gantry.database.db.pool.query<{ n: number }>(
      "SELECT count(*)::int AS n FROM executions WHERE id = ANY($1::uuid[]) AND status = 'SUCCEEDED'",
      [ids],
    );
    expect(rows[0]!.n).toBeLessThan(ids.length);
    const survivor = spawnWorker(gantry.database.url, gantry.queue);
    workers.push(survivor);
    await survivor.ready;
    try {
      for (const id of ids) {
        const execution = await gantry.waitFor(id, undefined, 90_000);
        expect(execution.status).toBe('SUCCEEDED');
      }
    } finally {
      // Stopped even when this test fails, so that the next test's workers are the only ones.
      await survivor.kill('SIGTERM');
    }
    const effects = await effectsOf(ids);
    expect(effects).toHaveLength(ids.length * TASKS_PER_EXECUTION);
    expect(effects.filter((effect) => effect.count !== 1)).toEqual([]);
  }, 150_000);

  it('2 worker processes × 100 executions: no stage or task advanced twice', async () => {
    const pair = [spawnWorker(gantry.database.url, gantry.queue), spawnWorker(gantry.database.url, gantry.queue)];
    workers.push(...pair);
    await Promise.all(pair.map((worker) => worker.ready));
    const ids = await triggerMany(100);
    for (const id of ids) expect((await gantry.waitFor(id, undefined, 120_000)).status).toBe('SUCCEEDED');

    const pool = gantry.database.db.pool;
    const twice = await pool.query(
      `SELECT stage_id, type, data->>'attempt' AS attempt, data->>'index' AS index, count(*)::int AS n
       FROM audit_events WHERE execution_id = ANY($1::uuid[]) AND type IN ('STAGE_STARTED', 'STAGE_COMPLETED', 'TASK_COMPLETED')
       GROUP BY 1, 2, 3, 4 HAVING count(*) > 1`,
      [ids],
    );
    expect(twice.rows).toEqual([]);
    const counts = await pool.query<{ type: string; n: number }>(
      `SELECT type, count(*)::int AS n FROM audit_events WHERE execution_id = ANY($1::uuid[]) GROUP BY type`,
      [ids],
    );
    const byType = Object.fromEntries(counts.rows.map((row) => [row.type, row.n]));
    expect(byType).toMatchObject({
      STAGE_STARTED: ids.length * STAGES.length,
      STAGE_COMPLETED: ids.length * STAGES.length,
      TASK_COMPLETED: ids.length * TASKS_PER_EXECUTION,
      EXECUTION_COMPLETED: ids.length,
    });
    const effects = await effectsOf(ids);
    expect(effects).toHaveLength(ids.length * TASKS_PER_EXECUTION);
    expect(effects.every((effect) => effect.count === 1)).toBe(true);
    // Both processes did real work.
    expect(new Set(effects.map((effect) => effect.worker)).size).toBe(2);
    await Promise.all(pair.map((worker) => worker.kill('SIGTERM')));
  }, 180_000);
});
