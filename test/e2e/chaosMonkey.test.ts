import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWorker, type RunningWorker } from '../../apps/worker/src';
import { startFakeKubernetes, type FakeKubernetes } from '../fakes/kubernetes';
import { readUntil } from '../support/eventually';
import { silentLog, startTestGantry, type TestGantry } from '../support/gantryHarness';
import { NAMESPACE, kubernetesAccount, testRegistry } from '../support/serverGroups';

interface Decision {
  groupKey: string;
  status: string;
  victim: { serverGroup: string; instanceId: string } | null;
}

/**
 * Chaos Monkey with two worker runtimes on one queue (both also run the deploys): an application
 * with three clusters on the fake Kubernetes, one of them an exception, opts in with a one-minute
 * kill window and a kill every work day. Exactly one kill per eligible cluster follows, whatever
 * the two workers race to do, each audited, notified and its pod really deleted (and replaced);
 * nothing at all while the kill switch is engaged.
 */
describe('Chaos Monkey schedules, two workers', () => {
  let fake: FakeKubernetes;
  let gantry: TestGantry;
  const workers: RunningWorker[] = [];

  beforeAll(async () => {
    fake = await startFakeKubernetes({ readyDelayMs: 50 });
    const providers = testRegistry([kubernetesAccount(fake)]);
    gantry = await startTestGantry({ worker: false, providers });
    for (let index = 0; index < 2; index++) {
      workers.push(startWorker({ db: gantry.database.db, bus: gantry.bus, queue: gantry.queue, log: silentLog, providers, reconcileIntervalMs: 0, chaosMonkeyIntervalMs: 150 }));
    }
  }, 60_000);
  afterAll(async () => {
    await Promise.all(workers.map((worker) => worker.close()));
    await gantry?.stop();
    await fake?.close();
  });

  it('makes exactly one kill per eligible group in a one-minute window, audited and notified', { timeout: 120_000 }, async () => {
    const deploy = (stack: string, desired: number) => ({
      refId: stack,
      type: 'deploy',
      cluster: { account: 'k8s', namespace: NAMESPACE, application: 'shop', stack, strategy: 'highlander', image: 'registry.local/shop:1', capacity: { min: desired, max: desired, desired } },
    });
    const pipeline = await gantry.savePipeline({ application: 'shop', name: 'deploy', stages: [deploy('web', 3), deploy('api', 2), deploy('batch', 1)] });
    expect((await gantry.waitFor(await gantry.trigger(pipeline), undefined, 60_000)).status).toBe('SUCCEEDED');
    const podsBefore = new Set(fake.state.list('pods', NAMESPACE).map((pod) => String(pod.metadata.name)));

    // A window from this minute to the next, so the kill happens now (one minute more near a minute's end or midnight).
    let now = new Date();
    if (now.getUTCSeconds() > 50 || (now.getUTCHours() === 23 && now.getUTCMinutes() === 59)) {
      await new Promise((resolve) => setTimeout(resolve, 61_000 - now.getUTCSeconds() * 1000));
      now = new Date();
    }
    const clock = (date: Date) => date.toISOString().slice(11, 16);
    const config = {
      enabled: true,
      meanTimeBetweenKillsInWorkDays: 1,
      minTimeBetweenKillsInWorkDays: 0,
      grouping: 'cluster',
      exceptions: [{ cluster: 'shop-batch' }],
      killWindow: { start: clock(now), end: clock(new Date(now.getTime() + 60_000)), timeZone: 'UTC', workDays: ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'] },
      notifications: [{ type: 'webhook', address: 'https://hooks.example.com/chaos' }],
    };
    const read = async () => (await gantry.request<{ decisions: Decision[] }>('GET', '/api/v1/applications/shop/chaosMonkey')).body.decisions;
    // The kill switch engaged, both workers tick through the open window and do nothing.
    expect((await gantry.request('PUT', '/api/v1/chaosMonkey/killSwitch', { engaged: true })).status).toBe(200);
    expect((await gantry.request('PUT', '/api/v1/applications/shop/chaosMonkey', config)).status).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    expect(await read()).toEqual([]);
    expect((await gantry.request('PUT', '/api/v1/chaosMonkey/killSwitch', { engaged: false })).status).toBe(200);

    const killed = await readUntil(read, (decisions) => decisions.length === 2 && decisions.every((decision) => decision.status === 'KILLED'), 60_000, 200);
    expect(killed.map((decision) => decision.groupKey).sort()).toEqual(['cluster:k8s/ns1/shop-api', 'cluster:k8s/ns1/shop-web']);
    // A few more ticks of both workers change nothing: one decision per group and day.
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    expect(await read()).toEqual(killed);

    const victims = killed.map((decision) => decision.victim!);
    expect(victims.map((victim) => victim.serverGroup).sort()).toEqual(['shop-api-v000', 'shop-web-v000']);
    for (const victim of victims) expect(podsBefore.has(victim.instanceId)).toBe(true);
    const podsNow = fake.state.list('pods', NAMESPACE).map((pod) => String(pod.metadata.name));
    for (const victim of victims) expect(podsNow).not.toContain(victim.instanceId);

    const pool = gantry.database.db.pool;
    const audits = await pool.query<{ data: { serverGroup: string; instanceId: string } }>(`SELECT data FROM audit_events WHERE type = 'CHAOS_MONKEY_KILL' ORDER BY id`);
    expect(audits.rows.map((row) => row.data.instanceId).sort()).toEqual(victims.map((victim) => victim.instanceId).sort());
    const notes = await pool.query<{ key: string }>(`SELECT key FROM notification_deliveries WHERE event = 'chaosMonkey.kill' ORDER BY key`);
    expect(notes.rows.map((row) => row.key)).toEqual(killed.map((decision) => decision.groupKey).sort().map((key) => `chaos:${key}:${now.toISOString().slice(0, 10)}:webhook:https://hooks.example.com/chaos`));
  });
});
