import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { kayentaCanaryConfigSchema, type KayentaCanaryAnalysis, type KayentaCanaryConfig } from './config';
import { judgeKayenta, type KayentaSeriesPair } from './judge';
import { roundHalfUp } from './scorer';

const FIXTURES = join(__dirname, '../../../../test/fixtures/kayenta');
const fixture = (file: string): unknown => JSON.parse(readFileSync(join(FIXTURES, file), 'utf8'));

const base = [10, 11, 12, 10.5, 11.5, 12.5, 10.2, 11.2, 12.2, 10.8, 11.8, 10.4];
const up = base.map((v) => v * 1.5);
const down = base.map((v) => v * 0.6);
const jitter = base.map((v, i) => v + (i % 2 === 0 ? 0.05 : -0.05));

interface MetricSpec {
  name?: string;
  groups?: string[];
  canary?: KayentaCanaryAnalysis;
  series?: KayentaSeriesPair;
}

function run(specs: MetricSpec[], groupWeights?: Record<string, number>, thresholds = { pass: 75, marginal: 50 }) {
  const config: KayentaCanaryConfig = kayentaCanaryConfigSchema.parse({
    name: 'edge',
    judge: { name: 'NetflixACAJudge-v1.0' },
    metrics: specs.map((spec, i) => ({
      name: spec.name ?? `m${i}`,
      query: { type: 'prometheus', metricName: `m${i}` },
      groups: spec.groups ?? ['g'],
      analysisConfigurations: { canary: spec.canary ?? {} },
    })),
    classifier: groupWeights ? { groupWeights } : {},
  });
  const series = Object.fromEntries(specs.flatMap((spec, i) => (spec.series ? [[spec.name ?? `m${i}`, spec.series]] : [])));
  return judgeKayenta(config, thresholds, series, { gaussian: () => 0.5 });
}

