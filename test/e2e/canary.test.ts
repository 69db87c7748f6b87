import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeKubernetes, type FakeKubernetes } from '../fakes/kubernetes';
import { startFakePrometheus, type FakePrometheus } from '../fakes/prometheus';
import { stageOf, startTestGantry, type TestGantry } from '../support/gantryHarness';
import { QUEUE_BACKENDS } from '../support/queueBackends';
import { NAMESPACE, deployStage, deploymentsOf, gatewayAccount, routeWeights, testRegistry } from '../support/serverGroups';
import type { ExecutionDetail } from '../../packages/store/src';
import { asUser } from '../../apps/api/src/testSupport';

const backend = QUEUE_BACKENDS[0] ?? 'redis';

/** Baseline and canary both answer this, unless the test shifts the canary. */
const errorRate = (index: number) => 1 + ((index * 7) % 10) / 20;
const latency = (index: number) => 100 + ((index * 13) % 17);

function canaryStage(application: string, image: string, prometheusUrl: string) {
  return {
    refId: 'canary',
    type: 'canary',
    waitForUpTimeoutSec: 20,
    steps: [10, 50],
    warmupSec: 0,
    intervalSec: 0.5,
    stepSec: 0.02,
    metricSource: { type: 'prometheus', url: prometheusUrl },
    canaryConfig: {
      thresholds: { marginal: 50, pass: 75 },
      metrics: [
        { name: 'errors', query: 'error_rate{server_group="${scope}"}', direction: 'increase', critical: true },
        { name: 'latency', query: 'latency_ms{server_group="${scope}"}', direction: 'increase' },
      ],
    },
    cluster: {
      account: 'k8s-gw',
      namespace: NAMESPACE,
      application,
      stack: 'web',
      strategy: 'redblack',
      image,
      capacity: { min: 2, max: 2, desired: 2 },
    },
  };
}

