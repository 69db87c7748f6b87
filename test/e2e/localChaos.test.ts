import { cp, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SteadyTraffic } from '../../examples/demo/traffic';
import { DemoApi } from '../../examples/demo/api';
import { startLocalGantry, type LocalGantry } from '../support/localGantry';

const APP = fileURLToPath(new URL('../../examples/app', import.meta.url));
const APPLICATION = 'chaos';
const CLUSTER = 'chaos-web';

/**
 * The chaos stage on the local provider as `npm start` runs it: a group of 3 instances of the
 * example app under steady traffic through its proxy; the stage SIGKILLs one, the agent's
 * supervisor restarts it, the stage sees the group healthy again. The guard rail refuses a kill
 * below minHealthyPercent; a group whose restarted process crashes at start fails the stage.
 */
describe('chaos stage on the local provider', () => {
  let local: LocalGantry;
  let api: DemoApi;
  let appDir: string;

  beforeAll(async () => {
    local = await startLocalGantry();
    api = new DemoApi(local.url, local.token);
    // The image is a folder of its own, so the last case can break what a restarted process reads.
    appDir = join(await mkdtemp(join(tmpdir(), 'gantry-chaos-')), 'app');
    await cp(APP, appDir, { recursive: true });
    await writeFile(join(appDir, 'app.json'), '{"version": "1"}\n');
    const deploy = await api.savePipeline({
      application: APPLICATION,
      name: 'deploy',
      stages: [
        {
          refId: 'deploy',
          type: 'deploy',
          cluster: { account: 'local', application: APPLICATION, stack: 'web', strategy: 'highlander', image: appDir, capacity: { min: 3, max: 3, desired: 3 }, settings: { healthPath: '/health' } },
        },
      ],
    } as { application: string; name: string });
    expect((await api.waitFor(await api.trigger(deploy, {}))).status).toBe('SUCCEEDED');
  }, 120_000);
  afterAll(async () => {
    await local?.close();
  }, 60_000);

  async function chaos(name: string, fields: Record<string, unknown>) {
    const pipeline = await api.savePipeline({
      application: APPLICATION,
      name,
      stages: [{ refId: 'chaos', type: 'chaos', account: 'local', cluster: CLUSTER, target: 'current_asg_dynamic', ...fields }],
    } as { application: string; name: string });
    const execution = await api.waitFor(await api.trigger(pipeline, {}), 120_000);
    return { execution, stage: execution.stages[0]! };
  }

  async function pids(): Promise<Map<string, number>> {
    const [group] = await api.serverGroups(APPLICATION, CLUSTER);
    const instances = (group?.details?.instances ?? []) as { id: string; pid: number }[];
    return new Map(instances.map((instance) => [instance.id, instance.pid]));
  }

  it('kills 1 of 3 instances under steady traffic; the supervisor restarts it and the stage succeeds', { timeout: 120_000 }, async () => {
    const [group] = await api.serverGroups(APPLICATION, CLUSTER);
    const traffic = new SteadyTraffic(String(group?.details?.proxyUrl), 50);
    const before = await pids();
    traffic.start();
    try {
      const { execution, stage } = await chaos('kill-one', { count: 1, minHealthyPercent: 60, expectRecoveryWithinSec: 60 });
      expect(execution.status, JSON.stringify(stage)).toBe('SUCCEEDED');
      const victims = stage.outputs.victims as string[];
      expect(victims).toHaveLength(1);
      expect(stage.outputs).toMatchObject({ terminatedInstances: victims, recovered: true, serverGroupName: 'chaos-web-v000' });
      // The victim's slot runs a new process; the two others were not touched.
      const [slot, pid] = victims[0]!.split(':');
      const after = await pids();
      expect(after.size).toBe(3);
      expect(after.get(slot!)).not.toBe(Number(pid));
      for (const [other, otherPid] of before) if (other !== slot) expect(after.get(other)).toBe(otherPid);
      const served = traffic.snapshot().ok;
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(traffic.snapshot().ok).toBeGreaterThan(served);
    } finally {
      const counts = await traffic.stop();
      expect(counts.ok).toBeGreaterThan(0);
    }
  });

  it('refuses a kill below minHealthyPercent: the stage fails naming why, nothing is killed', { timeout: 60_000 }, async () => {
    const before = await pids();
    const { execution, stage } = await chaos('refused', { count: 1, minHealthyPercent: 100 });
    expect(execution.status).toBe('TERMINAL');
    expect(stage.error?.message ?? JSON.stringify(stage)).toMatch(/chaos refused on chaos-web-v000 .*: terminating 1 of 3 instances would leave 2 of 3 healthy \(66 %\), below minHealthyPercent 100/);
    expect(await pids()).toEqual(before);
  });

  it('fails the stage when the group does not recover: the restarted process crashes at start', { timeout: 60_000 }, async () => {
    await writeFile(join(appDir, 'app.json'), '{"version": ');
    const { execution, stage } = await chaos('no-recovery', { count: 1, expectRecoveryWithinSec: 5 });
    expect(execution.status).toBe('TERMINAL');
    expect(stage.error?.message ?? JSON.stringify(stage)).toMatch(/did not recover within 5 s \(expectRecoveryWithinSec\) after terminating /);
    expect(stage.outputs).toMatchObject({ recovered: false });
  });
});