// Edge cases of NetflixACAJudge's rules (see classifier.ts and scorer.ts for the rule each row hits).
// Columns: case, metrics, group weights, expected classifications, score, verdict, reason pattern.
const EDGE_TABLE: [string, MetricSpec[], Record<string, number> | undefined, string[], number, string, RegExp?][] = [
  ['NaN removed: what remains is identical → Pass', [{ series: { control: base, experiment: [...base, Number.NaN, Number.NaN] } }], undefined, ['Pass'], 100, 'Pass'],
  ['NaN replaced by 0 drags the canary down → Low', [{ canary: { nanStrategy: 'replace' }, series: { control: base, experiment: base.map((v, i) => (i < 10 ? Number.NaN : v)) } }], undefined, ['Low'], 0, 'Fail', /below marginal 50/],
  ['all NaN, remove → Nodata (one metric of one: 100 % Nodata → 0)', [{ series: { control: base, experiment: [Number.NaN, Number.NaN] } }], undefined, ['Nodata'], 0, 'Fail', /50% or more metrics returned NODATA/],
  ['empty with replace → Pass (Kayenta passes it)', [{ canary: { nanStrategy: 'replace' }, series: { control: base, experiment: [] } }], undefined, ['Pass'], 100, 'Pass'],
  ['mustHaveData, not critical → NodataFailMetric counts as a failure', [{ canary: { mustHaveData: true }, series: { control: base, experiment: [] } }, { series: { control: base, experiment: jitter } }], undefined, ['NodataFailMetric', 'Pass'], 50, 'Marginal'],
  ['critical without data → Nodata critical → 0', [{ canary: { critical: true, mustHaveData: true } }, { series: { control: base, experiment: jitter } }, { series: { control: base, experiment: jitter } }], undefined, ['Nodata', 'Pass', 'Pass'], 0, 'Fail', /Canary Failed: missing data/],
  ['one Nodata of three (33 %) → the Nodata group adds its full weight', [{ groups: ['a'] }, { groups: ['b'], series: { control: base, experiment: jitter } }, { groups: ['b'], series: { control: base, experiment: up } }], undefined, ['Nodata', 'Pass', 'High'], 75, 'Pass'],
  ['two Nodata of four (50 %) → 0', [{}, {}, { series: { control: base, experiment: jitter } }, { series: { control: base, experiment: jitter } }], undefined, ['Nodata', 'Nodata', 'Pass', 'Pass'], 0, 'Fail', /NODATA/],
  ['identical data → Pass', [{ series: { control: base, experiment: [...base].reverse() } }], undefined, ['Pass'], 100, 'Pass'],
  ['one distinct value on both sides → Pass', [{ series: { control: [3, 3, 3], experiment: [3, 3] } }], undefined, ['Pass'], 100, 'Pass'],
  ['two different constants → noise, then High', [{ series: { control: [1, 1, 1, 1, 1], experiment: [10, 10, 10, 10, 10] } }], undefined, ['High'], 0, 'Fail'],
  ['increase only: a higher canary is High', [{ canary: { direction: 'increase' }, series: { control: base, experiment: up } }], undefined, ['High'], 0, 'Fail'],
  ['decrease only: a higher canary passes', [{ canary: { direction: 'decrease' }, series: { control: base, experiment: up } }], undefined, ['Pass'], 100, 'Pass'],
  ['either: a lower canary is Low', [{ series: { control: base, experiment: down } }], undefined, ['Low'], 0, 'Fail'],
  ['meanRatio 1.5 within allowedIncrease 1.6 → Pass', [{ canary: { effectSize: { allowedIncrease: 1.6 } }, series: { control: base, experiment: up } }], undefined, ['Pass'], 100, 'Pass'],
  ['meanRatio 0.6 past allowedDecrease 0.7 → Low', [{ canary: { effectSize: { allowedDecrease: 0.7 } }, series: { control: base, experiment: down } }], undefined, ['Low'], 0, 'Fail'],
  ['cles 1.0 ≥ allowedIncrease 0.9 → High', [{ canary: { effectSize: { measure: 'cles', allowedIncrease: 0.9 } }, series: { control: base, experiment: up } }], undefined, ['High'], 0, 'Fail'],
  ['critical High past criticalIncrease → 0 though the other two pass', [{ canary: { critical: true, effectSize: { criticalIncrease: 1.2 } }, series: { control: base, experiment: up } }, { series: { control: base, experiment: jitter } }, { series: { control: base, experiment: jitter } }], undefined, ['High', 'Pass', 'Pass'], 0, 'Fail', /Canary Failed: High/],
  ['critical High short of criticalIncrease → scored normally', [{ canary: { critical: true, effectSize: { criticalIncrease: 2 } }, series: { control: base, experiment: up } }, { series: { control: base, experiment: jitter } }, { series: { control: base, experiment: jitter } }], undefined, ['High', 'Pass', 'Pass'], 66.67, 'Marginal', /below pass 75/],
  ['muted High (even critical) leaves the score alone', [{ canary: { muted: true, critical: true }, series: { control: base, experiment: up } }, { series: { control: base, experiment: jitter } }], undefined, ['High', 'Pass'], 100, 'Pass'],
  ['weighted group a 70 fails, unweighted b gets the other 30', [{ groups: ['a'], series: { control: base, experiment: up } }, { groups: ['b'], series: { control: base, experiment: jitter } }], { a: 70 }, ['High', 'Pass'], 30, 'Fail'],
  ['weights need not sum to 100: a 40 + b 40 → at most 80', [{ groups: ['a'], series: { control: base, experiment: jitter } }, { groups: ['b'], series: { control: base, experiment: jitter } }], { a: 40, b: 40 }, ['Pass', 'Pass'], 80, 'Pass'],
  ['a metric in two groups counts in both', [{ groups: ['a', 'b'], series: { control: base, experiment: up } }, { groups: ['b'], series: { control: base, experiment: jitter } }], undefined, ['High', 'Pass'], 25, 'Fail'],
  ['score rounds half up to 2 decimals: 2 of 3 → 66.67 (Marginal)', [{ series: { control: base, experiment: up } }, { series: { control: base, experiment: jitter } }, { series: { control: base, experiment: jitter } }], undefined, ['High', 'Pass', 'Pass'], 66.67, 'Marginal'],
];

describe('judgeKayenta: edge cases', () => {
  it.each(EDGE_TABLE)('%s', (_name, specs, weights, classifications, score, verdict, reason) => {
    const result = run(specs, weights);
    expect(result.metrics.map((m) => m.classification)).toEqual(classifications);
    expect(result.score).toBe(score);
    expect(result.classification).toBe(verdict);
    if (reason) expect(result.reason).toMatch(reason);
    for (const metric of result.metrics) expect(metric.reason.length).toBeGreaterThan(0);
  });

  it('reports why and the data summaries for every metric', () => {
    const result = run([{ canary: { direction: 'increase', outliers: { strategy: 'remove' } }, series: { control: [...base, 500], experiment: [...up, Number.NaN] } }]);
    const metric = result.metrics[0]!;
    expect(metric.control).toMatchObject({ count: 12, outliersRemoved: 1, nanRemoved: 0, max: 12.5, min: 10 });
    expect(metric.experiment).toMatchObject({ count: 12, nanRemoved: 1, outliersRemoved: 0 });
    expect(metric.experiment.median).toBeCloseTo(11.1 * 1.5, 10);
    expect(metric.ratio).toBeCloseTo(1.5, 10);
    expect(metric.comparison).toMatchObject({ effectSizeMeasure: 'meanRatio', noiseAdded: false });
    expect(metric.comparison!.lowerConfidence).toBeGreaterThan(metric.comparison!.band[1]);
    expect(metric.reason).toMatch(/^High: the 98% interval \[.*\] of the shift .* lies above the tolerance band ±.* and meanRatio 1\.5 ≥ allowedIncrease 1$/);
    expect(metric.settings).toEqual({
      direction: 'increase',
      nanStrategy: 'remove',
      outliers: 'remove',
      outlierFactor: 3,
      mustHaveData: false,
      effectSize: { measure: 'meanRatio', allowedIncrease: 1, allowedDecrease: 1, criticalIncrease: 1, criticalDecrease: 1 },
    });
  });

  it('keeps an outlier with the default strategy (keep)', () => {
    const metric = run([{ series: { control: [...base, 500], experiment: base } }]).metrics[0]!;
    expect(metric.control).toMatchObject({ count: 13, outliersRemoved: 0, max: 500 });
  });

  it('rounds as commons-math Precision.round does (half up on the shortest decimal)', () => {
    expect([roundHalfUp(1.005, 2), roundHalfUp(0.125, 2), roundHalfUp(33.333333333333336, 2), roundHalfUp(-2.675, 2), roundHalfUp(1e-7, 2)]).toEqual([1.01, 0.13, 33.33, -2.68, 0]);
  });
});

