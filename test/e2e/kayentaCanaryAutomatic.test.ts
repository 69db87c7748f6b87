import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TaskClock } from '../../apps/worker/src';
import { startFakeKubernetes, type FakeKubernetes } from '../fakes/kubernetes';
import { startFakePrometheus, type FakePrometheus } from '../fakes/prometheus';
import { stageOf, startTestGantry, type TestGantry } from '../support/gantryHarness';
import { NAMESPACE, deployStage, deploymentsOf, kubernetesAccount, testRegistry } from '../support/serverGroups';

/**
 * kayentaCanary with `analysisType: realTimeAutomatic` (Orca's DeployCanaryServerGroupsStage and
 * CleanupCanaryClustersStage) on the Kubernetes fake, judged from the Prometheus fake: the stage
 * creates the control (the baseline cluster's image) and the experiment, judges them by their
 * names, and destroys both after a pass, a fail and a cancel. Canary minutes run 600 times faster.
 */
const SPEED = 600;
function fastClock(): TaskClock {
  const origin = Date.now();
  return { now: () => origin + (Date.now() - origin) * SPEED, delayFor: (ms) => Math.ceil(ms / SPEED) };
}

const canaryConfig = {
  name: 'shop-errors',
  judge: { name: 'NetflixACAJudge-v1.0' },
  metrics: [{ name: 'error_rate', query: { type: 'prometheus', metricName: 'requests', customFilterTemplate: 'group' }, groups: ['errors'], analysisConfigurations: { canary: { direction: 'increase' } }, scopeName: 'default' }],
  templates: { group: 'http_code="500",server_group="${scope}"' },
  classifier: { groupWeights: { errors: 100 } },
};

/** The stage as Deck writes it, `deployments` in Orca's shape (keel's generated one has the same keys). */
function automaticStage(lifetimeDuration: string, extra: Record<string, unknown> = {}) {
  const group = (stack: string, more: Record<string, unknown> = {}) => ({ cloudProvider: 'kubernetes', account: 'k8s', namespace: NAMESPACE, application: 'shop', stack, capacity: { min: 1, max: 1, desired: 1 }, ...more });
  return {
    refId: 'canary',
    type: 'kayentaCanary',
    analysisType: 'realTimeAutomatic',
    waitForUpTimeoutSec: 30,
    canaryConfig: { metricsAccountName: 'prometheus', lifetimeDuration, scoreThresholds: { marginal: 50, pass: 75 }, scopes: [{ scopeName: 'default' }], canaryConfig },
    deployments: {
      baseline: { cloudProvider: 'kubernetes', application: 'shop', account: 'k8s', cluster: 'shop-prod' },
      serverGroupPairs: [{ control: group('control'), experiment: group('experiment', { image: 'registry.local/shop:2' }) }],
      delayBeforeCleanup: 'PT0S',
    },
    ...extra,
  };
}

