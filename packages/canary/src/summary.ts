/** The five numbers of a box plot: what a report shows of each side's samples instead of the samples. */
export interface SampleSummary {
  min: number;
  q1: number;
  median: number;
  q3: number;
  max: number;
}

/**
 * Min, quartiles (linear interpolation between order statistics, R's type 7, as numpy's default)
 * and max of finite values; undefined for none. Small and fixed-size, so a stage's outputs can
 * carry it for every metric and step where the raw series would not fit.
 */
export function summarize(values: readonly number[]): SampleSummary | undefined {
  const sorted = values.filter(Number.isFinite).sort((a, b) => a - b);
  if (sorted.length === 0) return undefined;
  const at = (p: number) => {
    const position = p * (sorted.length - 1);
    const below = Math.floor(position);
    const lower = sorted[below]!;
    const upper = sorted[Math.min(below + 1, sorted.length - 1)]!;
    return lower + (upper - lower) * (position - below);
  };
  return { min: sorted[0]!, q1: at(0.25), median: at(0.5), q3: at(0.75), max: sorted[sorted.length - 1]! };
}

/** How many points of each side's series a report keeps: enough to see a trend, small enough for a stage's outputs. */
export const SERIES_POINTS = 60;

/**
 * A side's values in time order, cut into at most `points` consecutive buckets of (nearly) equal
 * length, each the mean of its finite values, null where it has none (a gap in the metric). What a
 * report draws over the step's window instead of the raw series, which could be thousands of points.
 */
export function downsample(values: readonly number[], points: number = SERIES_POINTS): (number | null)[] {
  const buckets = Math.min(points, values.length);
  return Array.from({ length: buckets }, (_, bucket) => {
    const slice = values.slice(Math.floor((bucket * values.length) / buckets), Math.floor(((bucket + 1) * values.length) / buckets)).filter(Number.isFinite);
    return slice.length === 0 ? null : slice.reduce((sum, value) => sum + value, 0) / slice.length;
  });
}
