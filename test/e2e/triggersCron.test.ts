import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openQueue } from '../../packages/queue/src';
import { spawnWorker, type ChildWorker } from '../support/childWorker';
import { waitUntil } from '../support/eventually';
import { startTestGantry, type TestGantry } from '../support/gantryHarness';
import { QUEUE_BACKENDS } from '../support/queueBackends';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe.each(QUEUE_BACKENDS)('cron triggers on the %s queue backend, two worker processes', (backend) => {
  let gantry: TestGantry;
  let schedulers: ReturnType<typeof openQueue>;
  const workers: ChildWorker[] = [];

  beforeAll(async () => {
    gantry = await startTestGantry({ backend, worker: false });
    workers.push(spawnWorker(gantry.database.url, gantry.queue), spawnWorker(gantry.database.url, gantry.queue));
    await Promise.all(workers.map((worker) => worker.ready));
    schedulers = openQueue(gantry.queue);
  }, 90_000);
  afterAll(async () => {
    await Promise.all(workers.map((worker) => worker.kill('SIGTERM')));
    await schedulers?.close();
    await gantry?.stop();
  });

  const scheduleKeys = async () => (await schedulers.queue.getJobSchedulers(0, -1)).map((scheduler) => scheduler.key).sort();

  async function ticksOf(pipelineId: string): Promise<{ tick: string; n: number }[]> {
    const { rows } = await gantry.database.db.pool.query<{ tick: string; n: number }>(
      `SELECT trigger->>'scheduledTime' AS tick, count(*)::int AS n FROM executions WHERE pipeline_id = $1 GROUP BY 1 ORDER BY 1`,
      [pipelineId],
    );
    return rows;
  }

  it('starts one execution per tick of a 1-second schedule, and follows saves, disables and deletes', async () => {
    const definition = (enabled: boolean) => ({
      application: 'nightly',
      name: 'every-second',
      limitConcurrent: false,
      triggers: [{ type: 'manual' }, { type: 'cron', expression: '* * * * * *', enabled }],
      stages: [{ refId: 'stamp', type: 'evaluateVariables', variables: [{ key: 'tick', value: '${trigger.scheduledTime}' }] }],
    });
    const pipelineId = await gantry.savePipeline(definition(true));
    await waitUntil(async () => (await scheduleKeys()).includes(`cron:${pipelineId}:1`));
    await waitUntil(async () => (await ticksOf(pipelineId)).length > 0);

    // Observe five whole seconds, then give the last tick a moment to be handled.
    const from = Math.ceil(Date.now() / 1000) * 1000 + 1000;
    await sleep(from + 5000 - Date.now() + 1500);
    const ticks = await ticksOf(pipelineId);
    const inWindow = ticks.filter(({ tick }) => Date.parse(tick) >= from && Date.parse(tick) < from + 5000);
    expect(inWindow.length).toBeGreaterThanOrEqual(4);
    expect(inWindow.length).toBeLessThanOrEqual(6);
    expect(ticks.filter(({ n }) => n > 1)).toEqual([]);
    expect(ticks.every(({ tick }) => /:\d\d\.000Z$/.test(tick))).toBe(true);
    const { rows: executions } = await gantry.database.db.pool.query<{ id: string; trigger: { type: string; user: string } }>(
      'SELECT id, trigger FROM executions WHERE pipeline_id = $1 LIMIT 1',
      [pipelineId],
    );
    expect(executions[0]!.trigger).toMatchObject({ type: 'cron', user: 'cron', expression: '* * * * * *', timezone: 'UTC' });

    // Disabling the trigger removes its schedule; nothing starts afterwards.
    expect((await gantry.request('PUT', `/api/v1/pipelines/${pipelineId}`, definition(false))).status).toBe(200);
    await waitUntil(async () => (await scheduleKeys()).length === 0);
    // A tick already being handled when the schedule went away may still land: wait for quiet.
    let settled = -1;
    await waitUntil(async () => {
      const now = (await ticksOf(pipelineId)).length;
      const quiet = now === settled;
      settled = now;
      return quiet;
    }, 15_000, 1500);
    await sleep(2500);
    expect((await ticksOf(pipelineId)).length).toBe(settled);

    // Enabling it again brings the schedule back; deleting the pipeline removes it.
    expect((await gantry.request('PUT', `/api/v1/pipelines/${pipelineId}`, definition(true))).status).toBe(200);
    await waitUntil(async () => (await scheduleKeys()).includes(`cron:${pipelineId}:1`));
    expect((await gantry.request('DELETE', `/api/v1/pipelines/${pipelineId}`)).status).toBe(204);
    await waitUntil(async () => (await scheduleKeys()).length === 0);
  }, 90_000);

  it('re-syncs every schedule from the database when a worker starts', async () => {
    const pipelineId = await gantry.savePipeline({
      application: 'nightly',
      name: 'hourly',
      triggers: [{ type: 'cron', expression: '0 0 * * * *', timezone: 'Europe/Paris' }],
      stages: [{ refId: 'stamp', type: 'evaluateVariables', variables: [] }],
    });
    await waitUntil(async () => (await scheduleKeys()).includes(`cron:${pipelineId}:0`));
    // Lost behind the workers' backs (a flushed queue, a restored database): a new worker puts it back.
    await schedulers.queue.removeJobScheduler(`cron:${pipelineId}:0`);
    await schedulers.queue.upsertJobScheduler(`cron:00000000-0000-4000-8000-00000000dead:0`, { pattern: '0 0 1 1 *', tz: 'UTC' }, {
      name: 'CronTick',
      data: { type: 'CronTick', pipelineId: '00000000-0000-4000-8000-00000000dead', triggerIndex: 0, expression: '0 0 1 1 *', timezone: 'UTC' },
    });
    const late = spawnWorker(gantry.database.url, gantry.queue);
    workers.push(late);
    await late.ready;
    await waitUntil(async () => JSON.stringify(await scheduleKeys()) === JSON.stringify([`cron:${pipelineId}:0`]));
    const [scheduler] = await schedulers.queue.getJobSchedulers(0, -1);
    expect(scheduler).toMatchObject({ pattern: '0 0 * * * *', tz: 'Europe/Paris' });

    // The same tick delivered twice (a worker died holding it, say) starts one execution.
    const tick = { type: 'CronTick', pipelineId, triggerIndex: 0, expression: '0 0 * * * *', timezone: 'Europe/Paris', tick: Date.parse('2026-01-01T10:00:00Z') } as const;
    await gantry.bus.sendAll([{ message: tick }, { message: tick }]);
    const decisions = async () =>
      (await gantry.database.db.pool.query<{ type: string }>("SELECT type FROM audit_events WHERE pipeline_id = $1 AND type LIKE 'TRIGGER_%' ORDER BY type", [pipelineId])).rows.map(
        (row) => row.type,
      );
    await waitUntil(async () => (await decisions()).length === 2);
    expect(await decisions()).toEqual(['TRIGGER_DUPLICATE', 'TRIGGER_STARTED']);
    expect(await ticksOf(pipelineId)).toEqual([{ tick: '2026-01-01T10:00:00.000Z', n: 1 }]);
  }, 60_000);
});
