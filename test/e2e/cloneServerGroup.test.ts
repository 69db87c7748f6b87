import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeKubernetes, type FakeKubernetes } from '../fakes/kubernetes';
import { stageOf, startTestGantry, type TestGantry } from '../support/gantryHarness';
import { QUEUE_BACKENDS } from '../support/queueBackends';
import { NAMESPACE, deployStage, deploymentsOf, kubernetesAccount, testRegistry } from '../support/serverGroups';

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
