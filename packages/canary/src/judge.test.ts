import { describe, expect, it } from 'vitest';
import { canaryConfigSchema, type CanaryConfig, type CanaryMetricConfig } from './config';
import { judge } from './judge';
import { failRate } from './simulation';

const low = [10, 11, 12, 10.5, 11.5, 12.5, 10.2, 11.2, 12.2, 10.8];
const high = low.map((v) => v + 5);
const latency = (overrides: Partial<CanaryMetricConfig> = {}): CanaryMetricConfig => ({ name: 'latency', direction: 'increase', ...overrides });
const config = (metrics: CanaryMetricConfig[], extra: Partial<CanaryConfig> = {}): CanaryConfig => ({ metrics, thresholds: { marginal: 50, pass: 80 }, ...extra });
const only = (report: ReturnType<typeof judge>) => report.metrics[0]!;

describe('canaryConfigSchema', () => {
  it('names the path of a bad field', () => {
    const parsed = canaryConfigSchema.safeParse({ metrics: [{ name: 'a', direction: 'up' }], thresholds: { marginal: 90, pass: 80 } });
    expect(parsed.success).toBe(false);
    const paths = parsed.error!.issues.map((issue) => issue.path.join('.'));
    expect(paths).toEqual(expect.arrayContaining(['metrics.0.direction', 'thresholds.marginal']));
  });

  it('rejects duplicate metric names and weights for groups that have no metric', () => {
    const parsed = canaryConfigSchema.safeParse({
      metrics: [latency(), latency()],
      thresholds: { marginal: 50, pass: 80 },
      groupWeights: { nope: 10 },
    });
    expect(parsed.error!.issues.map((issue) => [issue.path.join('.'), issue.message])).toEqual([
      ['metrics.1.name', 'duplicate metric name "latency"'],
      ['groupWeights.nope', 'no metric is in group "nope"'],
    ]);
  });
});

describe('judge: one metric', () => {
  it('classifies a significant increase High when increase is bad, and Pass when only decrease is', () => {
    const up = judge(config([latency()]), { latency: { baseline: low, canary: high } });
    expect(only(up)).toMatchObject({ classification: 'High', critical: false, baselineCount: 10, canaryCount: 10 });
    expect(only(up).shift).toBeCloseTo(5, 10);
    expect(only(up).pValue).toBeLessThan(0.02);
    expect(up).toMatchObject({ score: 0, result: 'fail' });

    const allowed = judge(config([latency({ direction: 'decrease' })]), { latency: { baseline: low, canary: high } });
    expect(only(allowed).classification).toBe('Pass');
    expect(only(allowed).reason).toMatch(/higher .* which direction decrease allows/);
    expect(allowed).toMatchObject({ score: 100, result: 'pass' });
  });

  it('classifies a significant decrease Low when decrease (or either) is bad', () => {
    for (const direction of ['decrease', 'either'] as const) {
      expect(only(judge(config([latency({ direction })]), { latency: { baseline: high, canary: low } })).classification).toBe('Low');
    }
    expect(only(judge(config([latency({ direction: 'either' })]), { latency: { baseline: low, canary: high } })).classification).toBe('High');
  });

  it('passes a change that is not significant at the configured confidence', () => {
    const canary = low.map((v, i) => v + (i % 2 === 0 ? 0.4 : -0.1));
    const report = only(judge(config([latency()]), { latency: { baseline: low, canary } }));
    expect(report.classification).toBe('Pass');
    expect(report.pValue).toBeGreaterThan(0.02);
    expect(report.ci[0]).toBeLessThan(0);
    expect(report.ci[1]).toBeGreaterThan(0);
  });

  it('lets the effect size turn a significant but small increase into Pass (ratio of means)', () => {
    const steady = Array.from({ length: 20 }, (_, i) => 100 + (i % 7) * 0.2 + i * 0.01);
    const slightlyHigher = steady.map((v) => v * 1.03);
    const strict = only(judge(config([latency()]), { latency: { baseline: steady, canary: slightlyHigher } }));
    expect(strict.classification).toBe('High');
    const tolerant = only(judge(config([latency({ effectSize: { allowedIncrease: 1.05 } })]), { latency: { baseline: steady, canary: slightlyHigher } }));
    expect(tolerant.classification).toBe('Pass');
    expect(tolerant.meanRatio).toBeCloseTo(1.03, 2);
    expect(tolerant.reason).toMatch(/within the allowed effect size/);
  });

  it('fails a metric with too little data, naming the counts, after dropping NaN', () => {
    const report = only(judge(config([latency()]), { latency: { baseline: [1, Number.NaN, 2, Number.NaN], canary: low } }));
    expect(report).toMatchObject({ classification: 'NodataFail', baselineCount: 2, canaryCount: 10 });
    expect(report.reason).toBe('not enough data: 3 points per side needed, baseline has 2, canary has 10');
    expect(only(judge(config([latency()]), {})).reason).toMatch(/baseline has 0, canary has 0/);
  });

  it("counts NaN as 0 with nanStrategy 'replace'", () => {
    const report = only(judge(config([latency({ nanStrategy: 'replace' })]), { latency: { baseline: [1, Number.NaN, 2, Number.NaN], canary: low } }));
    expect(report.baselineCount).toBe(4);
    expect(report.classification).toBe('High');
  });
});

