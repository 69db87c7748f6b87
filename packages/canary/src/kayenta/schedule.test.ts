import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { kayentaCanaryConfigSchema } from './config';
import { kayentaPrometheusQuery } from './prometheusQuery';
import { kayentaFinalOutcome, kayentaIntervalOutcome, kayentaSchedule, parseIsoDurationMs } from './schedule';

const MIN = 60_000;
const T0 = Date.parse('2026-12-05T12:00:00Z');
const kayentaFixture = (file: string): unknown => JSON.parse(readFileSync(join(__dirname, '../../../../test/fixtures/kayenta', file), 'utf8'));

describe('parseIsoDurationMs (Java Duration.parse)', () => {
  it.each([
    ['PT1H', 60 * MIN],
    ['PT0H5M', 5 * MIN], // the codelab pipeline's lifetimeDuration
    ['P1DT2H30M', (26 * 60 + 30) * MIN],
    ['PT90S', 90_000],
    ['pt0.5s', 500],
  ])('%s', (text, ms) => expect(parseIsoDurationMs(text)).toBe(ms));
  it.each(['', 'P', 'PT', 'P1DT', '1H', 'PT-5M', 'PT1.5H'])('refuses %j', (text) => expect(parseIsoDurationMs(text)).toBeUndefined());
});

describe('kayentaSchedule (RunCanaryIntervalsStage)', () => {
  it('real time: cumulative windows after the warmup, each runnable once it has ended', () => {
    const schedule = kayentaSchedule({ lifetimeMs: 60 * MIN, intervalMins: 20, beginAfterMins: 5 }, T0);
    expect(schedule).toEqual({
      ok: true,
      intervals: [1, 2, 3].map((i) => ({ index: i, startMs: T0 + 5 * MIN, endMs: T0 + (5 + 20 * i) * MIN, notBeforeMs: T0 + (5 + 20 * i) * MIN })),
    });
  });

  it('lookback narrows each window to its last minutes; whole-minute division drops a remainder', () => {
    const schedule = kayentaSchedule({ lifetimeMs: 50 * MIN, intervalMins: 20, lookbackMins: 10 }, T0);
    expect(schedule.ok && schedule.intervals.map((i) => [i.startMs - T0, i.endMs - T0])).toEqual([
      [10 * MIN, 20 * MIN],
      [30 * MIN, 40 * MIN],
    ]);
  });

  it('no interval (or one longer than the lifetime) is one interval over the lifetime', () => {
    for (const intervalMins of [undefined, 0, 90]) {
      const schedule = kayentaSchedule({ lifetimeMs: 5 * MIN, ...(intervalMins === undefined ? {} : { intervalMins }) }, T0);
      expect(schedule.ok && schedule.intervals).toEqual([{ index: 1, startMs: T0, endMs: T0 + 5 * MIN, notBeforeMs: T0 + 5 * MIN }]);
    }
  });

  it('retrospective: the lifetime is start to end in whole minutes and nothing waits', () => {
    const startMs = T0 - 120 * MIN;
    const schedule = kayentaSchedule({ startMs, endMs: startMs + 60 * MIN + 30_000, intervalMins: 30, lifetimeMs: 999 * MIN }, T0);
    expect(schedule.ok && schedule.intervals).toEqual([
      { index: 1, startMs, endMs: startMs + 30 * MIN, notBeforeMs: T0 },
      { index: 2, startMs, endMs: startMs + 60 * MIN, notBeforeMs: T0 },
    ]);
  });

  it('names the field where Orca would build no interval', () => {
    expect(kayentaSchedule({}, T0)).toMatchObject({ ok: false, field: 'canaryConfig.lifetimeDuration' });
    expect(kayentaSchedule({ lifetimeMs: 30_000 }, T0)).toMatchObject({ ok: false, field: 'canaryConfig.lifetimeDuration' });
    expect(kayentaSchedule({ startMs: T0, endMs: T0 + 30_000 }, T0)).toMatchObject({ ok: false, field: 'canaryConfig.scopes[0].endTimeIso' });
  });
});

