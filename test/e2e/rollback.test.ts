import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startFakeKubernetes, type FakeKubernetes } from '../fakes/kubernetes';
import { isReady } from '../fakes/kubernetes/controller/pods';
import { stageOf, startTestGantry, type TestGantry } from '../support/gantryHarness';
import { eventually } from '../support/eventually';
import { QUEUE_BACKENDS } from '../support/queueBackends';
import { NAMESPACE, SETTLED, deploymentsOf, deployStage, kubernetesAccount, labelsOf, redBlackDeployStage, servedPods, servedServerGroups, testRegistry } from '../support/serverGroups';
import type { ExecutionDetail } from '../../packages/store/src';
import { asUser } from '../../apps/api/src/testSupport';

const backend = QUEUE_BACKENDS[0] ?? 'redis';

interface Accepted {
  id: string;
  restoredServerGroup: string;
  rolledBackServerGroup: string;
}

/**
 * Rollback through the REST API and as a deploy's rollback.onFailure, against the Kubernetes
 * fake: the Service must end up selecting the restored group's pods and nothing else.
 */
describe(`rollback on Kubernetes (fake API server, ${backend} queue)`, () => {
  let fake: FakeKubernetes;
  let gantry: TestGantry;

  beforeAll(async () => {
    fake = await startFakeKubernetes({ readyDelayMs: 100 });
    gantry = await startTestGantry({ backend, providers: testRegistry([kubernetesAccount(fake)]) });
  });
  afterAll(async () => {
    await gantry?.stop();
    await fake?.close();
  });

  const rollback = (cluster: string, body: Record<string, unknown> = {}, idempotencyKey?: string) =>
    gantry.request<Accepted & { error: { code: string; message: string; details: unknown } }>(
      'POST',
      `/api/v1/applications/shop/clusters/${cluster}/rollback`,
      body,
      { ...asUser('ana'), ...(idempotencyKey === undefined ? {} : { 'idempotency-key': idempotencyKey }) },
    );

  /**
   * v000, then v001 deployed with redblack: v000 is out of traffic and scaled to zero, so only
   * Gantry's records (its deploy waited for it to be up) say it was ever healthy.
   */
  async function deployedThenReplaced(stack: string): Promise<void> {
    const id = await gantry.savePipeline({
      application: 'shop',
      name: `deploy-${stack}`,
      parameters: [{ name: 'version', required: true }],
      stages: [redBlackDeployStage('shop', stack, 'registry.local/shop:${parameters.version}')],
    });
    for (const version of ['1', '2']) expect((await gantry.waitFor(await gantry.trigger(id, { version }), undefined, 45_000)).status).toBe('SUCCEEDED');
    const cluster = `shop-${stack}`;
    expect(deploymentsOf(fake, cluster)).toEqual([`${cluster}-v000`, `${cluster}-v001`]);
    expect(fake.state.get('deployments', `${cluster}-v000`, NAMESPACE)?.spec).toMatchObject({ replicas: 0 });
    await vi.waitFor(() => expect(servedServerGroups(fake, cluster)).toEqual([`${cluster}-v001`, `${cluster}-v001`]), SETTLED);
  }

  it('POST rollback: 202 with the execution, which brings v000 back at v001 capacity and takes v001 out of traffic', async () => {
    await deployedThenReplaced('web');
    const accepted = await rollback('shop-web', { reason: 'errors after v001' });
    expect(accepted.status).toBe(202);
    expect(accepted.body).toMatchObject({
      id: expect.any(String),
      application: 'shop',
      cluster: 'shop-web',
      account: 'k8s',
      location: NAMESPACE,
      restoredServerGroup: 'shop-web-v000',
      rolledBackServerGroup: 'shop-web-v001',
    });

    const execution = await gantry.waitFor(accepted.body.id, undefined, 45_000);
    expect(execution.status).toBe('SUCCEEDED');
    expect(execution).toMatchObject({ application: 'shop', name: 'rollback shop-web', trigger: { type: 'rollback', user: 'ana', reason: 'errors after v001' } });
    const stage = stageOf(execution, 'rollback');
    expect(stage.outputs).toMatchObject({
      restoredServerGroup: 'shop-web-v000',
      rolledBackServerGroup: 'shop-web-v001',
      rollbackCapacity: { min: 2, max: 2, desired: 2 },
      rollbackDurationMs: expect.any(Number),
    });
    expect(stage.tasks.map((task) => task.name)).toEqual(['determineRollbackServerGroups', 'restoreServerGroup', 'disableRolledBackServerGroup']);
    // The Service selects v000's two pods and nothing else; v001 stays, out of traffic, for diagnosis.
    await vi.waitFor(() => expect(servedServerGroups(fake, 'shop-web')).toEqual(['shop-web-v000', 'shop-web-v000']), SETTLED);
    expect(deploymentsOf(fake, 'shop-web')).toEqual(['shop-web-v000', 'shop-web-v001']);

    const events = await gantry.request<{ events: { type: string; actor: string | null; data: Record<string, unknown> }[] }>(
      'GET',
      `/api/v1/executions/${accepted.body.id}/events`,
    );
    expect(events.body.events[0]).toMatchObject({ type: 'EXECUTION_CREATED', actor: 'ana', data: { trigger: { type: 'rollback', cluster: 'shop-web' } } });

    // Now v000 is the current group and nothing older was ever healthy.
    const again = await rollback('shop-web');
    expect(again).toMatchObject({
      status: 409,
      body: { error: { code: 'CONFLICT', message: 'cannot roll back cluster shop-web: no server group older than shop-web-v000 is known to have been healthy' } },
    });
  }, 120_000);

  it('answers 409 while another rollback of the cluster runs, 404 for an unknown cluster, 400 naming the field', async () => {
    await deployedThenReplaced('busy');
    // v000's pods will not get ready, so the first rollback waits in restoreServerGroup.
    fake.failReadiness((deployment) => deployment.name === 'shop-busy-v000');
    try {
      const first = await rollback('shop-busy', {}, 'rollback-busy-1');
      expect(first.status).toBe(202);
      await gantry.waitFor(first.body.id, (e) => stageOf(e, 'rollback').tasks.some((t) => t.name === 'restoreServerGroup' && t.status === 'RUNNING'), 30_000);
      const second = await rollback('shop-busy');
      expect(second).toMatchObject({ status: 409, body: { error: { code: 'CONFLICT', message: `a rollback of cluster shop-busy is already running (execution ${first.body.id})` } } });
      // The first request repeated (a client retrying) gets the first answer; its key with another body is refused.
      expect(await rollback('shop-busy', {}, 'rollback-busy-1')).toEqual(first);
      expect(await rollback('shop-busy', { reason: 'other' }, 'rollback-busy-1')).toMatchObject({ status: 422, body: { error: { code: 'IDEMPOTENCY_KEY_REUSED' } } });
      // v001 keeps the traffic while v000 is not up.
      expect(fake.state.get('deployments', 'shop-busy-v001', NAMESPACE)?.metadata.annotations).toMatchObject({ 'gantry.io/enabled': 'true' });
    } finally {
      fake.failReadiness(null);
    }

    expect(await rollback('shop-nothing')).toMatchObject({
      status: 404,
      body: { error: { code: 'NOT_FOUND', message: 'cluster shop-nothing has no live server groups in any known account or location' } },
    });
    expect(await rollback('shop-web', { account: 'nope' })).toMatchObject({ status: 404, body: { error: { message: 'unknown account nope; known accounts: k8s' } } });
    const badName = await rollback('shop-web', { serverGroupName: 'shop-web' });
    expect(badName.status).toBe(400);
    expect(badName.body.error.details).toMatchObject({ issues: [{ path: ['serverGroupName'] }] });
    const otherCluster = await rollback('shop-web', { serverGroupName: 'shop-busy-v000' });
    expect(otherCluster).toMatchObject({ status: 400, body: { error: { message: expect.stringContaining('shop-busy-v000 is not a server group of cluster shop-web') } } });
    expect((await rollback('shop-web', { target: 'x' })).status).toBe(400);
    expect((await gantry.request('POST', '/api/v1/applications/shop/clusters/cart-web/rollback', {})).status).toBe(400);
  }, 120_000);

  it('a deploy with rollback.onFailure whose new group never gets healthy: old group serving, new one out of traffic, stage failed', async () => {
    const id = await gantry.savePipeline({
      application: 'shop',
      name: 'deploy-guarded',
      parameters: [{ name: 'version', required: true }],
      stages: [deployStage('shop', 'guarded', 'registry.local/shop:${parameters.version}', { waitForUpTimeoutSec: 2, rollback: { onFailure: true } })],
    });
    expect((await gantry.waitFor(await gantry.trigger(id, { version: '1' }), undefined, 45_000)).status).toBe('SUCCEEDED');
    fake.failReadiness((deployment) => deployment.name === 'shop-guarded-v001');
    let failed: ExecutionDetail;
    try {
      failed = await gantry.waitFor(await gantry.trigger(id, { version: '2' }), undefined, 45_000);
    } finally {
      fake.failReadiness(null);
    }
    expect(failed.status).toBe('TERMINAL');
    const stage = stageOf(failed, 'deploy');
    expect(stage.status).toBe('TERMINAL');
    expect(stage.error).toMatchObject({ task: 'waitForUpInstances' });
    expect(stage.error).not.toHaveProperty('onFailure');
    expect(stage.outputs).toMatchObject({
      serverGroupName: 'shop-guarded-v001',
      restoredServerGroup: 'shop-guarded-v000',
      rolledBackServerGroup: 'shop-guarded-v001',
      rollbackDurationMs: expect.any(Number),
    });
    expect(stage.tasks.filter((t) => t.onFailure).map((t) => [t.name, t.status])).toEqual([
      ['determineDeployRollback', 'SUCCEEDED'],
      ['restoreServerGroup', 'SUCCEEDED'],
      ['disableRolledBackServerGroup', 'SUCCEEDED'],
    ]);
    await vi.waitFor(() => expect(servedServerGroups(fake, 'shop-guarded')).toEqual(['shop-guarded-v000', 'shop-guarded-v000']), SETTLED);
    expect(fake.state.get('deployments', 'shop-guarded-v001', NAMESPACE)?.metadata.annotations).toMatchObject({ 'gantry.io/enabled': 'false' });
  }, 120_000);
  it('a redblack deploy with rollback.onFailure whose new group fails after taking traffic: the old group takes it back alone', async () => {
    const stage = redBlackDeployStage('shop', 'late', 'registry.local/shop:${parameters.version}', { rollback: { onFailure: true } });
    const id = await gantry.savePipeline({
      application: 'shop',
      name: 'deploy-late',
      parameters: [{ name: 'version', required: true }],
      stages: [{ ...stage, cluster: { ...stage.cluster, delayBeforeDisableSec: 3 } }],
    });
    expect((await gantry.waitFor(await gantry.trigger(id, { version: '1' }), undefined, 45_000)).status).toBe('SUCCEEDED');
    const executionId = await gantry.trigger(id, { version: '2' });
    // Both groups serve while the deploy waits before disabling v000; then v001's pods crash and do not come back.
    await gantry.waitFor(executionId, (e) => stageOf(e, 'deploy').tasks.some((t) => t.name === 'waitBeforeDisable' && t.status === 'RUNNING'), 30_000);
    // Enabling relabels v001's pod template, which rolls its pods: wait for the rollout to settle.
    const v001Pods = () => fake.state.list('pods', NAMESPACE).filter((pod) => labelsOf(pod)['gantry.io/server-group'] === 'shop-late-v001');
    const pods = await eventually(async () => {
      const current = v001Pods();
      return current.length === 2 && current.every(isReady) ? current : undefined;
    }, 20_000);
    fake.failReadiness((deployment) => deployment.name === 'shop-late-v001');
    try {
      for (const pod of pods) {
        const response = await fetch(`${fake.url}/api/v1/namespaces/${NAMESPACE}/pods/${String(pod.metadata.name)}`, { method: 'DELETE' });
        expect(response.ok).toBe(true);
      }
      const failed = await gantry.waitFor(executionId, undefined, 45_000);
      expect(failed.status).toBe('TERMINAL');
      const deploy = stageOf(failed, 'deploy');
      expect(deploy.error).toMatchObject({ task: 'disableOldServerGroups', message: expect.stringContaining('is not up') });
      expect(deploy.outputs).toMatchObject({ restoredServerGroup: 'shop-late-v000', rolledBackServerGroup: 'shop-late-v001', rollbackDurationMs: expect.any(Number) });
      expect(fake.state.get('deployments', 'shop-late-v001', NAMESPACE)?.metadata.annotations).toMatchObject({ 'gantry.io/enabled': 'false' });
      // v000's two ready pods serve alone: v001's crashing pods get no endpoints, and its Deployment
      // holds on to them only because the pods of its disabled template never get ready either.
      expect(servedPods(fake, 'shop-late').filter(isReady).map((pod) => labelsOf(pod)['gantry.io/server-group'])).toEqual(['shop-late-v000', 'shop-late-v000']);
    } finally {
      fake.failReadiness(null);
    }
  }, 120_000);
});