describe("Kayenta's canary config documents", () => {
  it.each(['prometheus-integration-test-cpu.json', 'prometheus-muted-metric.json', 'scratch-newrelic.json', 'scratch-prometheus.json'])('%s parses', (file) => {
    const parsed = kayentaCanaryConfigSchema.safeParse(fixture(file));
    expect(parsed.error?.issues).toBeUndefined();
    // Unknown keys survive, so a stored document reads back as it was sent.
    expect(parsed.data).toEqual(fixture(file));
  });

  it('refuses the duplicated metric name Kayenta refuses (kayenta-web CanaryConfigControllerTest)', () => {
    // The document also lacks each metric's query, which Kayenta's model requires (@NotNull) as well.
    const document = fixture('web-duplicated-metric-name.json') as { metrics: Record<string, unknown>[] };
    const missingQuery = kayentaCanaryConfigSchema.safeParse(document);
    expect(missingQuery.error!.issues.map((issue) => issue.path.join('.'))).toEqual(['metrics.0.query', 'metrics.1.query']);
    for (const metric of document.metrics) metric.query = { type: 'prometheus', metricName: 'mem' };
    const parsed = kayentaCanaryConfigSchema.safeParse(document);
    expect(parsed.error!.issues.map((issue) => [issue.path.join('.'), issue.message])).toEqual([['metrics.1.name', 'duplicate metric name "mem"']]);
  });

  it('names the field of a misspelt direction (Kayenta would silently use either)', () => {
    const config = fixture('prometheus-integration-test-cpu.json') as { metrics: { analysisConfigurations: { canary: { direction: string } } }[] };
    config.metrics[0]!.analysisConfigurations.canary.direction = 'increse';
    const parsed = kayentaCanaryConfigSchema.safeParse(config);
    expect(parsed.error!.issues[0]!.path.join('.')).toBe('metrics.0.analysisConfigurations.canary.direction');
  });

  it("judges Kayenta's Prometheus integration config: a good canary passes, a CPU-hungry one fails critically", () => {
    const config = kayentaCanaryConfigSchema.parse(fixture('prometheus-integration-test-cpu.json'));
    const thresholds = config.classifier!.scoreThresholds!;
    const good = judgeKayenta(config, thresholds, { 'CPU usage for service': { control: base, experiment: jitter } });
    expect(good).toMatchObject({ judgeName: 'NetflixACAJudge-v1.0', score: 100, classification: 'Pass' });
    const bad = judgeKayenta(config, thresholds, { 'CPU usage for service': { control: base, experiment: up } });
    expect(bad).toMatchObject({ score: 0, classification: 'Fail' });
    expect(bad.metrics[0]).toMatchObject({ classification: 'High', critical: true });
    expect(bad.reason).toMatch(/^Canary Failed: High: .*\(critical: meanRatio 1\.5 is past criticalIncrease 1\)$/);
  });

  it("judges Kayenta's muted-metric config: the muted critical failure does not fail the canary", () => {
    const config = kayentaCanaryConfigSchema.parse(fixture('prometheus-muted-metric.json'));
    const result = judgeKayenta(config, { pass: 75, marginal: 50 }, {
      'Failing metric': { control: base, experiment: up },
      'Successful metric': { control: base, experiment: jitter },
    });
    expect(result.metrics.map((m) => [m.classification, m.critical, m.muted])).toEqual([
      ['High', true, true],
      ['Pass', false, false],
    ]);
    expect(result).toMatchObject({ score: 100, classification: 'Pass' });
  });
});
