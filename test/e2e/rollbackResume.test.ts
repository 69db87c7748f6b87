import { describe, expect, it, vi } from 'vitest';
import { stageOf } from '../support/gantryHarness';
import { killableWorkerSuite } from '../support/killableWorkers';
import { QUEUE_BACKENDS } from '../support/queueBackends';
import { NAMESPACE, SETTLED, deploymentsOf, redBlackDeployStage, servedServerGroups } from '../support/serverGroups';

const backend = QUEUE_BACKENDS[0] ?? 'redis';

/**
 * A rollback whose worker is SIGKILLed while the restored group comes up: the next worker finishes
 * it, and it happens once (one execution, each task completed once, the same Deployments).
 */
describe(`a rollback whose worker is killed (fake Kubernetes, ${backend} queue)`, () => {
  const suite = killableWorkerSuite(backend);
  const worker = () => suite.startWorker();

  it('resumes in restoreServerGroup and completes once: v000 serving, v001 out of traffic', async () => {
    const { fake, gantry } = suite;
    const first = await worker();
    // v000, then v001 by redblack: v000 is out of traffic and scaled to zero.
    const pipelineId = await gantry.savePipeline({
      application: 'shop',
      name: 'deploy',
      parameters: [{ name: 'version', required: true }],
      stages: [redBlackDeployStage('shop', 'crash', 'registry.local/shop:${parameters.version}')],
    });
    for (const version of ['1', '2']) expect((await gantry.waitFor(await gantry.trigger(pipelineId, { version }), undefined, 45_000)).status).toBe('SUCCEEDED');
    await vi.waitFor(() => expect(servedServerGroups(fake, 'shop-crash')).toEqual(['shop-crash-v001', 'shop-crash-v001']), SETTLED);
    const uids = Object.fromEntries(['shop-crash-v000', 'shop-crash-v001'].map((name) => [name, fake.state.get('deployments', name, NAMESPACE)?.metadata.uid]));

    // v000's pods do not get ready yet, so the worker sits polling in restoreServerGroup…
    fake.failReadiness((deployment) => deployment.name === 'shop-crash-v000');
    const accepted = await gantry.request<{ id: string }>('POST', '/api/v1/applications/shop/clusters/shop-crash/rollback', { reason: 'drill' });
    expect(accepted.status).toBe(202);
    const id = accepted.body.id;
    await gantry.waitFor(
      id,
      (execution) => {
        const restore = stageOf(execution, 'rollback').tasks.find((t) => t.name === 'restoreServerGroup');
        const replicas = (fake.state.get('deployments', 'shop-crash-v000', NAMESPACE)?.spec as { replicas?: number } | undefined)?.replicas;
        return restore?.status === 'RUNNING' && replicas === 2;
      },
      30_000,
    );
    // v000 is enabled (its unready pods get no endpoints), but v001 keeps serving until v000 is up.
    expect(fake.state.get('deployments', 'shop-crash-v001', NAMESPACE)?.metadata.annotations).toMatchObject({ 'gantry.io/enabled': 'true' });
    // …when it is killed. The pods then recover and another worker takes over.
    await first.kill('SIGKILL');
    fake.failReadiness(null);
    await worker();

    const execution = await gantry.waitFor(id, undefined, 60_000);
    expect(execution.status).toBe('SUCCEEDED');
    expect(stageOf(execution, 'rollback').outputs).toMatchObject({
      restoredServerGroup: 'shop-crash-v000',
      rolledBackServerGroup: 'shop-crash-v001',
      rollbackDurationMs: expect.any(Number),
    });
    await vi.waitFor(() => expect(servedServerGroups(fake, 'shop-crash')).toEqual(['shop-crash-v000', 'shop-crash-v000']), SETTLED);
    // The same two Deployments, nothing created or deleted by the rollback.
    expect(deploymentsOf(fake, 'shop-crash')).toEqual(['shop-crash-v000', 'shop-crash-v001']);
    for (const [name, uid] of Object.entries(uids)) expect(fake.state.get('deployments', name, NAMESPACE)?.metadata.uid).toBe(uid);

    // Once: one rollback execution, each of its tasks completed once, the execution completed once.
    const executions = await gantry.request<{ executions: { id: string }[] }>('GET', `/api/v1/executions?pipelineId=${execution.pipelineId}`);
    expect(executions.body.executions.map((e) => e.id)).toEqual([id]);
    const events = await gantry.request<{ events: { type: string; data: { task?: string } }[] }>('GET', `/api/v1/executions/${id}/events`);
    const completed = events.body.events.filter((event) => event.type === 'TASK_COMPLETED').map((event) => event.data.task);
    expect(completed).toEqual(['determineRollbackServerGroups', 'restoreServerGroup', 'disableRolledBackServerGroup']);
    expect(events.body.events.filter((event) => event.type === 'EXECUTION_COMPLETED')).toHaveLength(1);
  }, 120_000);
});
