import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startFakeKubernetes, type FakeKubernetes } from '../fakes/kubernetes';
import { stageOf, startTestGantry, type TestGantry } from '../support/gantryHarness';
import { QUEUE_BACKENDS } from '../support/queueBackends';
import { NAMESPACE, SETTLED, deployStage, kubernetesAccount, servedServerGroups, testRegistry } from '../support/serverGroups';
import { asUser } from '../../apps/api/src/testSupport';
import { deployPolicySchema } from '../../packages/core/src';

const backend = QUEUE_BACKENDS[0] ?? 'redis';

interface Accepted {
  id: string;
  action: string;
  serverGroup: string;
  account: string;
  error: { code: string; message: string };
}

/**
 * The clusters view's enable, disable and resize through the REST API, against the Kubernetes
 * fake: each is an audited execution of a system pipeline, and the deploy policy's traffic guards
 * refuse what would leave a protected cluster without a serving group.
 */
describe(`server group actions on Kubernetes (fake API server, ${backend} queue)`, () => {
  let fake: FakeKubernetes;
  let gantry: TestGantry;

  beforeAll(async () => {
    fake = await startFakeKubernetes({ readyDelayMs: 100 });
    const deployPolicy = deployPolicySchema.parse({ trafficGuards: { shop: [{ account: 'k8s', stack: 'guarded' }] } });
    gantry = await startTestGantry({ backend, providers: testRegistry([kubernetesAccount(fake)]), deployPolicy });
  });
  afterAll(async () => {
    await gantry?.stop();
    await fake?.close();
  });

  const act = (cluster: string, serverGroup: string, action: string, body: Record<string, unknown> = {}) =>
    gantry.request<Accepted>('POST', `/api/v1/applications/shop/clusters/${cluster}/serverGroups/${serverGroup}/${action}`, body, asUser('ana'));

  async function deployed(stack: string): Promise<void> {
    const id = await gantry.savePipeline({ application: 'shop', name: `deploy-${stack}`, stages: [deployStage('shop', stack, 'registry.local/shop:1')] });
    expect((await gantry.waitFor(await gantry.trigger(id, {}), undefined, 45_000)).status).toBe('SUCCEEDED');
  }

  it('disable, enable and resize run as audited executions that change the cluster', async () => {
    await deployed('web');
    // Enabling relabels the running pods and rolls the template: the old pods go as the new ones come.
    await vi.waitFor(() => expect(servedServerGroups(fake, 'shop-web')).toEqual(['shop-web-v000', 'shop-web-v000']), SETTLED);

    const disabled = await act('shop-web', 'shop-web-v000', 'disable', { reason: 'maintenance' });
    expect(disabled.status).toBe(202);
    expect(disabled.body).toMatchObject({ action: 'disable', serverGroup: 'shop-web-v000', account: 'k8s', location: NAMESPACE });
    const execution = await gantry.waitFor(disabled.body.id, undefined, 45_000);
    expect(execution).toMatchObject({
      status: 'SUCCEEDED',
      name: 'disable shop-web',
      trigger: { type: 'serverGroupAction', user: 'ana', action: 'disable', serverGroup: 'shop-web-v000', reason: 'maintenance' },
    });
    expect(stageOf(execution, 'disable').outputs).toMatchObject({ serverGroupName: 'shop-web-v000', enabled: false });
    // The fake relabels pods by rolling them: the Service settles in moments.
    await vi.waitFor(() => expect(servedServerGroups(fake, 'shop-web')).toEqual([]), SETTLED);

    const enabled = await act('shop-web', 'shop-web-v000', 'enable');
    expect(stageOf(await gantry.waitFor(enabled.body.id, undefined, 45_000), 'enable')).toMatchObject({ status: 'SUCCEEDED', outputs: { enabled: true } });
    await vi.waitFor(() => expect(servedServerGroups(fake, 'shop-web')).toEqual(['shop-web-v000', 'shop-web-v000']), SETTLED);

    const resized = await act('shop-web', 'shop-web-v000', 'resize', { capacity: { min: 3, max: 3, desired: 3 } });
    expect(resized.status).toBe(202);
    const resize = await gantry.waitFor(resized.body.id, undefined, 45_000);
    expect(resize.status).toBe('SUCCEEDED');
    expect(stageOf(resize, 'resize').status).toBe('SUCCEEDED');
    expect(fake.state.get('deployments', 'shop-web-v000', NAMESPACE)?.spec).toMatchObject({ replicas: 3 });
  });

  it('a traffic guard fails the disable of the only serving group, naming the guard; nothing changes', async () => {
    await deployed('guarded');
    const accepted = await act('shop-guarded', 'shop-guarded-v000', 'disable');
    expect(accepted.status).toBe(202);
    const execution = await gantry.waitFor(accepted.body.id, undefined, 45_000);
    expect(execution.status).toBe('TERMINAL');
    expect(JSON.stringify(stageOf(execution, 'disable'))).toMatch(/traffic guard/i);
    // Enabling relabels the running pods and rolls the template: the old pods go as the new ones come.
    await vi.waitFor(() => expect(servedServerGroups(fake, 'shop-guarded')).toEqual(['shop-guarded-v000', 'shop-guarded-v000']), SETTLED);
  });

  it('refuses a group that is not live (404), of another cluster or an incoherent capacity (400, naming the field)', async () => {
    expect((await act('shop-web', 'shop-web-v042', 'enable')).status).toBe(404);
    const elsewhere = await act('shop-web', 'shop-api-v000', 'enable');
    expect(elsewhere.status).toBe(400);
    expect(elsewhere.body.error.message).toMatch(/serverGroup|not a server group of cluster/);
    const incoherent = await act('shop-web', 'shop-web-v000', 'resize', { capacity: { min: 3, max: 2, desired: 3 } });
    expect(incoherent.status).toBe(400);
    expect(incoherent.body.error.message).toMatch(/capacity/);
  });
});