describe('judge: scoring', () => {
  const errors: CanaryMetricConfig = { name: 'errors', direction: 'increase', group: 'errors' };
  const cpu: CanaryMetricConfig = { name: 'cpu', direction: 'increase', group: 'system' };
  const passing = { baseline: low, canary: low.map((v) => v + 0.01) };
  const failing = { baseline: low, canary: high };

  it('weighs groups by groupWeights, and metrics within a group by weight', () => {
    const report = judge(
      config([latency({ group: 'latency', weight: 3 }), { ...errors, group: 'latency' }, cpu], { groupWeights: { latency: 80 } }),
      { latency: passing, errors: failing, cpu: passing },
    );
    // latency group: 3 of 4 weight passed = 75, weighing 80 %; system gets the remaining 20 %.
    expect(report.groups).toEqual([
      { name: 'latency', score: 75, weight: 0.8 },
      { name: 'system', score: 100, weight: expect.closeTo(0.2, 12) },
    ]);
    expect(report.score).toBeCloseTo(80, 10);
    expect(report.result).toBe('pass');
  });

  it('weighs groups equally without groupWeights, and maps the score onto pass / marginal / fail', () => {
    const metrics = [latency(), errors, cpu];
    const oneOfThreeGroupsFails = judge(config(metrics, { thresholds: { marginal: 60, pass: 90 } }), { latency: passing, errors: failing, cpu: passing });
    expect(oneOfThreeGroupsFails.score).toBeCloseTo(200 / 3, 10);
    expect(oneOfThreeGroupsFails).toMatchObject({ result: 'marginal', reason: 'score 66.7 is below pass 90' });
    const twoFail = judge(config(metrics, { thresholds: { marginal: 60, pass: 90 } }), { latency: failing, errors: failing, cpu: passing });
    expect(twoFail).toMatchObject({ result: 'fail', reason: 'score 33.3 is below marginal 60' });
  });

  it('fails the judgment when a critical metric fails, whatever the score', () => {
    const metrics = [latency(), cpu, { ...errors, critical: true }];
    const report = judge(config(metrics, { thresholds: { marginal: 10, pass: 20 } }), { latency: passing, errors: failing, cpu: passing });
    expect(report.score).toBeGreaterThan(20);
    expect(report).toMatchObject({ result: 'fail', reason: 'critical metric failed: errors (High)' });
    const noData = judge(config(metrics, { thresholds: { marginal: 10, pass: 20 } }), { latency: passing, cpu: passing });
    expect(noData.reason).toBe('critical metric failed: errors (NodataFail)');
  });

  it('lets a critical metric fail without failing the run when it stays within its critical effect size', () => {
    const metrics = [latency(), cpu, { ...errors, critical: true, effectSize: { criticalIncrease: 2 } }];
    const report = judge(config(metrics, { thresholds: { marginal: 10, pass: 20 } }), { latency: passing, errors: failing, cpu: passing });
    expect(report.metrics.find((m) => m.name === 'errors')).toMatchObject({ classification: 'High', critical: false });
    expect(report.result).toBe('pass');
  });
});

describe('judge: simulated power (seeded, 200 runs each)', () => {
  const scenario = {
    runs: 200,
    points: 50,
    baselineMean: 100,
    sd: 10,
    seed: 42,
    config: config([latency()], { thresholds: { marginal: 50, pass: 95 } }),
  };

  it('fails at most 5 % of healthy canaries (identical distributions)', () => {
    const rate = failRate({ ...scenario, shift: 0 });
    console.info(`false-fail rate, identical N(100, 10), 50 points per side: ${(rate * 100).toFixed(1)} %`);
    expect(rate).toBeLessThanOrEqual(0.05);
  });

  it('catches at least 95 % of canaries whose latency mean is 10 % higher', () => {
    const rate = failRate({ ...scenario, shift: 0.1, seed: 7 });
    console.info(`detection rate, +10 % mean, 50 points per side: ${(rate * 100).toFixed(1)} %`);
    expect(rate).toBeGreaterThanOrEqual(0.95);
  });
});