describe('interval and final outcomes (MonitorKayentaCanaryTask, AggregateCanaryResultsTask)', () => {
  const thresholds = { marginal: 50, pass: 75 };
  it.each([
    [51, thresholds, 'continue'],
    [50, thresholds, 'failed'], // "not above" marginal: equal fails
    [0, { marginal: null, pass: 75 }, 'continue'],
    [0, undefined, 'continue'],
  ] as const)('interval score %d with %j: %s', (score, t, status) => expect(kayentaIntervalOutcome(score, t).status).toBe(status));

  it.each([
    [[90, 75], thresholds, 'succeeded', /met or exceeded the pass score threshold 75/],
    [[90, 74], thresholds, 'failed', /below the pass score threshold 75/],
    [[90, 50], thresholds, 'failed', /not above the marginal score threshold 50/],
    [[10], { marginal: null, pass: null }, 'succeeded', /No score thresholds/], // the codelab pipeline's thresholds
    [[60], { marginal: 50 }, 'succeeded', /No pass score threshold/],
  ] as const)('scores %j with %j: %s', (scores, t, status, message) => {
    const outcome = kayentaFinalOutcome(scores, t);
    expect(outcome.status).toBe(status);
    expect(outcome.message).toMatch(message);
  });
});

describe('kayentaPrometheusQuery (PrometheusMetricsService.buildQuery)', () => {
  const metric = (query: Record<string, unknown>) => ({ name: 'cpu', query: { type: 'prometheus', ...query } });
  const scope = { scope: 'myapp-v010', location: 'us-east-1' };

  it("expands Kayenta's integration-test config template with the scope and its extended params", () => {
    const config = kayentaCanaryConfigSchema.parse(kayentaFixture('prometheus-integration-test-cpu.json'));
    const [cpu] = config.metrics;
    if (cpu === undefined) throw new Error('fixture has a metric');
    expect(kayentaPrometheusQuery(config, cpu, { scope: 'myapp-canary', extendedScopeParams: { namespace: 'prod' } })).toEqual({
      ok: true,
      query: "avg(integration_test_cpu{namespace='prod', scope='myapp-canary'})",
    });
    expect(kayentaPrometheusQuery(config, cpu, { scope: 'myapp-canary' })).toMatchObject({ ok: false, message: expect.stringMatching(/\$\{namespace\}/) });
  });

  it.each([
    [{ metricName: 'up', resourceType: 'aws_ec2_instance', labelBindings: ['job="x"'] }, scope, 'avg(up{job="x",asg_groupName="myapp-v010",zone=~"us-east-1.{1}"})'],
    [{ metricName: 'up', groupByFields: ['mode', 'job'] }, { ...scope, extendedScopeParams: { resourceType: 'gce_instance', project: 'p1' } }, 'avg(up{instance=~"myapp-v010-.{4}",zone=~".+/projects/p1/zones/us-east-1-.{1}"}) by (mode,job)'],
    [{ customInlineTemplate: 'PromQL:sum(rate(http_errors{app="${scope}",region="${location}"}[1m]))' }, scope, 'sum(rate(http_errors{app="myapp-v010",region="us-east-1"}[1m]))'],
    [{ metricName: 'latency', customInlineTemplate: 'app="$\\{scope}"', labelBindings: ['quantile="0.99"'] }, scope, 'avg(latency{app="myapp-v010",quantile="0.99"})'],
  ])('%j', (query, s, expected) => expect(kayentaPrometheusQuery({}, metric(query), s)).toEqual({ ok: true, query: expected }));

  it.each([
    [{ metricName: 'up' }, scope, /resourceType.*or a custom filter template is required/],
    [{ metricName: 'up', resourceType: 'k8s_pod' }, scope, /no explicit support for resourceType 'k8s_pod'/],
    [{ metricName: 'up', resourceType: 'aws_ec2_instance' }, { scope: 'a' }, /location \(region\) is required/],
    [{ metricName: 'up', customFilterTemplate: 'missing' }, scope, /template 'missing' was not found/],
    [{ metricName: 'up', customFilter: 'a="b"' }, scope, /customFilter is deprecated/],
    [{ metricName: 'up', customInlineTemplate: '<#if scope??>a</#if>' }, scope, /directives are not supported/],
  ])('refuses %j naming why', (query, s, message) => {
    const result = kayentaPrometheusQuery({}, metric(query), s);
    expect(result.ok).toBe(false);
    expect(!result.ok && result.message).toMatch(/^metric cpu: /);
    expect(!result.ok && result.message).toMatch(message);
  });
});
