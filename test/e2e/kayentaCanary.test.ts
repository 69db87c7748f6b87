import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TaskClock } from '../../apps/worker/src';
import { startFakeDatadog, type FakeDatadog } from '../fakes/datadog';
import { startFakeNewRelic, type FakeNewRelic } from '../fakes/newrelic';
import { startFakePrometheus, type FakePrometheus } from '../fakes/prometheus';
import { stageOf, startTestGantry, type TestGantry } from '../support/gantryHarness';

/**
 * kayentaCanary (issue 19, item 3) through the engine: a real Spinnaker pipeline's stage against
 * the Prometheus fake with a good and a bad experiment, Datadog and New Relic through their
 * wire-format fakes, and a missing canary config found when the stage runs. The canary's minutes
 * pass on a clock 600 times faster than the wall clock, so a 5-minute interval takes half a second.
 */
const SPEED = 600;
function fastClock(): TaskClock {
  const origin = Date.now();
  return { now: () => origin + (Date.now() - origin) * SPEED, delayFor: (ms) => Math.ceil(ms / SPEED) };
}

const fixture = (path: string) => JSON.parse(readFileSync(new URL(`../fixtures/${path}`, import.meta.url), 'utf8')) as Record<string, unknown>;

/**
 * The solution's canary config (kayenta's tutorial, fixtures/kayenta SOURCES) reads Stackdriver;
 * mapped to the Prometheus fake it reads the same thing, the rate of HTTP 500s of the scope's pods,
 * through the same customFilterTemplate. Only the query and its template change.
 */
function solutionConfigOnPrometheus(): Record<string, unknown> {
  const config = fixture('kayenta/solutions-kayenta-test-canary-config.json') as { metrics: { query: Record<string, unknown> }[]; templates: Record<string, string> };
  config.metrics[0]!.query = { type: 'prometheus', metricName: 'requests', customFilterTemplate: 'http_code' };
  config.templates.http_code = 'http_code="500",pod=~"${scope}-.*"';
  return config;
}

/**
 * The real pipeline's kayentaCanary stage (automated-canary-1-9: thresholds 75/90), its
 * CANARY_CONFIG_ID replaced as the solution's script does with jq. It runs alone: the stages it
 * waits for deploy baseline and canary from a findArtifactFromExecution (another issue's), and the
 * fake serves both sides' metrics, so its requisiteStageRefIds are dropped.
 */
function solutionStage(canaryConfigId: string): Record<string, unknown> {
  const pipeline = fixture('spinnaker/solutions-kayenta-automated-canary-1-9.json') as { stages: Record<string, unknown>[] };
  const stage = structuredClone(pipeline.stages.find((candidate) => candidate.type === 'kayentaCanary')!);
  (stage.canaryConfig as Record<string, unknown>).canaryConfigId = canaryConfigId;
  stage.requisiteStageRefIds = [];
  return stage;
}