describe(`canary stage on Kubernetes with Gateway API weights (${backend} queue)`, () => {
  let fake: FakeKubernetes;
  let prometheus: FakePrometheus;
  let gantry: TestGantry;

  beforeAll(async () => {
    fake = await startFakeKubernetes({ readyDelayMs: 50 });
    prometheus = await startFakePrometheus((_group, index, metric) => (metric === 'error_rate' ? errorRate(index) : latency(index)));
    const account = gatewayAccount(fake, 'k8s-gw');
    gantry = await startTestGantry({ backend, providers: testRegistry([account]) });
  });
  afterAll(async () => {
    await gantry?.stop();
    await prometheus?.close();
    await fake?.close();
  });

  async function run(application: string, stages: unknown[]): Promise<ExecutionDetail> {
    const id = await gantry.savePipeline({ application, name: `p-${Math.random().toString(36).slice(2, 8)}`, stages });
    return gantry.waitFor(await gantry.trigger(id, {}), undefined, 60_000);
  }

  async function production(application: string): Promise<void> {
    const deploy = deployStage(application, 'web', 'registry.local/app:1');
    const first = await run(application, [{ ...deploy, cluster: { ...deploy.cluster, account: 'k8s-gw' } }]);
    expect(first.status).toBe('SUCCEEDED');
  }

  it('passes a canary that behaves like the baseline and promotes it', async () => {
    await production('good');
    const execution = await run('good', [canaryStage('good', 'registry.local/app:2', prometheus.url)]);
    expect(execution.status).toBe('SUCCEEDED');
    const outputs = stageOf(execution, 'canary').outputs;
    expect(outputs).toMatchObject({
      serverGroupName: 'good-web-v002',
      baselineServerGroup: 'good-web-v001',
      productionServerGroup: 'good-web-v000',
      canaryPassed: true,
      // The old production group is then handled as red/black handles replaced groups.
      scaledDownServerGroups: ['good-web-v000'],
      canaryResults: [
        { step: 1, percent: 10, result: 'pass', score: 100 },
        { step: 2, percent: 50, result: 'pass', score: 100 },
      ],
    });
    // Each metric carries both sides' box plot numbers, which the web UI's report draws.
    const summary = { min: expect.any(Number), q1: expect.any(Number), median: expect.any(Number), q3: expect.any(Number), max: expect.any(Number) };
    expect(stageOf(execution, 'canary').outputs).toMatchObject({ canaryResults: [{ metrics: expect.arrayContaining([expect.objectContaining({ baselineSummary: summary, canarySummary: summary })]) }, {}] });
    // The baseline is gone, the canary takes all traffic, the old production stays for a rollback.
    expect(deploymentsOf(fake, 'good-web')).toEqual(['good-web-v000', 'good-web-v002']);
    expect(routeWeights(fake, 'good-web')).toMatchObject({ 'good-web-v002': 100 });
    expect(Object.entries(routeWeights(fake, 'good-web') ?? {}).filter(([, weight]) => weight > 0)).toEqual([['good-web-v002', 100]]);
    // Baseline and canary were each asked for by name.
    expect(prometheus.queries()).toContain('error_rate{server_group="good-web-v001"}');
    expect(prometheus.queries()).toContain('error_rate{server_group="good-web-v002"}');
  });

  it('fails a canary with a higher error rate, rolls back and leaves exactly production serving', async () => {
    await production('bad');
    prometheus.setSeries((group, index, metric) => {
      if (metric === 'error_rate') return errorRate(index) + (group === 'bad-web-v002' ? 5 : 0);
      return latency(index);
    });
    const execution = await run('bad', [canaryStage('bad', 'registry.local/app:3', prometheus.url)]);
    expect(execution.status).toBe('TERMINAL');
    const stage = stageOf(execution, 'canary');
    expect(stage.error?.message).toMatch(/canary of bad-web-v002 failed: step 1 failed the canary analysis; rolled back: bad-web-v000 serves all traffic/);
    expect(stage.error?.message).toMatch(/errors High/);
    expect(stage.outputs).toMatchObject({
      canaryRolledBack: true,
      rollbackDurationMs: expect.any(Number),
      canaryResults: [{ step: 1, percent: 10, result: 'fail', metrics: [{ name: 'errors', classification: 'High', critical: true }, { name: 'latency', classification: 'Pass' }] }],
    });
    expect(deploymentsOf(fake, 'bad-web')).toEqual(['bad-web-v000']);
    expect(Object.entries(routeWeights(fake, 'bad-web') ?? {}).filter(([, weight]) => weight > 0)).toEqual([['bad-web-v000', 100]]);
  });

  it('aborts a canary whose stage timed out mid-analysis: production serves alone again', async () => {
    await production('slow');
    // An interval far longer than the stage may run: the timeout ends it while traffic is split.
    const execution = await run('slow', [{ ...canaryStage('slow', 'registry.local/app:2', prometheus.url), intervalSec: 600, stageTimeoutMs: 3_000 }]);
    expect(execution.status).toBe('TERMINAL');
    const stage = stageOf(execution, 'canary');
    expect(stage.error?.message).toMatch(/stage timed out/);
    expect(stage.outputs).toMatchObject({ canaryWeights: { 'slow-web-v000': 80, 'slow-web-v001': 10, 'slow-web-v002': 10 }, canaryAborted: true, canaryRolledBack: true });
    expect(deploymentsOf(fake, 'slow-web')).toEqual(['slow-web-v000']);
    expect(Object.entries(routeWeights(fake, 'slow-web') ?? {}).filter(([, weight]) => weight > 0)).toEqual([['slow-web-v000', 100]]);
  });

  it('asks a person about a marginal step when told to, and goes on when they say continue', async () => {
    await production('judged');
    prometheus.setSeries((group, index, metric) => {
      if (metric === 'latency_ms') return latency(index) + (group === 'judged-web-v002' ? 40 : 0);
      return errorRate(index);
    });
    const stage = { ...canaryStage('judged', 'registry.local/app:2', prometheus.url), steps: [10], onMarginal: 'judgment' };
    const id = await gantry.savePipeline({ application: 'judged', name: 'canary-judged', stages: [{ ...stage, canaryConfig: { ...stage.canaryConfig, thresholds: { marginal: 40, pass: 75 } } }] });
    const executionId = await gantry.trigger(id, {});
    const asking = await gantry.waitFor(executionId, (execution) => stageOf(execution, 'canary').outputs.awaitingJudgment === 'canary step 1', 60_000);
    expect(stageOf(asking, 'canary').outputs).toMatchObject({ canaryResults: [{ step: 1, result: 'marginal', score: 50 }] });
    const judge = (status: string) => gantry.request('POST', `/api/v1/executions/${executionId}/stages/canary/judgment`, { judgmentStatus: status }, asUser('ana'));
    expect((await judge('continue')).status).toBe(202);
    const done = await gantry.waitFor(executionId, undefined, 60_000);
    expect(done.status).toBe('SUCCEEDED');
    expect(stageOf(done, 'canary').outputs).toMatchObject({ canaryPassed: true, awaitingJudgment: null, serverGroupName: 'judged-web-v002' });
    // One answer per step: the step is no longer waiting.
    expect((await judge('continue')).status).toBe(409);
  });
});
