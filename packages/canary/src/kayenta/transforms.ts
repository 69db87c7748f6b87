import type { KayentaNanStrategy } from './classifier';

/**
 * The p-th percentile (0 < p ≤ 100) by R's type 7 / commons-math's R_7 estimator, which Kayenta's
 * IQR detector and summaries use: linear interpolation between the order statistics around
 * (n − 1)·p/100. NaN for no data.
 */
export function percentileR7(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  // commons-math's arithmetic, 1-based, so interpolation weights round as Kayenta's do.
  const position = p === 100 ? sorted.length : 1 + (sorted.length - 1) * (p / 100);
  const lowerRank = Math.floor(position);
  if (position < 1) return sorted[0]!;
  if (position >= sorted.length) return sorted[sorted.length - 1]!;
  const lower = sorted[lowerRank - 1]!;
  return lower + (position - lowerRank) * (sorted[lowerRank]! - lower);
}

/**
 * Kayenta's outlier fences (IQRDetector with reduceSensitivity, as NetflixACAJudge builds it):
 * Tukey's fences Q1 − k·IQR and Q3 + k·IQR, widened to the 1st and 99th percentiles when those
 * lie further out, so a fence never cuts more than the extreme percent.
 */
export function outlierFences(values: readonly number[], factor: number, reduceSensitivity = true): [number, number] {
  const q1 = percentileR7(values, 25);
  const q3 = percentileR7(values, 75);
  const iqr = q3 - q1;
  const lower = q1 - factor * iqr;
  const upper = q3 + factor * iqr;
  if (!reduceSensitivity) return [lower, upper];
  return [Math.min(percentileR7(values, 1), lower), Math.max(percentileR7(values, 99), upper)];
}

/** Which values fall outside the fences (strictly), in input order. */
export function detectOutliers(values: readonly number[], factor: number, reduceSensitivity = true): boolean[] {
  const [lower, upper] = outlierFences(values, factor, reduceSensitivity);
  return values.map((v) => v > upper || v < lower);
}

export interface SeriesSummary {
  count: number;
  mean: number;
  median: number;
  min: number;
  max: number;
  /** Sample standard deviation (n − 1), Kayenta's `std`. */
  std: number;
  /** NaN values removed (nanStrategy remove) or replaced by 0 (replace). */
  nanRemoved: number;
  nanReplaced: number;
  outliersRemoved: number;
}

export interface PreparedSeries {
  values: number[];
  summary: SeriesSummary;
}

/**
 * NetflixACAJudge's transformMetric: NaN handled first (only NaN: Kayenta keeps ±Infinity), then,
 * with outlier strategy remove, values outside `outlierFences` dropped. Empty series summarize to
 * zeros, as Kayenta's DescriptiveStatistics do.
 */
export function prepareSeries(raw: readonly number[], nanStrategy: KayentaNanStrategy, removeOutliers: boolean, outlierFactor: number): PreparedSeries {
  const nans = raw.filter(Number.isNaN).length;
  const afterNan = nanStrategy === 'replace' ? raw.map((v) => (Number.isNaN(v) ? 0 : v)) : raw.filter((v) => !Number.isNaN(v));
  let values = afterNan;
  if (removeOutliers) {
    const outliers = detectOutliers(afterNan, outlierFactor);
    values = afterNan.filter((_, i) => !outliers[i]);
  }
  const n = values.length;
  const mean = n === 0 ? 0 : values.reduce((s, v) => s + v, 0) / n;
  const variance = n < 2 ? 0 : values.reduce((s, v) => s + (v - mean) ** 2, 0) / (n - 1);
  return {
    values,
    summary: {
      count: n,
      mean,
      median: n === 0 ? 0 : percentileR7(values, 50),
      min: n === 0 ? 0 : Math.min(...values),
      max: n === 0 ? 0 : Math.max(...values),
      std: Math.sqrt(variance),
      nanRemoved: nanStrategy === 'remove' ? nans : 0,
      nanReplaced: nanStrategy === 'replace' ? nans : 0,
      outliersRemoved: afterNan.length - n,
    },
  };
}
