import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeKubernetes, type FakeKubernetes } from '../fakes/kubernetes';
import { stageOf, startTestGantry, type TestGantry } from '../support/gantryHarness';
import { QUEUE_BACKENDS } from '../support/queueBackends';
import { NAMESPACE, deployStage, deploymentsOf, kubernetesAccount, testRegistry } from '../support/serverGroups';
import { EXAMPLE_APP_DIR, localTestBed, type LocalTestBed } from '../support/localTestBed';
import { ProviderRegistry } from '../../packages/providers/src';

const backend = QUEUE_BACKENDS[0] ?? 'redis';

/** Orca's cloneServerGroup against the Kubernetes fake: the source read through the provider, the copy made by deploy's tasks. */
describe(`cloneServerGroup on Kubernetes (fake API server, ${backend} queue)`, () => {
  let fake: FakeKubernetes;
  let gantry: TestGantry;

  beforeAll(async () => {
    fake = await startFakeKubernetes({ readyDelayMs: 50 });
    gantry = await startTestGantry({ backend, providers: testRegistry([kubernetesAccount(fake)]) });
  });
  afterAll(async () => {
    await gantry?.stop();
    await fake?.close();
  });

  it("copies the source's image, takes the capacity override, and comes up healthy as the cluster's next group", async () => {
    const deployed = await gantry.savePipeline({ application: 'shop', name: 'deploy', stages: [deployStage('shop', 'clone', 'registry.local/shop:1')] });
    expect((await gantry.waitFor(await gantry.trigger(deployed, {}), undefined, 45_000)).status).toBe('SUCCEEDED');

    const clone = {
      refId: 'clone',
      type: 'cloneServerGroup',
      application: 'shop',
      stack: 'clone',
      credentials: 'k8s',
      namespace: NAMESPACE,
      source: { account: 'k8s', region: NAMESPACE, asgName: 'shop-clone-v000' },
      capacity: { min: 3, max: 3, desired: 3 },
      waitForUpTimeoutSec: 20,
    };
    const id = await gantry.savePipeline({ application: 'shop', name: 'clone', stages: [clone] });
    const execution = await gantry.waitFor(await gantry.trigger(id, {}), undefined, 45_000);
    expect(execution.status).toBe('SUCCEEDED');
    expect(stageOf(execution, 'clone').outputs).toMatchObject({
      serverGroupName: 'shop-clone-v001',
      previousServerGroup: 'shop-clone-v000',
      image: 'registry.local/shop:1',
      cloneSource: { serverGroupName: 'shop-clone-v000', image: 'registry.local/shop:1' },
      health: { up: 3, desired: 3 },
    });
    expect(deploymentsOf(fake, 'shop-clone')).toEqual(expect.arrayContaining(['shop-clone-v000', 'shop-clone-v001']));
  });

  const cloneOf = (stack: string, extra: Record<string, unknown> = {}) => ({
    refId: 'clone',
    type: 'cloneServerGroup',
    application: 'shop',
    stack,
    credentials: 'k8s',
    namespace: NAMESPACE,
    source: { account: 'k8s', region: NAMESPACE, asgName: `shop-${stack}-v000` },
    ...extra,
  });
  const deploySource = async (stack: string) => {
    const deployed = await gantry.savePipeline({ application: 'shop', name: `deploy-${stack}`, stages: [deployStage('shop', stack, 'registry.local/shop:1')] });
    expect((await gantry.waitFor(await gantry.trigger(deployed, {}), undefined, 45_000)).status).toBe('SUCCEEDED');
  };

  it('a clone whose group never comes up fails and leaves no half-made group; the source stays', async () => {
    await deploySource('stuck');
    fake.failReadiness((deployment) => deployment.name === 'shop-stuck-v001');
    try {
      const id = await gantry.savePipeline({ application: 'shop', name: 'clone-stuck', stages: [cloneOf('stuck', { waitForUpTimeoutSec: 2 })] });
      const execution = await gantry.waitFor(await gantry.trigger(id, {}), undefined, 45_000);
      expect(execution.status).toBe('TERMINAL');
      expect(stageOf(execution, 'clone').outputs).toMatchObject({ serverGroupName: 'shop-stuck-v001', cloneCleanup: 'destroyed shop-stuck-v001' });
      expect(deploymentsOf(fake, 'shop-stuck')).toEqual(['shop-stuck-v000']);
    } finally {
      fake.failReadiness(null);
    }
  });

  it('a clone canceled while its group starts destroys the group, then ends CANCELED', async () => {
    await deploySource('halt');
    fake.failReadiness((deployment) => deployment.name === 'shop-halt-v001');
    try {
      const id = await gantry.savePipeline({ application: 'shop', name: 'clone-halt', stages: [cloneOf('halt', { waitForUpTimeoutSec: 60 })] });
      const executionId = await gantry.trigger(id, {});
      await gantry.waitFor(executionId, () => deploymentsOf(fake, 'shop-halt').includes('shop-halt-v001'), 45_000);
      expect((await gantry.request('POST', `/api/v1/executions/${executionId}/cancel`, {})).status).toBe(202);
      const execution = await gantry.waitFor(executionId, undefined, 45_000);
      expect(execution.status).toBe('CANCELED');
      expect(stageOf(execution, 'clone').outputs).toMatchObject({ cloneCleanup: 'destroyed shop-halt-v001' });
      expect(deploymentsOf(fake, 'shop-halt')).toEqual(['shop-halt-v000']);
    } finally {
      fake.failReadiness(null);
    }
  });

  it('fails at run time naming a source that does not exist, creating nothing', async () => {
    const id = await gantry.savePipeline({
      application: 'shop',
      name: 'clone-missing',
      stages: [{ refId: 'clone', type: 'cloneServerGroup', application: 'shop', stack: 'gone', account: 'k8s', namespace: NAMESPACE, source: { serverGroupName: 'shop-gone-v004' } }],
    });
    const execution = await gantry.waitFor(await gantry.trigger(id, {}), undefined, 45_000);
    expect(execution.status).toBe('TERMINAL');
    expect(JSON.stringify(stageOf(execution, 'clone').error)).toContain(`source server group shop-gone-v004 does not exist (account k8s, location ${NAMESPACE})`);
    expect(deploymentsOf(fake, 'shop-gone')).toEqual([]);
  });
});

