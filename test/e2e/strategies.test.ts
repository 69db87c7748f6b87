import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startFakeKubernetes, type FakeKubernetes } from '../fakes/kubernetes';
import { stageOf, startTestGantry, type TestGantry } from '../support/gantryHarness';
import { QUEUE_BACKENDS } from '../support/queueBackends';
import {
  NAMESPACE,
  SERVER_GROUP_LABEL,
  SETTLED,
  TRAFFIC_LABEL,
  deployStage,
  deploymentsOf,
  gatewayAccount,
  kubernetesAccount,
  labelsOf,
  routeWeights,
  servedServerGroups,
  testRegistry,
  watchRouteWeights,
} from '../support/serverGroups';
import type { ExecutionDetail } from '../../packages/store/src';
import { asUser } from '../../apps/api/src/testSupport';

// One queue backend is enough: these tests are about strategies, the engine suites cover both.
const backend = QUEUE_BACKENDS[0] ?? 'redis';

describe(`red/black and rolling red/black on Kubernetes (fake API server, ${backend} queue)`, () => {
  let fake: FakeKubernetes;
  let gantry: TestGantry;

  beforeAll(async () => {
    fake = await startFakeKubernetes({ readyDelayMs: 100 });
    const gateway = gatewayAccount(fake, 'k8s-gateway');
    gantry = await startTestGantry({ backend, providers: testRegistry([kubernetesAccount(fake), gateway]) });
  });
  afterAll(async () => {
    await gantry?.stop();
    await fake?.close();
  });

  /** A one-deploy pipeline of shop-`stack` with these cluster fields; returns a trigger that gives the execution id. */
  async function deployPipeline(stack: string, cluster: Record<string, unknown>, extra: Record<string, unknown> = {}) {
    const stage = deployStage('shop', stack, 'registry.local/shop:${parameters.version}', extra);
    const id = await gantry.savePipeline({
      application: 'shop',
      name: `p-${Math.random().toString(36).slice(2, 10)}`,
      parameters: [{ name: 'version', default: '1' }],
      stages: [{ ...stage, cluster: { ...stage.cluster, ...cluster } }],
    });
    return (version: string) => gantry.trigger(id, { version });
  }

  const finished = (executionId: string) => gantry.waitFor(executionId, undefined, 45_000);

  function taskOf(execution: ExecutionDetail, name: string) {
    return stageOf(execution, 'deploy').tasks.find((task) => task.name === name);
  }

  const replicasOf = (name: string) => (fake.state.get('deployments', name, NAMESPACE)?.spec as { replicas?: number } | undefined)?.replicas;
  const enabledAnnotation = (name: string) => fake.state.get('deployments', name, NAMESPACE)?.metadata.annotations;
  const templateTrafficLabel = (name: string) =>
    (fake.state.get('deployments', name, NAMESPACE)?.spec as { template?: { metadata?: { labels?: Record<string, string> } } } | undefined)?.template?.metadata?.labels?.[TRAFFIC_LABEL];

  it('red/black: v001 takes the traffic, v000 is disabled and keeps its instances for the delay, then is scaled to 0; a third deploy destroys the oldest', async () => {
    const deploy = await deployPipeline('rb', { strategy: 'redblack', delayBeforeScaleDownSec: 3 });
    const first = await finished(await deploy('1'));
    expect(first.status).toBe('SUCCEEDED');
    await vi.waitFor(() => expect(servedServerGroups(fake, 'shop-rb')).toEqual(['shop-rb-v000', 'shop-rb-v000']), SETTLED);

    const secondId = await deploy('2');
    // During the delay: v001 serves alone, v000 is out of traffic but still has its 2 instances.
    const waiting = await gantry.waitFor(secondId, (e) => taskOf(e, 'waitBeforeScaleDown')?.status === 'RUNNING', 30_000);
    expect(stageOf(waiting, 'deploy').outputs).toMatchObject({ disabledServerGroups: ['shop-rb-v000'] });
    expect(enabledAnnotation('shop-rb-v000')).toMatchObject({ 'gantry.io/enabled': 'false' });
    // The fake relabels pods by rolling them (it refuses pod edits): the Service settles in moments.
    await vi.waitFor(() => expect(servedServerGroups(fake, 'shop-rb')).toEqual(['shop-rb-v001', 'shop-rb-v001']), { timeout: 2_000, interval: 25 });
    expect(replicasOf('shop-rb-v000')).toBe(2);
    expect(taskOf(await gantry.waitFor(secondId, () => true), 'waitBeforeScaleDown')?.status).toBe('RUNNING');

    const second = await finished(secondId);
    expect(second.status).toBe('SUCCEEDED');
    expect(stageOf(second, 'deploy').tasks.map((task) => task.name)).toEqual([
      'determineServerGroupName',
      'createServerGroup',
      'waitForUpInstances',
      'enableServerGroup',
      'disableOldServerGroups',
      'waitBeforeScaleDown',
      'scaleDownOldServerGroups',
      'shrinkCluster',
    ]);
    expect(stageOf(second, 'deploy').outputs).toMatchObject({
      serverGroupName: 'shop-rb-v001',
      previousServerGroup: 'shop-rb-v000',
      disabledServerGroups: ['shop-rb-v000'],
      scaledDownServerGroups: ['shop-rb-v000'],
      destroyedServerGroups: [],
    });
    expect(replicasOf('shop-rb-v000')).toBe(0);
    expect(deploymentsOf(fake, 'shop-rb')).toEqual(['shop-rb-v000', 'shop-rb-v001']);
    await vi.waitFor(() => expect(servedServerGroups(fake, 'shop-rb')).toEqual(['shop-rb-v001', 'shop-rb-v001']), SETTLED);

    // maxRemainingServerGroups (default 2): the third deploy keeps v001 (scaled down) and v002.
    const third = await finished(await deploy('3'));
    expect(third.status).toBe('SUCCEEDED');
    expect(stageOf(third, 'deploy').outputs).toMatchObject({
      serverGroupName: 'shop-rb-v002',
      previousServerGroup: 'shop-rb-v001',
      disabledServerGroups: ['shop-rb-v001'],
      scaledDownServerGroups: ['shop-rb-v001'],
      destroyedServerGroups: ['shop-rb-v000'],
    });
    expect(deploymentsOf(fake, 'shop-rb')).toEqual(['shop-rb-v001', 'shop-rb-v002']);
    expect(replicasOf('shop-rb-v001')).toBe(0);
    await vi.waitFor(() => expect(servedServerGroups(fake, 'shop-rb')).toEqual(['shop-rb-v002', 'shop-rb-v002']), SETTLED);
  });

  it('blue/green with a judgment: the new group waits up and out of traffic; continue switches, stop leaves the old group serving', async () => {
    const judgment = { instructions: 'Smoke-test the new group', judgmentInputs: [{ value: 'looks good' }, { value: 'broken' }] };
    const deploy = await deployPipeline('bg', { strategy: 'bluegreen', judgment });
    const judge = (executionId: string, body: Record<string, unknown>) =>
      gantry.request<{ error?: { message: string } }>('POST', `/api/v1/executions/${executionId}/stages/deploy/judgment`, body, asUser('ana'));
    const awaitingJudgment = (executionId: string) => gantry.waitFor(executionId, (e) => taskOf(e, 'waitForJudgment')?.status === 'RUNNING', 30_000);

    const firstId = await deploy('1');
    await awaitingJudgment(firstId);
    await vi.waitFor(() => expect(servedServerGroups(fake, 'shop-bg')).toEqual([]), SETTLED);
    expect((await judge(firstId, { judgmentStatus: 'continue', judgmentInput: 'maybe' })).status).toBe(409);
    expect((await judge(firstId, { judgmentStatus: 'continue', judgmentInput: 'looks good' })).status).toBe(202);
    const first = await finished(firstId);
    expect(first.status).toBe('SUCCEEDED');
    expect(stageOf(first, 'deploy').outputs).toMatchObject({ judgmentStatus: 'continue', judgmentInput: 'looks good', lastModifiedBy: 'ana' });
    await vi.waitFor(() => expect(servedServerGroups(fake, 'shop-bg')).toEqual(['shop-bg-v000', 'shop-bg-v000']), SETTLED);
    // Over: no judgment is waiting any more.
    expect((await judge(firstId, { judgmentStatus: 'stop' })).status).toBe(409);

    const secondId = await deploy('2');
    await awaitingJudgment(secondId);
    // v001 is up and waits out of traffic while v000 serves.
    const v001Pods = fake.state.list('pods', NAMESPACE).filter((pod) => labelsOf(pod)[SERVER_GROUP_LABEL] === 'shop-bg-v001');
    expect(v001Pods.map((pod) => labelsOf(pod)[TRAFFIC_LABEL])).toEqual(['disabled', 'disabled']);
    await vi.waitFor(() => expect(servedServerGroups(fake, 'shop-bg')).toEqual(['shop-bg-v000', 'shop-bg-v000']), SETTLED);
    expect((await judge(secondId, { judgmentStatus: 'stop', judgmentInput: 'broken' })).status).toBe(202);
    const second = await finished(secondId);
    expect(second.status).toBe('TERMINAL');
    expect(stageOf(second, 'deploy').error).toMatchObject({ task: 'waitForJudgment', message: 'judged "stop" by ana' });
    await vi.waitFor(() => expect(servedServerGroups(fake, 'shop-bg')).toEqual(['shop-bg-v000', 'shop-bg-v000']), SETTLED);
    expect(enabledAnnotation('shop-bg-v001')).toMatchObject({ 'gantry.io/enabled': 'false' });

    // A deploy that asks for no judgment refuses one.
    const plain = await deployPipeline('bgplain', { strategy: 'redblack' });
    const plainId = await plain('1');
    const refused = await judge(plainId, { judgmentStatus: 'continue' });
    expect(refused.status).toBe(409);
    expect(refused.body.error?.message).toBe('stage deploy is a deploy stage, not a manual judgment (its cluster asks for no judgment)');
    expect((await finished(plainId)).status).toBe('SUCCEEDED');
  });

  it('rolling red/black: the HTTPRoute moves 25 → 50 → 100 % to the new group, then the old group is disabled and scaled to 0', async () => {
    const deploy = await deployPipeline(
      'roll',
      { account: 'k8s-gateway', strategy: 'rollingredblack', targetPercentages: [25, 50, 100], delayBeforeNextStepSec: 1 },
    );
    const first = await finished(await deploy('1'));
    expect(first.status).toBe('SUCCEEDED');
    // The first group of a cluster takes everything at once: there is nobody to share with.
    expect(routeWeights(fake, 'shop-roll')).toEqual({ 'shop-roll-v000': 100 });

    const watch = watchRouteWeights(fake, 'shop-roll');
    const second = await finished(await deploy('2')).finally(() => watch.stop());
    expect(second.status).toBe('SUCCEEDED');
    expect(watch.seen).toEqual([
      { 'shop-roll-v000': 100 },
      { 'shop-roll-v000': 75, 'shop-roll-v001': 25 },
      { 'shop-roll-v000': 50, 'shop-roll-v001': 50 },
      { 'shop-roll-v000': 0, 'shop-roll-v001': 100 },
    ]);
    expect(stageOf(second, 'deploy').outputs).toMatchObject({
      serverGroupName: 'shop-roll-v001',
      previousServerGroup: 'shop-roll-v000',
      completedPercentages: [25, 50, 100],
      disabledServerGroups: [],
      scaledDownServerGroups: ['shop-roll-v000'],
      destroyedServerGroups: [],
    });
    expect(enabledAnnotation('shop-roll-v000')).toMatchObject({ 'gantry.io/enabled': 'false' });
    expect(replicasOf('shop-roll-v000')).toBe(0);
    expect(enabledAnnotation('shop-roll-v001')).toMatchObject({ 'gantry.io/enabled': 'true' });
  });

  it('rolling red/black with judged steps: each later step waits for someone; stop puts all traffic back on the old group', async () => {
    const judgment = { instructions: 'Check the dashboards', betweenSteps: true };
    const deploy = await deployPipeline('judged', { account: 'k8s-gateway', strategy: 'rollingredblack', targetPercentages: [25, 50, 100], judgment });
    const judge = (executionId: string, body: Record<string, unknown>) =>
      gantry.request('POST', `/api/v1/executions/${executionId}/stages/deploy/judgment`, body, asUser('ana'));
    const awaiting = (executionId: string, name: unknown) =>
      gantry.waitFor(executionId, (e) => stageOf(e, 'deploy').outputs.awaitingJudgment === name, 30_000);

    const firstId = await deploy('1');
    await gantry.waitFor(firstId, (e) => taskOf(e, 'waitForJudgment')?.status === 'RUNNING', 30_000);
    expect((await judge(firstId, { judgmentStatus: 'continue' })).status).toBe(202);
    // A first group takes all traffic in one step: there is no later step to judge.
    expect((await finished(firstId)).status).toBe('SUCCEEDED');

    const secondId = await deploy('2');
    await gantry.waitFor(secondId, (e) => taskOf(e, 'waitForJudgment')?.status === 'RUNNING', 30_000);
    expect((await judge(secondId, { judgmentStatus: 'continue' })).status).toBe(202);
    await awaiting(secondId, 'step50');
    expect(routeWeights(fake, 'shop-judged')).toEqual({ 'shop-judged-v000': 75, 'shop-judged-v001': 25 });
    expect((await judge(secondId, { judgmentStatus: 'continue' })).status).toBe(202);
    // Answered once: until the next step asks, there is nothing to judge.
    await awaiting(secondId, 'step100');
    expect(routeWeights(fake, 'shop-judged')).toEqual({ 'shop-judged-v000': 50, 'shop-judged-v001': 50 });
    expect((await judge(secondId, { judgmentStatus: 'stop' })).status).toBe(202);
    const second = await finished(secondId);
    expect(second.status).toBe('TERMINAL');
    expect(stageOf(second, 'deploy').error).toMatchObject({
      task: 'rollTrafficInSteps',
      message: expect.stringContaining('failed at step 3 of 3 (100% of traffic; held 25%, 50%): judged "stop" by ana before the step; traffic is back on shop-judged-v000'),
    });
    expect(routeWeights(fake, 'shop-judged')).toEqual({ 'shop-judged-v000': 100 });
    expect(enabledAnnotation('shop-judged-v001')).toMatchObject({ 'gantry.io/enabled': 'false' });
    expect((await judge(secondId, { judgmentStatus: 'continue' })).status).toBe(409);
  });

  it('rolling red/black on a Service account (weights by replica ratio): the new group ends with the capacity the deploy asked for', async () => {
    const deploy = await deployPipeline('ratio', { strategy: 'rollingredblack', targetPercentages: [25, 100] });
    expect((await finished(await deploy('1'))).status).toBe('SUCCEEDED');
    const replicas: (number | undefined)[] = [];
    const timer = setInterval(() => {
      const now = replicasOf('shop-ratio-v001');
      if (now !== undefined && now !== replicas[replicas.length - 1]) replicas.push(now);
    }, 10);
    const second = await finished(await deploy('2')).finally(() => clearInterval(timer));
    expect(second.status).toBe('SUCCEEDED');
    expect(stageOf(second, 'deploy').outputs).toMatchObject({ completedPercentages: [25, 100], scaledDownServerGroups: ['shop-ratio-v000'] });
    // At 25 % the provider split the 4 replicas 1 : 3; the rollout gave v001 its 2 back.
    expect(replicas).toEqual([2, 1, 2]);
    expect(replicasOf('shop-ratio-v001')).toBe(2);
    expect(replicasOf('shop-ratio-v000')).toBe(0);
    await vi.waitFor(() => expect(servedServerGroups(fake, 'shop-ratio')).toEqual(['shop-ratio-v001', 'shop-ratio-v001']), SETTLED);
  });

  it('rolling red/black: a new group failing mid-way gets its traffic undone, the old group serving all of it, and the stage fails naming the step', async () => {
    const deploy = await deployPipeline(
      'undo',
      { account: 'k8s-gateway', strategy: 'rollingredblack', targetPercentages: [25, 50, 100], delayBeforeNextStepSec: 2 },
    );
    expect((await finished(await deploy('1'))).status).toBe('SUCCEEDED');

    const watch = watchRouteWeights(fake, 'shop-undo');
    const executionId = await deploy('2');
    try {
      await gantry.waitFor(executionId, () => routeWeights(fake, 'shop-undo')?.['shop-undo-v001'] === 50, 30_000);
      // At 50 %, a pod of v001 dies and its replacement never gets ready.
      fake.failReadiness((deployment) => deployment.name === 'shop-undo-v001');
      const victim = fake.state.list('pods', NAMESPACE).find((pod) => labelsOf(pod)[SERVER_GROUP_LABEL] === 'shop-undo-v001');
      const deleted = await fetch(`${fake.url}/api/v1/namespaces/${NAMESPACE}/pods/${String(victim?.metadata.name)}`, { method: 'DELETE' });
      expect(deleted.status).toBe(200);
      const failed = await finished(executionId);
      expect(failed.status).toBe('TERMINAL');
      expect(stageOf(failed, 'deploy').error).toMatchObject({
        task: 'rollTrafficInSteps',
        message: expect.stringMatching(
          /^rolling red\/black of shop-undo-v001 \(account k8s-gateway, location ns1\) failed at step 2 of 3 \(50% of traffic; held 25%\): shop-undo-v001 has 1 instance\(s\) down \(up 1\/2, down 1, unknown 0\); traffic is back on shop-undo-v000 and shop-undo-v001 is disabled$/,
        ),
      });
      expect(stageOf(failed, 'deploy').outputs).toMatchObject({ completedPercentages: [25] });
    } finally {
      watch.stop();
      fake.failReadiness(null);
    }
    expect(watch.seen).toEqual([
      { 'shop-undo-v000': 100 },
      { 'shop-undo-v000': 75, 'shop-undo-v001': 25 },
      { 'shop-undo-v000': 50, 'shop-undo-v001': 50 },
      { 'shop-undo-v000': 100 },
    ]);
    // The fake's state, not only the statuses: the route sends everything to v000, which has its
    // instances and is enabled; v001 is out of the route and disabled (its pod template says so; the
    // fake refuses pod edits, so its old pods keep their label until a rollout that cannot finish).
    expect(routeWeights(fake, 'shop-undo')).toEqual({ 'shop-undo-v000': 100 });
    expect(enabledAnnotation('shop-undo-v000')).toMatchObject({ 'gantry.io/enabled': 'true' });
    expect(replicasOf('shop-undo-v000')).toBe(2);
    await vi.waitFor(() => expect(servedServerGroups(fake, 'shop-undo').filter((group) => group === 'shop-undo-v000')).toEqual(['shop-undo-v000', 'shop-undo-v000']), SETTLED);
    expect(enabledAnnotation('shop-undo-v001')).toMatchObject({ 'gantry.io/enabled': 'false' });
    expect(templateTrafficLabel('shop-undo-v001')).toBe('disabled');
    expect(deploymentsOf(fake, 'shop-undo')).toEqual(['shop-undo-v000', 'shop-undo-v001']);
  });
});