describe('kayentaCanary realTimeAutomatic on the Kubernetes fake', () => {
  let fake: FakeKubernetes;
  let prometheus: FakePrometheus;
  let gantry: TestGantry;
  let experimentErrors = (index: number) => 1 + (index % 3) / 10;

  beforeAll(async () => {
    fake = await startFakeKubernetes({ readyDelayMs: 50 });
    prometheus = await startFakePrometheus((group, index) => (group.startsWith('shop-experiment-') ? experimentErrors(index) : 1 + ((index + 1) % 3) / 10));
    gantry = await startTestGantry({ clock: fastClock(), providers: testRegistry([kubernetesAccount(fake)]), metricsAccounts: [{ name: 'prometheus', type: 'prometheus', address: prometheus.url }] });
    const baseline = await gantry.savePipeline({ application: 'shop', name: 'prod', stages: [deployStage('shop', 'prod', 'registry.local/shop:1')] });
    expect((await gantry.waitFor(await gantry.trigger(baseline, {}), undefined, 45_000)).status).toBe('SUCCEEDED');
  });
  afterAll(async () => {
    await gantry?.stop();
    await Promise.all([prometheus?.close(), fake?.close()]);
  });

  const start = async (stage: Record<string, unknown>) => gantry.trigger(await gantry.savePipeline({ application: 'shop', name: `auto-${Math.random().toString(36).slice(2, 10)}`, stages: [stage] }), {});
  const canaryGroupsLeft = () => [...deploymentsOf(fake, 'shop-control'), ...deploymentsOf(fake, 'shop-experiment')];

  it('creates control (baseline image) and experiment, passes a good experiment, fails a bad one, and destroys both groups each time', async () => {
    experimentErrors = (index) => 1 + (index % 3) / 10;
    const good = stageOf(await gantry.waitFor(await start(automaticStage('PT5M')), undefined, 60_000), 'canary');
    expect(good.status).toBe('SUCCEEDED');
    expect(good.outputs).toMatchObject({
      baselineServerGroup: 'shop-prod-v000',
      baselineImage: 'registry.local/shop:1',
      kayentaServerGroups: [{ control: { serverGroupName: 'shop-control-v000', image: 'registry.local/shop:1', location: NAMESPACE }, experiment: { serverGroupName: 'shop-experiment-v000', image: 'registry.local/shop:2' } }],
      deployedServerGroups: [{ controlScope: 'shop-control-v000', controlLocation: NAMESPACE, experimentScope: 'shop-experiment-v000', experimentLocation: NAMESPACE }],
      canaryScores: [100],
      kayentaServerGroupsDestroyed: ['shop-control-v000', 'shop-experiment-v000'],
    });
    expect(prometheus.queries()).toEqual(expect.arrayContaining(['avg(requests{http_code="500",server_group="shop-control-v000"})', 'avg(requests{http_code="500",server_group="shop-experiment-v000"})']));
    expect(canaryGroupsLeft()).toEqual([]);

    experimentErrors = (index) => 4 + (index % 3) / 10;
    const bad = stageOf(await gantry.waitFor(await start(automaticStage('PT5M')), undefined, 60_000), 'canary');
    expect(bad.status).toBe('TERMINAL');
    expect(String(bad.error?.message)).toMatch(/^Canary score 0 is not above the marginal score threshold 50\. .*error_rate High/);
    // The on-failure cleanup ran: the groups the failed analysis judged are gone too.
    expect(bad.outputs).toMatchObject({ canaryScores: [0], kayentaServerGroupsDestroyed: ['shop-control-v000', 'shop-experiment-v000'] });
    expect(canaryGroupsLeft()).toEqual([]);
    // The baseline cluster was only read.
    expect(deploymentsOf(fake, 'shop-prod')).toEqual(['shop-prod-v000']);
  });

  it('a cancel in the middle of the analysis destroys both groups', async () => {
    experimentErrors = (index) => 1 + (index % 3) / 10;
    // Two hours in 1-hour intervals: six seconds a interval on the test clock, time to cancel.
    const executionId = await start(automaticStage('PT2H', { canaryConfig: { ...automaticStage('PT2H').canaryConfig, canaryAnalysisIntervalMins: 60 } }));
    await gantry.waitFor(executionId, (execution) => stageOf(execution, 'canary').outputs.intervalsPlanned !== undefined, 45_000);
    expect(canaryGroupsLeft()).toEqual(['shop-control-v000', 'shop-experiment-v000']);
    expect((await gantry.request('POST', `/api/v1/executions/${executionId}/cancel`, { reason: 'enough' })).status).toBe(202);
    const canceled = await gantry.waitFor(executionId, undefined, 45_000);
    expect(canceled.status).toBe('CANCELED');
    expect(stageOf(canceled, 'canary').outputs).toMatchObject({ canaryScores: [], kayentaServerGroupsDestroyed: ['shop-control-v000', 'shop-experiment-v000'] });
    expect(canaryGroupsLeft()).toEqual([]);
  });

  it('fails at run time naming a baseline cluster with no server group, creating nothing', async () => {
    const stage = automaticStage('PT5M');
    stage.deployments.baseline.cluster = 'shop-missing';
    const failed = stageOf(await gantry.waitFor(await start(stage), undefined, 45_000), 'canary');
    expect(failed.status).toBe('TERMINAL');
    expect(String(failed.error?.message)).toMatch(/^no baseline image: cluster shop-missing \(deployments\.baseline, account k8s, location ns1\) has no current server group/);
    expect(canaryGroupsLeft()).toEqual([]);
  });
});
