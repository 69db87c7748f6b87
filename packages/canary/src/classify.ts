import { DEFAULT_MINIMUM_POINTS, type CanaryMetricConfig, type MetricClassification, type MetricReport, type MetricSamples } from './config';
import { hodgesLehmann } from './hodgesLehmann';
import { mannWhitneyU } from './mannWhitney';
import { downsample, summarize } from './summary';

/** NaN and ±Infinity (Prometheus answers "NaN" and "+Inf") dropped, or counted as 0 with 'replace' (Kayenta's two strategies). */
export function cleanSamples(values: readonly number[], nanStrategy: 'remove' | 'replace' = 'remove'): number[] {
  return nanStrategy === 'replace' ? values.map((v) => (Number.isFinite(v) ? v : 0)) : values.filter(Number.isFinite);
}

function mean(values: readonly number[]): number {
  return values.reduce((sum, v) => sum + v, 0) / values.length;
}

/** Kayenta's effect size: mean(canary) / mean(baseline), NaN when either mean is 0 (then it does not gate). */
export function meanRatio(canary: readonly number[], baseline: readonly number[]): number {
  const canaryMean = mean(canary);
  const baselineMean = mean(baseline);
  return canaryMean === 0 || baselineMean === 0 ? Number.NaN : canaryMean / baselineMean;
}

const atLeast = (ratio: number, bound: number) => Number.isNaN(ratio) || ratio >= bound;
const atMost = (ratio: number, bound: number) => Number.isNaN(ratio) || ratio <= bound;
const percent = (ratio: number) => `${((ratio - 1) * 100).toFixed(1)} %`;

/**
 * One metric's verdict, after Kayenta's MannWhitneyClassifier: too little data → NodataFail; a
 * significant difference (p < 1 − confidence) in a bad direction whose mean ratio reaches the
 * allowed effect size → High or Low; anything else → Pass. The test's direction is the sign of
 * U − n1·n2/2 (the side the canary's ranks lean to), so it always agrees with the p-value.
 * Kayenta decides significance by the interval excluding a tolerance band around 0; this uses the
 * p-value, which the interval here mirrors (both invert the same continuity-corrected test).
 */
export function classifyMetric(metric: CanaryMetricConfig, samples: MetricSamples | undefined, confidence: number): MetricReport {
  const baseline = cleanSamples(samples?.baseline ?? [], metric.nanStrategy);
  const canary = cleanSamples(samples?.canary ?? [], metric.nanStrategy);
  const baselineSummary = summarize(baseline);
  const canarySummary = summarize(canary);
  const base = {
    name: metric.name,
    ...(metric.group === undefined ? {} : { group: metric.group }),
    baselineCount: baseline.length,
    canaryCount: canary.length,
    ...(baselineSummary === undefined ? {} : { baselineSummary }),
    ...(canarySummary === undefined ? {} : { canarySummary }),
    // From the values as read, gaps included: the series is drawn against time, not ranked.
    baselineSeries: downsample(samples?.baseline ?? []),
    canarySeries: downsample(samples?.canary ?? []),
  };
  const minimumPoints = metric.minimumPoints ?? DEFAULT_MINIMUM_POINTS;
  if (baseline.length < minimumPoints || canary.length < minimumPoints) {
    return {
      ...base,
      classification: 'NodataFail',
      critical: metric.critical === true,
      u: Number.NaN,
      pValue: Number.NaN,
      shift: Number.NaN,
      ci: [Number.NaN, Number.NaN],
      meanRatio: Number.NaN,
      reason: `not enough data: ${minimumPoints} points per side needed, baseline has ${baseline.length}, canary has ${canary.length}`,
    };
  }
  const test = mannWhitneyU(canary, baseline);
  const { shift, ci } = hodgesLehmann(canary, baseline, confidence);
  const ratio = meanRatio(canary, baseline);
  const effect = metric.effectSize ?? {};
  const allowedIncrease = effect.allowedIncrease ?? 1;
  const allowedDecrease = effect.allowedDecrease ?? 1;
  const alpha = 1 - confidence;
  const significant = test.pValue < alpha;
  const increased = significant && test.z > 0;
  const decreased = significant && test.z < 0;
  const badIfUp = metric.direction !== 'decrease';
  const badIfDown = metric.direction !== 'increase';

  let classification: MetricClassification = 'Pass';
  let reason: string | undefined;
  let critical = false;
  const significance = `p = ${test.pValue.toPrecision(3)} < ${alpha.toPrecision(3)}`;
  if (increased && badIfUp && atLeast(ratio, allowedIncrease)) {
    classification = 'High';
    reason = `canary is higher than baseline (${significance}, mean ratio ${ratio.toFixed(3)})`;
    critical = metric.critical === true && atLeast(ratio, effect.criticalIncrease ?? allowedIncrease);
  } else if (decreased && badIfDown && atMost(ratio, allowedDecrease)) {
    classification = 'Low';
    reason = `canary is lower than baseline (${significance}, mean ratio ${ratio.toFixed(3)})`;
    critical = metric.critical === true && atMost(ratio, effect.criticalDecrease ?? allowedDecrease);
  } else if (increased || decreased) {
    const way = increased ? 'higher' : 'lower';
    reason =
      (increased ? badIfUp : badIfDown)
        ? `canary is ${way} (${significance}) but within the allowed effect size (mean ratio ${ratio.toFixed(3)}, ${percent(ratio)})`
        : `canary is ${way} (${significance}), which direction ${metric.direction} allows`;
  }
  return { ...base, classification, critical, u: test.u, pValue: test.pValue, shift, ci, meanRatio: ratio, ...(reason === undefined ? {} : { reason }) };
}