/** The same on the local provider: real processes of examples/app, the copy's instances answering before the stage succeeds. */
describe(`cloneServerGroup on the local provider (${backend} queue)`, () => {
  let bed: LocalTestBed;
  let gantry: TestGantry;

  beforeAll(async () => {
    bed = localTestBed({ account: 'local' });
    const providers = new ProviderRegistry([bed.provider.account], { local: () => bed.provider }, { retry: { attempts: 3, baseDelayMs: 20, maxDelayMs: 2_000 } });
    gantry = await startTestGantry({ backend, providers });
  });
  afterAll(async () => {
    await gantry?.stop();
    await bed?.close();
  });

  it("clones the current group of targetCluster with its capacity (useSourceCapacity) and brings it up", { timeout: 120_000 }, async () => {
    const source = {
      refId: 'deploy',
      type: 'deploy',
      waitForUpTimeoutSec: 60,
      cluster: { account: 'local', application: 'demo', stack: 'web', strategy: 'highlander', image: EXAMPLE_APP_DIR, capacity: { min: 2, max: 2, desired: 2 } },
    };
    const deployed = await gantry.savePipeline({ application: 'demo', name: 'deploy', stages: [source] });
    expect((await gantry.waitFor(await gantry.trigger(deployed, {}), undefined, 90_000)).status).toBe('SUCCEEDED');

    const clone = { refId: 'clone', type: 'cloneServerGroup', application: 'demo', stack: 'web', credentials: 'local', targetCluster: 'demo-web', target: 'current_asg_dynamic', useSourceCapacity: true, capacity: { min: 1, max: 1, desired: 1 }, waitForUpTimeoutSec: 60 };
    const id = await gantry.savePipeline({ application: 'demo', name: 'clone', stages: [clone] });
    const execution = await gantry.waitFor(await gantry.trigger(id, {}), undefined, 90_000);
    expect(execution.status).toBe('SUCCEEDED');
    expect(stageOf(execution, 'clone').outputs).toMatchObject({
      serverGroupName: 'demo-web-v001',
      cloneSource: { serverGroupName: 'demo-web-v000', capacity: { desired: 2 } },
      health: { up: 2, desired: 2 },
    });
    const groups = await bed.provider.listServerGroups({ account: 'local', application: 'demo', cluster: 'demo-web' });
    expect(groups.map((group) => [group.name, group.image])).toEqual(expect.arrayContaining([['demo-web-v001', EXAMPLE_APP_DIR]]));
  });
});