describe('kayentaCanary stage through the engine', () => {
  let gantry: TestGantry;
  let prometheus: FakePrometheus;
  let datadog: FakeDatadog;
  let newrelic: FakeNewRelic;
  // The experiment's error rate per test; the control serves 1 error/s with a little noise.
  let experimentErrors = (index: number) => 1 + (index % 3) / 10;
  const controlErrors = (index: number) => 1 + ((index + 1) % 3) / 10;

  beforeAll(async () => {
    prometheus = await startFakePrometheus((scope, index) => (scope === 'sampleapp-canary' ? experimentErrors(index) : controlErrors(index)), {
      scopeOf: (query) => /pod=~"([^"]+)-\.\*"/.exec(query)?.[1],
    });
    datadog = await startFakeDatadog({
      apiKey: 'dd-api',
      applicationKey: 'dd-app',
      generator: (scope, index) => (index === 2 ? undefined : scope.includes('version:canary') ? experimentErrors(index) : controlErrors(index)),
    });
    newrelic = await startFakeNewRelic({
      accountId: '1234567',
      queryKey: 'nr-query-key',
      scopeKey: 'appName',
      generator: (scope, index) => (scope === 'checkout-canary' ? experimentErrors(index) : controlErrors(index)),
    });
    gantry = await startTestGantry({
      clock: fastClock(),
      metricsAccounts: [
        { name: 'kayenta-tutorial', type: 'prometheus', address: prometheus.url },
        { name: 'datadog', type: 'datadog', address: datadog.url, apiKeySecret: 'dd-api', applicationKeySecret: 'dd-app' },
        { name: 'newrelic', type: 'newrelic', address: newrelic.url, apiKeySecret: 'nr-key', accountId: '1234567', defaultScopeKey: 'appName' },
      ],
      secrets: { 'dd-api': 'dd-api', 'dd-app': 'dd-app', 'nr-key': 'nr-query-key' },
    });
  });
  afterAll(async () => {
    await gantry?.stop();
    await Promise.all([prometheus?.close(), datadog?.close(), newrelic?.close()]);
  });

  const storeConfig = async (document: Record<string, unknown>) => {
    const saved = await gantry.request<{ id: string }>('POST', '/api/v1/canaryConfigs', { ...document, name: `${String(document.name)}-${Math.random().toString(36).slice(2, 8)}` });
    expect(saved.status).toBe(201);
    return saved.body.id;
  };
  const run = async (stages: unknown[]) =>
    gantry.waitFor(await gantry.trigger(await gantry.savePipeline({ application: 'sampleapp', name: `k-${Math.random().toString(36).slice(2, 10)}`, stages })), undefined, 60_000);

  it("passes a good experiment and fails a bad one with the real pipeline's stage, each metric's reason in the outputs", async () => {
    const configId = await storeConfig(solutionConfigOnPrometheus());
    const stage = solutionStage(configId);
    const refId = String(stage.refId);

    experimentErrors = (index) => 1 + (index % 3) / 10;
    const good = await run([stage]);
    const passed = stageOf(good, refId);
    expect(passed.status).toBe('SUCCEEDED');
    expect(passed.outputs).toMatchObject({
      canaryConfigId: configId,
      canaryScores: [100],
      canaryScoreMessage: 'Final canary score 100 met or exceeded the pass score threshold 90.',
      canaryIntervals: [{ interval: 1, canaryScore: 100, classification: 'Pass', metrics: [{ name: 'error_rate', classification: 'Pass', reason: expect.any(String) }] }],
    });
    const metric = (passed.outputs.canaryIntervals as { metrics: { control: { query: string; count: number }; experiment: { query: string } }[] }[])[0]!.metrics[0]!;
    expect(metric.control.query).toBe('avg(requests{http_code="500",pod=~"sampleapp-baseline-.*"})');
    expect(metric.experiment.query).toBe('avg(requests{http_code="500",pod=~"sampleapp-canary-.*"})');
    // A five-minute window at the scope's 60 s step: six points a side.
    expect(metric.control.count).toBe(6);

    experimentErrors = (index) => 3 + (index % 3) / 10;
    const bad = await run([stage]);
    const failed = stageOf(bad, refId);
    // The stage's own failPipeline: false / continuePipeline: true keep the pipeline going.
    expect(failed.status).toBe('FAILED_CONTINUE');
    expect(String(failed.error?.message)).toMatch(/^Canary score 0 is not above the marginal score threshold 75\. \(interval 1 of 1: score 0, Fail .*error_rate High \(/);
    expect(failed.outputs).toMatchObject({
      canaryScores: [0],
      canaryIntervals: [{ canaryScore: 0, classification: 'Fail', metrics: [{ name: 'error_rate', classification: 'High', reason: expect.stringMatching(/increase/i) }] }],
    });
  });

  it('judges a past window at once (retrospective), in intervals from the scope\'s start and end', async () => {
    experimentErrors = (index) => 1 + (index % 3) / 10;
    const configId = await storeConfig(solutionConfigOnPrometheus());
    const stage = solutionStage(configId);
    const config = stage.canaryConfig as { scopes: Record<string, unknown>[] };
    stage.analysisType = 'retrospective';
    config.scopes[0]!.startTimeIso = '2026-12-01T10:00:00Z';
    config.scopes[0]!.endTimeIso = '2026-12-01T10:10:00Z';
    const execution = await run([stage]);
    const judged = stageOf(execution, String(stage.refId));
    expect(judged.status).toBe('SUCCEEDED');
    // PT0H5M's lifetime is the window's ten minutes here; intervals of five, each from the start.
    expect(judged.outputs).toMatchObject({
      canaryScores: [100, 100],
      canaryIntervals: [
        { startTimeIso: '2026-12-01T10:00:00.000Z', endTimeIso: '2026-12-01T10:05:00.000Z' },
        { startTimeIso: '2026-12-01T10:00:00.000Z', endTimeIso: '2026-12-01T10:10:00.000Z' },
      ],
    });
  });

  it('fails at run time, naming it, when the canary config does not exist (the save accepted it)', async () => {
    const execution = await run([solutionStage('0b9f3c1e-4d2a-4f6b-8a7c-1e2d3c4b5a69')]);
    const stage = stageOf(execution, '11');
    expect(stage.status).toBe('FAILED_CONTINUE');
    expect(String(stage.error?.message)).toBe('canary config 0b9f3c1e-4d2a-4f6b-8a7c-1e2d3c4b5a69 does not exist (canaryConfig.canaryConfigId)');
  });

  it("reads Datadog with Kayenta's metricName{scope} query, keys from secrets, gaps as NaN, over several intervals", async () => {
    experimentErrors = (index) => 1 + (index % 3) / 10;
    const execution = await run([
      {
        refId: 'canary',
        type: 'kayentaCanary',
        analysisType: 'realTime',
        canaryConfig: {
          metricsAccountName: 'datadog',
          lifetimeDuration: 'PT0H10M',
          canaryAnalysisIntervalMins: '5',
          scoreThresholds: { marginal: '50', pass: '75' },
          scopes: [{ scopeName: 'default', controlScope: 'service:checkout,version:baseline', experimentScope: 'service:checkout,version:canary' }],
          canaryConfig: {
            name: 'checkout-datadog',
            judge: { name: 'NetflixACAJudge-v1.0' },
            metrics: [{ name: 'errors', query: { type: 'datadog', metricName: 'trace.http.request.errors' }, groups: ['errors'], analysisConfigurations: { canary: { direction: 'increase' } } }],
            classifier: { groupWeights: { errors: 100 } },
          },
        },
      },
    ]);
    const stage = stageOf(execution, 'canary');
    expect(stage.status).toBe('SUCCEEDED');
    expect(stage.outputs).toMatchObject({ canaryScores: [100, 100], intervalsPlanned: 2 });
    expect(datadog.queries()).toContain('trace.http.request.errors{service:checkout,version:canary}');
    // The third point of each window is missing in Datadog's answer: Kayenta's NaN, removed by the judge.
    const intervals = stage.outputs.canaryIntervals as { metrics: { control: { nanRemoved: number } }[] }[];
    expect(intervals.map((interval) => interval.metrics[0]!.control.nanRemoved)).toEqual([1, 1]);
  });

  it("reads New Relic with Kayenta's NRQL (select, TIMESERIES, scope key LIKE scope) and fails a bad experiment", async () => {
    experimentErrors = (index) => 5 + (index % 3) / 10;
    const execution = await run([
      {
        refId: 'canary',
        type: 'kayentaCanary',
        canaryConfig: {
          metricsAccountName: 'newrelic',
          lifetimeDuration: 'PT5M',
          scoreThresholds: { marginal: 50, pass: 75 },
          scopes: [{ controlScope: 'checkout-baseline', experimentScope: 'checkout-canary', step: 60 }],
          canaryConfig: {
            name: 'checkout-newrelic',
            metrics: [
              { name: 'Transaction Time', query: { type: 'newrelic', select: 'SELECT average(duration) FROM Transaction', q: "transactionType = 'Web'" }, groups: ['app'], analysisConfigurations: { canary: { direction: 'increase' } } },
              { name: 'Throughput', query: { type: 'newrelic', select: 'count(*) FROM Transaction' }, groups: ['app'], analysisConfigurations: { canary: { direction: 'decrease' } } },
            ],
            classifier: { groupWeights: { app: 100 } },
          },
        },
      },
    ]);
    const stage = stageOf(execution, 'canary');
    expect(stage.status).toBe('TERMINAL');
    expect(newrelic.queries().filter((nrql) => nrql.includes("appName LIKE 'checkout-canary'"))).toEqual([
      expect.stringMatching(/^SELECT average\(duration\) FROM Transaction TIMESERIES 60 seconds SINCE \d+ UNTIL \d+ WHERE transactionType = 'Web' AND appName LIKE 'checkout-canary'$/),
      expect.stringMatching(/^SELECT count\(\*\) FROM Transaction TIMESERIES 60 seconds SINCE \d+ UNTIL \d+ WHERE appName LIKE 'checkout-canary'$/),
    ]);
    const metrics = (stage.outputs.canaryIntervals as { metrics: { name: string; classification: string }[] }[])[0]!.metrics;
    // The fake serves every query the same bad numbers: a rise fails the increase-watched metric and passes the decrease-watched one.
    expect(metrics.map((m) => [m.name, m.classification])).toEqual([
      ['Transaction Time', 'High'],
      ['Throughput', 'Pass'],
    ]);
    expect(String(stage.error?.message)).toMatch(/^Canary score 50 is not above the marginal score threshold 50\./);
  });

  it('fails naming the query a source refuses, without waiting out retries (Kayenta\'s scratch New Relic config has no FROM in one select)', async () => {
    const execution = await run([
      {
        refId: 'canary',
        type: 'kayentaCanary',
        canaryConfig: {
          metricsAccountName: 'newrelic',
          lifetimeDuration: 'PT5M',
          scopes: [{ controlScope: 'checkout-baseline', experimentScope: 'checkout-canary' }],
          canaryConfig: fixture('kayenta/scratch-newrelic.json'),
        },
      },
    ]);
    const stage = stageOf(execution, 'canary');
    expect(stage.status).toBe('TERMINAL');
    expect(String(stage.error?.message)).toMatch(/^canary interval 1: newrelic account newrelic http:\/\/127\.0\.0\.1:\d+\/v1\/accounts\/1234567\/query: HTTP 400: NRQL Syntax Error/);
  });
});
