import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startFakeKubernetes, type FakeKubernetes } from '../fakes/kubernetes';
import { stageOf, startTestGantry, type TestGantry } from '../support/gantryHarness';
import { QUEUE_BACKENDS } from '../support/queueBackends';
import { NAMESPACE, SETTLED, TRAFFIC_LABEL, deploymentsOf, deployStage, kubernetesAccount, labelsOf, servedServerGroups, testRegistry } from '../support/serverGroups';
import type { ExecutionDetail } from '../../packages/store/src';
import type { ProviderRegistry } from '../../packages/providers/src';

// One queue backend is enough here: these tests are about stages and providers, and the engine
// suites already cover both backends.
const backend = QUEUE_BACKENDS[0] ?? 'redis';

type Task = ExecutionDetail['stages'][number]['tasks'][number];

function task(execution: ExecutionDetail, refId: string, name: string): Task {
  const found = stageOf(execution, refId).tasks.find((candidate) => candidate.name === name);
  if (!found) throw new Error(`no task ${name} in stage ${refId}`);
  return found;
}

describe(`server group stages on Kubernetes (fake API server, ${backend} queue)`, () => {
  let fake: FakeKubernetes;
  let registry: ProviderRegistry;
  let gantry: TestGantry;

  beforeAll(async () => {
    fake = await startFakeKubernetes({ readyDelayMs: 100 });
    registry = testRegistry([kubernetesAccount(fake)]);
    gantry = await startTestGantry({ backend, providers: registry });
  });
  afterAll(async () => {
    await gantry?.stop();
    await fake?.close();
  });

  /** Saves a one-stage pipeline (or the given stages) of `application`, returns a trigger function. */
  async function pipeline(application: string, stages: unknown[]): Promise<(parameters?: Record<string, unknown>) => Promise<ExecutionDetail>> {
    const id = await gantry.savePipeline({
      application,
      name: `p-${Math.random().toString(36).slice(2, 10)}`,
      parameters: [{ name: 'version', default: '1' }],
      stages,
    });
    return async (parameters = {}) => gantry.waitFor(await gantry.trigger(id, parameters), undefined, 45_000);
  }

  it('deploys v000, then v001 with highlander: v000 is disabled and destroyed only after v001 is up', async () => {
    const deploy = await pipeline('shop', [deployStage('shop', 'web', 'registry.local/shop:${parameters.version}')]);

    const first = await deploy({ version: '1' });
    expect(first.status).toBe('SUCCEEDED');
    expect(stageOf(first, 'deploy').outputs).toMatchObject({
      serverGroupName: 'shop-web-v000',
      previousServerGroup: null,
      image: 'registry.local/shop:1',
      account: 'k8s',
      location: NAMESPACE,
      'deploy.server.groups': { [NAMESPACE]: ['shop-web-v000'] },
    });
    await vi.waitFor(() => expect(servedServerGroups(fake, 'shop-web')).toEqual(['shop-web-v000', 'shop-web-v000']), SETTLED);

    const requestsBefore = fake.requests().length;
    const second = await deploy({ version: '2' });
    expect(second.status).toBe('SUCCEEDED');
    expect(stageOf(second, 'deploy').outputs).toMatchObject({
      serverGroupName: 'shop-web-v001',
      previousServerGroup: 'shop-web-v000',
      image: 'registry.local/shop:2',
      'deploy.server.groups': { [NAMESPACE]: ['shop-web-v001'] },
      disabledServerGroups: ['shop-web-v000'],
      destroyedServerGroups: ['shop-web-v000'],
    });
    expect(stageOf(second, 'deploy').tasks.map((t) => t.name)).toEqual([
      'determineServerGroupName',
      'createServerGroup',
      'waitForUpInstances',
      'enableServerGroup',
      'disableOldServerGroups',
      'destroyOldServerGroups',
    ]);

    // Order, from the engine: the old group was touched only after the wait for v001 succeeded.
    const waited = task(second, 'deploy', 'waitForUpInstances');
    expect(task(second, 'deploy', 'disableOldServerGroups').startTime!.getTime()).toBeGreaterThanOrEqual(waited.endTime!.getTime());
    // …and from the API server: v001 into traffic, then v000 out, then v000 deleted.
    const calls = fake.requests().slice(-(fake.requests().length - requestsBefore)).map((r) => `${r.method} ${r.path.split('?')[0]}`);
    const deployments = `/apis/apps/v1/namespaces/${NAMESPACE}/deployments`;
    const enableNew = calls.indexOf(`PATCH ${deployments}/shop-web-v001`);
    const disableOld = calls.indexOf(`PATCH ${deployments}/shop-web-v000`);
    const deleteOld = calls.indexOf(`DELETE ${deployments}/shop-web-v000`);
    expect(enableNew).toBeGreaterThan(calls.indexOf(`POST ${deployments}`));
    expect(disableOld).toBeGreaterThan(enableNew);
    expect(deleteOld).toBeGreaterThan(disableOld);

    expect(deploymentsOf(fake, 'shop-web')).toEqual(['shop-web-v001']);
    // The cluster's Service (traffic=enabled) now selects v001's pods and nothing else.
    await vi.waitFor(() => expect(servedServerGroups(fake, 'shop-web')).toEqual(['shop-web-v001', 'shop-web-v001']), SETTLED);
  });

  it('fails an unhealthy rollout after waitForUpTimeoutSec and never disables the serving group', async () => {
    const deploy = await pipeline('shop', [deployStage('shop', 'bad', 'registry.local/shop:${parameters.version}', { waitForUpTimeoutSec: 2 })]);
    expect((await deploy({ version: '1' })).status).toBe('SUCCEEDED');

    fake.failReadiness((deployment) => deployment.name === 'shop-bad-v001');
    try {
      const failed = await deploy({ version: '2' });
      expect(failed.status).toBe('TERMINAL');
      const stage = stageOf(failed, 'deploy');
      expect(stage.error).toMatchObject({
        task: 'waitForUpInstances',
        message: expect.stringMatching(
          /^server group shop-bad-v001 \(account k8s, location ns1\) did not have all instances up within 2 s \(waitForUpTimeoutSec\): up 0\/2, down \d, unknown \d$/,
        ),
      });
      expect(stage.tasks.filter((t) => t.startTime !== null).map((t) => t.name)).toEqual([
        'determineServerGroupName',
        'createServerGroup',
        'waitForUpInstances',
      ]);
    } finally {
      fake.failReadiness(null);
    }
    // v000 was never touched: still enabled and the only group the Service selects.
    const v000 = fake.state.get('deployments', 'shop-bad-v000', NAMESPACE);
    expect(v000?.metadata.annotations).toMatchObject({ 'gantry.io/enabled': 'true' });
    await vi.waitFor(() => expect(servedServerGroups(fake, 'shop-bad')).toEqual(['shop-bad-v000', 'shop-bad-v000']), SETTLED);
    expect(deploymentsOf(fake, 'shop-bad')).toEqual(['shop-bad-v000', 'shop-bad-v001']);
    expect(labelsOf(fake.state.list('pods', NAMESPACE).find((pod) => labelsOf(pod)['gantry.io/server-group'] === 'shop-bad-v001')!)[TRAFFIC_LABEL]).toBe(
      'disabled',
    );
  });

  it('rides out a 409 on the traffic switch and 429s on reads; a 403 fails the stage naming account, namespace and resource', async () => {
    const deploy = await pipeline('shop', [deployStage('shop', 'flaky', 'registry.local/shop:${parameters.version}')]);
    // More 429s than the registry retries (3 attempts): only a second run of the task, scheduled
    // by the engine after the TransientTaskError, can get past the fourth.
    const listDeployments = (r: { method: string; path: string }) => r.method === 'GET' && r.path.startsWith(`/apis/apps/v1/namespaces/${NAMESPACE}/deployments?`);
    const listsBefore = fake.requests().filter(listDeployments).length;
    fake.injectFault({ method: 'GET', pathPattern: /\/namespaces\/ns1\/deployments$/, status: 429, times: 4 });
    const first = await deploy({ version: '1' });
    expect(first.status).toBe('SUCCEEDED');
    expect(fake.requests().filter(listDeployments).length - listsBefore).toBeGreaterThanOrEqual(5);
    // Each retried call is in the audit trail, with what failed and how long the worker waited.
    const audit = await gantry.request<{ events: { type: string; data: Record<string, unknown> }[] }>('GET', `/api/v1/executions/${first.id}/events`);
    const retries = audit.body.events.filter((event) => event.type === 'PROVIDER_RETRY');
    expect(retries.length).toBeGreaterThanOrEqual(2);
    expect(retries[0]?.data).toMatchObject({ provider: 'kubernetes', operation: 'listServerGroups', kind: 'Throttled', attempt: 1, delayMs: expect.any(Number) });

    // The enable of v001 patches its Deployment: a conflicting write, retried by re-reading.
    const patchV001 = (r: { method: string; path: string }) => r.method === 'PATCH' && r.path.endsWith('/deployments/shop-flaky-v001');
    fake.injectFault({ method: 'PATCH', pathPattern: /\/deployments\/shop-flaky-v001$/, status: 409, times: 1 });
    const second = await deploy({ version: '2' });
    expect(second.status).toBe('SUCCEEDED');
    expect(fake.requests().filter(patchV001).length).toBeGreaterThanOrEqual(2);
    expect(deploymentsOf(fake, 'shop-flaky')).toEqual(['shop-flaky-v001']);

    fake.injectFault({ method: 'POST', pathPattern: /\/namespaces\/ns1\/deployments$/, status: 403, times: 1 });
    const forbidden = await deploy({ version: '3' });
    expect(forbidden.status).toBe('TERMINAL');
    expect(stageOf(forbidden, 'deploy').error).toMatchObject({
      task: 'createServerGroup',
      message: expect.stringMatching(/^kubernetes\/createServerGroup\/shop-flaky-v002: .*forbidden.*\(account k8s, namespace ns1, deployment shop-flaky-v002\)$/i),
    });
    // Nothing was touched: v001 keeps serving.
    expect(deploymentsOf(fake, 'shop-flaky')).toEqual(['shop-flaky-v001']);
    await vi.waitFor(() => expect(servedServerGroups(fake, 'shop-flaky')).toEqual(['shop-flaky-v001', 'shop-flaky-v001']), SETTLED);
  });

  it('resizes, disables, enables and destroys by target; the API lists the live groups with health', async () => {
    const { provider } = registry.forAccount('k8s');
    const seed = (sequence: number, desired: number, enabled: boolean) =>
      provider.createServerGroup({
        account: 'k8s',
        location: NAMESPACE,
        application: 'shop',
        cluster: 'shop-ops',
        name: `shop-ops-v00${sequence}`,
        image: `registry.local/shop:${sequence}`,
        capacity: { min: 0, max: 5, desired },
        enabled,
      });
    // Created one after another: v000 and v001 serve, v002 is new and not in traffic yet.
    await seed(0, 1, true);
    await seed(1, 2, true);
    await seed(2, 1, false);

    const where = { account: 'k8s', namespace: NAMESPACE, cluster: 'shop-ops' };
    const run = await pipeline('shop', [
      { refId: 'resize', type: 'resizeServerGroup', ...where, target: 'largest', capacity: { min: 1, max: 5, desired: 3 } },
      { refId: 'disable', type: 'disableServerGroup', ...where, target: 'previous', requisiteStageRefIds: ['resize'] },
      { refId: 'enable', type: 'enableServerGroup', ...where, serverGroupName: 'shop-ops-v002', requisiteStageRefIds: ['disable'] },
      // Spinnaker's spelling of the same fields.
      { refId: 'destroy', type: 'destroyServerGroup', credentials: 'k8s', regions: [NAMESPACE], cluster: 'shop-ops', target: 'oldest_asg_dynamic', requisiteStageRefIds: ['enable'] },
    ]);
    const execution = await run();
    expect(execution.status).toBe('SUCCEEDED');
    expect(stageOf(execution, 'resize').outputs).toMatchObject({ serverGroupName: 'shop-ops-v001', capacity: { desired: 3 }, health: { up: 3 } });
    expect(stageOf(execution, 'disable').outputs).toMatchObject({ serverGroupName: 'shop-ops-v000', enabled: false });
    expect(stageOf(execution, 'enable').outputs).toMatchObject({ serverGroupName: 'shop-ops-v002', enabled: true });
    expect(stageOf(execution, 'destroy').outputs).toMatchObject({ serverGroupName: 'shop-ops-v000', destroyed: true });
    expect(deploymentsOf(fake, 'shop-ops')).toEqual(['shop-ops-v001', 'shop-ops-v002']);

    // Enabling changed v002's pod template, so its pods roll: read once the rollout has settled.
    const listGroups = () =>
      gantry.request<{ serverGroups: { health: { unknown: number } }[] }>(
        'GET',
        `/api/v1/applications/shop/clusters/shop-ops/serverGroups?account=k8s&location=${NAMESPACE}`,
      );
    await vi.waitFor(async () => expect((await listGroups()).body.serverGroups.every((g) => g.health.unknown === 0)).toBe(true), {
      timeout: 10_000,
      interval: 100,
    });
    const groups = await listGroups();
    expect(groups.status).toBe(200);
    expect(groups.body.serverGroups).toEqual([
      expect.objectContaining({
        name: 'shop-ops-v002',
        account: 'k8s',
        location: NAMESPACE,
        image: 'registry.local/shop:2',
        capacity: { min: 0, max: 5, desired: 1 },
        enabled: true,
        health: { desired: 1, up: 1, down: 0, unknown: 0 },
        healthy: true,
        createdAt: expect.any(String),
      }),
      expect.objectContaining({ name: 'shop-ops-v001', enabled: true, capacity: { min: 1, max: 5, desired: 3 }, healthy: true }),
    ]);

    const clusters = await gantry.request<{ clusters: { name: string; account: string; location: string; serverGroups: string[] }[] }>(
      'GET',
      '/api/v1/applications/shop/clusters',
    );
    expect(clusters.status).toBe(200);
    // Every cluster this file deployed to, with what is live in it now.
    expect(clusters.body.clusters).toEqual(
      expect.arrayContaining([
        { name: 'shop-ops', account: 'k8s', location: NAMESPACE, serverGroups: ['shop-ops-v002', 'shop-ops-v001'] },
        { name: 'shop-web', account: 'k8s', location: NAMESPACE, serverGroups: ['shop-web-v001'] },
      ]),
    );

    const unknown = await gantry.request('GET', '/api/v1/applications/shop/clusters/shop-ops/serverGroups?account=nope');
    expect(unknown).toEqual({
      status: 404,
      body: { error: { code: 'NOT_FOUND', message: 'unknown account nope; known accounts: k8s', details: { account: 'nope', knownAccounts: ['k8s'] } } },
    });
    const foreign = await gantry.request<{ error: { code: string } }>('GET', '/api/v1/applications/shop/clusters/cart-web/serverGroups');
    expect(foreign.status).toBe(400);
  });

  it('refuses a pipeline with an unsupported strategy when it is saved', async () => {
    const response = await gantry.request<{ error: { message: string } }>('POST', '/api/v1/pipelines', {
      application: 'shop',
      name: 'rainbow',
      stages: [deployStage('shop', 'web', 'img', { cluster: { ...deployStage('shop', 'web', 'img').cluster, strategy: 'rainbow' } })],
    });
    expect(response.status).toBe(400);
    expect(response.body.error.message).toContain('stages.0.cluster.strategy: unsupported strategy "rainbow": supported strategies are none, highlander, redblack');
  });
});
