import { describe, expect, it, vi } from 'vitest';
import { stageOf } from '../support/gantryHarness';
import { killableWorkerSuite } from '../support/killableWorkers';
import { QUEUE_BACKENDS } from '../support/queueBackends';
import { NAMESPACE, SERVER_GROUP_LABEL, TRAFFIC_LABEL, deployStage, labelsOf, routeWeights, watchRouteWeights } from '../support/serverGroups';

const backend = QUEUE_BACKENDS[0] ?? 'redis';

/**
 * Rolling red/black keeps its progress in the task's state: a worker killed mid-rollout, or in the
 * middle of undoing a failed step, leaves the next worker to carry on from the recorded step.
 * Workers run as child processes (so they can be SIGKILLed) with a Gateway API account.
 */
describe(`rolling red/black whose worker is killed (fake Kubernetes, ${backend} queue)`, () => {
  const suite = killableWorkerSuite(backend, (started) =>
    [
      'accounts:',
      '  - name: k8s-gateway',
      '    provider: kubernetes',
      `    server: ${started.url}`,
      `    namespace: ${NAMESPACE}`,
      '    traffic: { mode: gatewayHttpRoute, httpRoute: { parentRefs: [{ name: public }] } }',
      '',
    ].join('\n'),
  );
  const worker = () => suite.startWorker();

  async function rollingPipeline(stack: string, delayBeforeNextStepSec: number): Promise<(version: string) => Promise<string>> {
    const stage = deployStage('shop', stack, 'registry.local/shop:${parameters.version}');
    const id = await suite.gantry.savePipeline({
      application: 'shop',
      name: `rolling-${stack}`,
      parameters: [{ name: 'version', required: true }],
      stages: [{ ...stage, cluster: { ...stage.cluster, account: 'k8s-gateway', strategy: 'rollingredblack', targetPercentages: [25, 50, 100], delayBeforeNextStepSec } }],
    });
    return (version) => suite.gantry.trigger(id, { version });
  }

  const enabled = (name: string) => (suite.fake.state.get('deployments', name, NAMESPACE)?.metadata.annotations as Record<string, string> | undefined)?.['gantry.io/enabled'];

  it('resumes at the recorded step: the next worker goes on from 50 % to 100 %', async () => {
    const { fake, gantry } = suite;
    const deploy = await rollingPipeline('resume', 2);
    const first = await worker();
    expect((await gantry.waitFor(await deploy('1'), undefined, 45_000)).status).toBe('SUCCEEDED');

    const watch = watchRouteWeights(fake, 'shop-resume');
    const id = await deploy('2');
    try {
      await gantry.waitFor(id, () => routeWeights(fake, 'shop-resume')?.['shop-resume-v001'] === 50, 30_000);
      await first.kill('SIGKILL');
      await worker();
      const execution = await gantry.waitFor(id, undefined, 60_000);
      expect(execution.status).toBe('SUCCEEDED');
      expect(stageOf(execution, 'deploy').outputs).toMatchObject({ completedPercentages: [25, 50, 100], scaledDownServerGroups: ['shop-resume-v000'] });
    } finally {
      watch.stop();
    }
    // Never back, never a step skipped.
    expect(watch.seen).toEqual([
      { 'shop-resume-v000': 100 },
      { 'shop-resume-v000': 75, 'shop-resume-v001': 25 },
      { 'shop-resume-v000': 50, 'shop-resume-v001': 50 },
      { 'shop-resume-v000': 0, 'shop-resume-v001': 100 },
    ]);
    expect(enabled('shop-resume-v000')).toBe('false');
    expect(enabled('shop-resume-v001')).toBe('true');
  }, 120_000);

  it('finishes an undo cut off by the death of its worker: traffic back on the old group, the stage TERMINAL', async () => {
    const { fake, gantry } = suite;
    const deploy = await rollingPipeline('undo', 10);
    const first = await worker();
    expect((await gantry.waitFor(await deploy('1'), undefined, 45_000)).status).toBe('SUCCEEDED');

    const id = await deploy('2');
    await gantry.waitFor(id, () => routeWeights(fake, 'shop-undo')?.['shop-undo-v001'] === 25, 30_000);
    // Enabling v001 rolled its pods (the fake relabels by rolling): let that settle to two serving pods.
    const v001Pods = () => fake.state.list('pods', NAMESPACE).filter((pod) => labelsOf(pod)[SERVER_GROUP_LABEL] === 'shop-undo-v001');
    await vi.waitFor(() => expect(v001Pods().map((pod) => labelsOf(pod)[TRAFFIC_LABEL])).toEqual(['enabled', 'enabled']), { timeout: 5_000, interval: 20 });
    // The route cannot be written any more, and a pod of v001 dies and never gets ready again:
    // the step fails, and the undo (which must write the route) cannot get through.
    const isRouteWrite = (r: { method: string; path: string }) => r.method === 'PUT' && r.path.includes('/httproutes/shop-undo');
    const writesBefore = fake.requests().filter(isRouteWrite).length;
    fake.injectFault({ method: 'PUT', pathPattern: /\/httproutes\/shop-undo$/, status: 503, times: 100_000 });
    fake.failReadiness((deployment) => deployment.name === 'shop-undo-v001');
    try {
      const victim = v001Pods()[0];
      expect((await fetch(`${fake.url}/api/v1/namespaces/${NAMESPACE}/pods/${String(victim?.metadata.name)}`, { method: 'DELETE' })).status).toBe(200);
      // A route write after the failure is the undo: the failure was recorded before it began.
      await gantry.waitFor(id, () => fake.requests().filter(isRouteWrite).length > writesBefore, 30_000);
      expect(routeWeights(fake, 'shop-undo')).toEqual({ 'shop-undo-v000': 75, 'shop-undo-v001': 25 });
      await first.kill('SIGKILL');
      fake.clearFaults();
      await worker();
      const execution = await gantry.waitFor(id, undefined, 60_000);
      expect(execution.status).toBe('TERMINAL');
      expect(stageOf(execution, 'deploy').error).toMatchObject({
        task: 'rollTrafficInSteps',
        message: expect.stringMatching(
          /failed at step 1 of 3 \(25% of traffic; none held yet\): shop-undo-v001 has 1 instance\(s\) down .*; traffic is back on shop-undo-v000 and shop-undo-v001 is disabled$/,
        ),
      });
    } finally {
      fake.clearFaults();
      fake.failReadiness(null);
    }
    expect(routeWeights(fake, 'shop-undo')).toEqual({ 'shop-undo-v000': 100 });
    expect(enabled('shop-undo-v000')).toBe('true');
    expect(enabled('shop-undo-v001')).toBe('false');
  }, 120_000);

  it('finishes the cleanup of a cancel cut off by the death of its worker: the old group serves alone, the execution CANCELED', async () => {
    const { fake, gantry } = suite;
    const deploy = await rollingPipeline('cancel', 600);
    const first = await worker();
    expect((await gantry.waitFor(await deploy('1'), undefined, 45_000)).status).toBe('SUCCEEDED');

    const id = await deploy('2');
    await gantry.waitFor(id, () => routeWeights(fake, 'shop-cancel')?.['shop-cancel-v001'] === 25, 30_000);
    // The route cannot be written: the rollback the cancel starts gets stuck taking v001 out of traffic.
    const isRouteWrite = (r: { method: string; path: string }) => r.method === 'PUT' && r.path.includes('/httproutes/shop-cancel');
    const writesBefore = fake.requests().filter(isRouteWrite).length;
    fake.injectFault({ method: 'PUT', pathPattern: /\/httproutes\/shop-cancel$/, status: 503, times: 100_000 });
    try {
      expect((await gantry.request('POST', `/api/v1/executions/${id}/cancel`, {})).status).toBe(202);
      await gantry.waitFor(id, () => fake.requests().filter(isRouteWrite).length > writesBefore, 30_000);
      const midway = await gantry.waitFor(id, () => true);
      expect([midway.status, midway.canceled, stageOf(midway, 'deploy').status]).toEqual(['RUNNING', true, 'RUNNING']);
      await first.kill('SIGKILL');
      fake.clearFaults();
      await worker();
      const execution = await gantry.waitFor(id, undefined, 60_000);
      expect([execution.status, stageOf(execution, 'deploy').status]).toEqual(['CANCELED', 'CANCELED']);
      expect(stageOf(execution, 'deploy').tasks.filter((task) => task.onFailure).map((task) => [task.name, task.status])).toEqual([
        ['determineDeployRollback', 'SUCCEEDED'],
        ['restoreServerGroup', 'SUCCEEDED'],
        ['disableRolledBackServerGroup', 'SUCCEEDED'],
      ]);
    } finally {
      fake.clearFaults();
    }
    expect(routeWeights(fake, 'shop-cancel')).toEqual({ 'shop-cancel-v000': 100 });
    expect(enabled('shop-cancel-v000')).toBe('true');
    expect(enabled('shop-cancel-v001')).toBe('false');
  }, 120_000);
});
