import { describe, expect, it, vi } from 'vitest';
import { stageOf } from '../support/gantryHarness';
import { killableWorkerSuite } from '../support/killableWorkers';
import { QUEUE_BACKENDS } from '../support/queueBackends';
import { NAMESPACE, SETTLED, deploymentsOf, deployStage, servedServerGroups } from '../support/serverGroups';

const backend = QUEUE_BACKENDS[0] ?? 'redis';
const isDeploymentPost = (r: { method: string; path: string }) => r.method === 'POST' && r.path.endsWith(`/namespaces/${NAMESPACE}/deployments`);

/**
 * The core promise of the server group stages: a worker killed in the middle of a deploy leaves
 * nothing half done that the next worker would duplicate. Workers run as child processes (so they
 * can be SIGKILLed) and read their accounts the way production does, from GANTRY_ACCOUNTS_FILE.
 */
describe(`a deploy whose worker is killed (fake Kubernetes, ${backend} queue)`, () => {
  const suite = killableWorkerSuite(backend);
  const worker = () => suite.startWorker();

  it('resumes in waitForUpInstances with the same Deployment: exactly one v001, execution SUCCEEDED', async () => {
    const { fake, gantry } = suite;
    const pipelineId = await gantry.savePipeline({
      application: 'shop',
      name: 'resume',
      parameters: [{ name: 'version', required: true }],
      stages: [deployStage('shop', 'resume', 'registry.local/shop:${parameters.version}', { waitForUpTimeoutSec: 60 })],
    });
    const first = await worker();
    expect((await gantry.waitFor(await gantry.trigger(pipelineId, { version: '1' }), undefined, 45_000)).status).toBe('SUCCEEDED');

    // v001's pods never get ready, so the worker sits polling in waitForUpInstances…
    fake.failReadiness((deployment) => deployment.name === 'shop-resume-v001');
    const postsBefore = fake.requests().filter(isDeploymentPost).length;
    const id = await gantry.trigger(pipelineId, { version: '2' });
    await gantry.waitFor(
      id,
      (execution) => {
        const wait = stageOf(execution, 'deploy').tasks.find((t) => t.name === 'waitForUpInstances');
        return wait?.status === 'RUNNING' && fake.state.get('deployments', 'shop-resume-v001', NAMESPACE) !== undefined;
      },
      30_000,
    );
    const uid = fake.state.get('deployments', 'shop-resume-v001', NAMESPACE)?.metadata.uid;
    // …when it is killed. The pods then recover and another worker takes over.
    await first.kill('SIGKILL');
    fake.failReadiness(null);
    await worker();

    const execution = await gantry.waitFor(id, undefined, 60_000);
    expect(execution.status).toBe('SUCCEEDED');
    expect(stageOf(execution, 'deploy').outputs).toMatchObject({ serverGroupName: 'shop-resume-v001', previousServerGroup: 'shop-resume-v000' });
    // The same Deployment (same uid), created once; no v002; the old group gone after v001 came up.
    expect(deploymentsOf(fake, 'shop-resume')).toEqual(['shop-resume-v001']);
    expect(fake.state.get('deployments', 'shop-resume-v001', NAMESPACE)?.metadata.uid).toBe(uid);
    const posts = fake.requests().filter(isDeploymentPost).length;
    expect(posts - postsBefore).toBe(1);
    await vi.waitFor(() => expect(servedServerGroups(fake, 'shop-resume')).toEqual(['shop-resume-v001', 'shop-resume-v001']), SETTLED);
  }, 120_000);

  it('resumes a create cut off after the Deployment was made: the next worker adopts it, no second group', async () => {
    const { fake, gantry } = suite;
    const pipelineId = await gantry.savePipeline({
      application: 'shop',
      name: 'resume-create',
      parameters: [{ name: 'version', required: true }],
      stages: [deployStage('shop', 'adopt', 'registry.local/shop:${parameters.version}')],
    });
    const first = await worker();
    const postsBefore = fake.requests().filter(isDeploymentPost).length;
    const id = await gantry.trigger(pipelineId, { version: '1' });

    // The fake runs in this process: the moment the Deployment is stored, before the worker's
    // next request (createServerGroup reading the new group's pods) can arrive, that read starts
    // failing. createServerGroup cannot succeed, so its result is never committed…
    while (fake.state.get('deployments', 'shop-adopt-v000', NAMESPACE) === undefined) await new Promise((resolve) => setImmediate(resolve));
    fake.injectFault({ method: 'GET', pathPattern: /^\/api\/v1\/namespaces\/ns1\/pods$/, status: 503, times: 100_000 });
    const uid = fake.state.get('deployments', 'shop-adopt-v000', NAMESPACE)?.metadata.uid;
    await new Promise((resolve) => setTimeout(resolve, 300));
    const cutOff = await gantry.waitFor(id, () => true);
    expect(stageOf(cutOff, 'deploy').tasks.find((t) => t.name === 'createServerGroup')?.status).toBe('RUNNING');
    // …when its worker dies. The API server recovers and another worker runs the task again.
    await first.kill('SIGKILL');
    fake.clearFaults();
    await worker();

    const execution = await gantry.waitFor(id, undefined, 60_000);
    expect(execution.status).toBe('SUCCEEDED');
    expect(stageOf(execution, 'deploy').outputs).toMatchObject({ serverGroupName: 'shop-adopt-v000' });
    // createServerGroup ran again (more POSTs, answered AlreadyExists: by the registry's retries in
    // the first worker, and by the second worker) and adopted the Deployment the first POST made:
    // the same object, and the only group of the cluster.
    expect(fake.requests().filter(isDeploymentPost).length - postsBefore).toBeGreaterThanOrEqual(2);
    expect(deploymentsOf(fake, 'shop-adopt')).toEqual(['shop-adopt-v000']);
    expect(fake.state.get('deployments', 'shop-adopt-v000', NAMESPACE)?.metadata.uid).toBe(uid);
    await vi.waitFor(() => expect(servedServerGroups(fake, 'shop-adopt')).toEqual(['shop-adopt-v000', 'shop-adopt-v000']), SETTLED);
  }, 120_000);
});
