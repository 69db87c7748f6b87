import { describe, expect, it } from 'vitest';
import { datadogSeriesValues, kayentaDatadogQuery } from './datadogQuery';
import { kayentaNewRelicQuery, newRelicSeriesValues } from './newRelicQuery';

/**
 * The Datadog and New Relic queries and answers, held to the cases of Kayenta's own tests
 * (spinnaker/kayenta a69573be9d8fededacf80817e4151a2c8df41276):
 * kayenta-newrelic-insights/src/test/groovy/.../NewRelicQueryBuilderServiceSpec.groovy,
 * kayenta-datadog/src/test/groovy/.../DatadogMetricsServiceSpec.groovy and
 * kayenta-datadog/src/test/java/.../DatadogTimeSeriesTest.java.
 */
const START_MS = Date.parse('2026-12-05T12:00:00Z');
const END_MS = START_MS + 60 * 60_000;
const S = START_MS / 1000;
const E = END_MS / 1000;
const scope = { scope: 'myservice-prod-v01', location: 'us-west-2', startMs: START_MS, endMs: END_MS, stepSec: 60 };
const keys = { defaultScopeKey: 'asg_name', defaultLocationKey: 'region' };
const nr = (query: Record<string, unknown>, extra: Record<string, string> = {}, step = 60) =>
  kayentaNewRelicQuery({}, { name: 'm', query: { type: 'newrelic', ...query } }, { ...scope, stepSec: step, extendedScopeParams: extra }, keys);

describe("kayentaNewRelicQuery (Kayenta's NewRelicQueryBuilderServiceSpec cases)", () => {
  it.each([
    ['select without the word SELECT', { select: 'count(*) FROM Transaction' }, {}, 60, `SELECT count(*) FROM Transaction TIMESERIES 60 seconds SINCE ${S} UNTIL ${E} WHERE asg_name LIKE 'myservice-prod-v01' AND region LIKE 'us-west-2'`],
    ['select', { select: 'SELECT count(*) FROM Transaction' }, {}, 60, `SELECT count(*) FROM Transaction TIMESERIES 60 seconds SINCE ${S} UNTIL ${E} WHERE asg_name LIKE 'myservice-prod-v01' AND region LIKE 'us-west-2'`],
    ['select and q', { select: 'SELECT count(*) FROM Transaction', q: "httpStatusCode LIKE '5%'" }, {}, 60, `SELECT count(*) FROM Transaction TIMESERIES 60 seconds SINCE ${S} UNTIL ${E} WHERE httpStatusCode LIKE '5%' AND asg_name LIKE 'myservice-prod-v01' AND region LIKE 'us-west-2'`],
    ['step 0', { select: 'SELECT count(*) FROM Transaction' }, {}, 0, `SELECT count(*) FROM Transaction TIMESERIES MAX SINCE ${S} UNTIL ${E} WHERE asg_name LIKE 'myservice-prod-v01' AND region LIKE 'us-west-2'`],
    [
      'extended scope params',
      { select: 'SELECT count(*) FROM Transaction' },
      { _scope_key: 'foo', _location_key: 'bar', _i_should_be_ignored: 'x', some_new_key: 'some_value' },
      60,
      `SELECT count(*) FROM Transaction TIMESERIES 60 seconds SINCE ${S} UNTIL ${E} WHERE some_new_key LIKE 'some_value' AND foo LIKE 'myservice-prod-v01' AND bar LIKE 'us-west-2'`,
    ],
    [
      'an inline template',
      { customInlineTemplate: "SELECT count(*) FROM Transaction TIMESERIES 60 seconds SINCE ${startEpochSeconds} UNTIL ${endEpochSeconds} WHERE httpStatusCode LIKE '5%' AND autoScalingGroupName LIKE '${scope}' AND region LIKE '${location}'" },
      {},
      60,
      `SELECT count(*) FROM Transaction TIMESERIES 60 seconds SINCE ${S} UNTIL ${E} WHERE httpStatusCode LIKE '5%' AND autoScalingGroupName LIKE 'myservice-prod-v01' AND region LIKE 'us-west-2'`,
    ],
    [
      'an inline template and extended scope params',
      { customInlineTemplate: "SELECT count(*) FROM Transaction TIMESERIES 60 seconds SINCE ${startEpochSeconds} UNTIL ${endEpochSeconds} WHERE httpStatusCode LIKE '5%' AND someKeyThatIsSetDuringDeployment LIKE '${someKey}' AND autoScalingGroupName LIKE '${scope}' AND region LIKE '${location}'" },
      { someKey: 'someValue' },
      60,
      `SELECT count(*) FROM Transaction TIMESERIES 60 seconds SINCE ${S} UNTIL ${E} WHERE httpStatusCode LIKE '5%' AND someKeyThatIsSetDuringDeployment LIKE 'someValue' AND autoScalingGroupName LIKE 'myservice-prod-v01' AND region LIKE 'us-west-2'`,
    ],
  ])('%s', (_case, query, extra, step, expected) => {
    expect(nr(query, extra, step)).toEqual({ ok: true, query: expected });
  });

  it('names what is missing: a scope key, a select, a template variable', () => {
    expect(kayentaNewRelicQuery({}, { name: 'm', query: { type: 'newrelic', select: 'count(*) FROM T' } }, scope)).toMatchObject({ ok: false, message: expect.stringMatching(/default scope key.*_scope_key/) });
    expect(nr({})).toMatchObject({ ok: false, message: expect.stringMatching(/query\.select is required/) });
    expect(nr({ customInlineTemplate: 'SELECT x WHERE a = ${nope}' })).toMatchObject({ ok: false, message: expect.stringMatching(/\$\{nope\}/) });
  });

  it('reads each bucket\'s first value (or its first nested value), NaN for buckets that inspected nothing', () => {
    expect(
      newRelicSeriesValues({
        timeSeries: [
          { inspectedCount: 10, results: [{ average: 1.5 }] },
          { inspectedCount: 0, results: [{ average: null }] },
          { inspectedCount: 3, results: [{ percentile: { '95': 7 } }] },
        ],
      }),
    ).toEqual([1.5, Number.NaN, 7]);
  });
});

describe("kayentaDatadogQuery and datadogSeriesValues (Kayenta's DatadogMetricsServiceSpec and DatadogTimeSeriesTest cases)", () => {
  it.each([
    [{ metricName: 'sum:app.errors' }, 'sum:app.errors{tag:some-tag}'],
    [{ customInlineTemplate: 'sum:app.errors{${scope}}/sum:app.requests{${scope}}' }, 'sum:app.errors{tag:some-tag}/sum:app.requests{tag:some-tag}'],
  ])('%j → %s', (query, expected) => {
    expect(kayentaDatadogQuery({}, { name: 'm', query: { type: 'datadog', ...query } }, { scope: 'tag:some-tag' })).toEqual({ ok: true, query: expected });
  });

  const START = 1620785040000;
  const STEP = 5000;
  const series = (points: [number, number | null][]) => ({ series: [{ start: START, end: START + 10 * STEP, interval: STEP / 1000, pointlist: points.map(([i, v]) => [START + i * STEP, v] as const) }] });
  const N = Number.NaN;

  it('fills a sparse answer with NaN', () => {
    expect(datadogSeriesValues(series([[0, 1], [2, 1], [3, 1], [4, 1], [10, 1]]))).toEqual({ ok: true, values: [1, N, 1, 1, 1, N, N, N, N, N, 1] });
  });

  it('reads a null value as NaN', () => {
    expect(datadogSeriesValues(series([[0, 1], [1, null], [2, 1], [3, 1], [4, 1], [10, 1]]))).toEqual({ ok: true, values: [1, N, 1, 1, 1, N, N, N, N, N, 1] });
  });

  it('reads no series as no data and refuses several', () => {
    expect(datadogSeriesValues({ series: [] })).toEqual({ ok: true, values: [] });
    const two = { series: [...series([[0, 1]]).series, ...series([[0, 2]]).series] };
    expect(datadogSeriesValues(two)).toMatchObject({ ok: false, message: expect.stringMatching(/2 series/) });
  });
});
