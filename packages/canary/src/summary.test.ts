import { describe, expect, it } from 'vitest';
import { classifyMetric } from './classify';
import { canaryMetricConfigSchema } from './config';
import { downsample, summarize } from './summary';

describe('summarize', () => {
  it('gives the quartiles by linear interpolation (numpy.percentile of [1, 2, 3, 4, 10])', () => {
    // numpy.percentile([1, 2, 3, 4, 10], [0, 25, 50, 75, 100]) = [1, 2, 3, 4, 10]
    expect(summarize([10, 3, 1, 4, 2])).toEqual({ min: 1, q1: 2, median: 3, q3: 4, max: 10 });
    // numpy.percentile([1, 2, 3, 4], [25, 50, 75]) = [1.75, 2.5, 3.25]
    expect(summarize([4, 1, 3, 2])).toEqual({ min: 1, q1: 1.75, median: 2.5, q3: 3.25, max: 4 });
  });

  it('ignores what is not a finite number, and has nothing to say about no values', () => {
    expect(summarize([Number.NaN, 5, Number.POSITIVE_INFINITY])).toEqual({ min: 5, q1: 5, median: 5, q3: 5, max: 5 });
    expect(summarize([])).toBeUndefined();
  });
});

describe('classifyMetric reports each side summarized', () => {
  it('gives the box plot numbers of baseline and canary, and none for a side without data', () => {
    const metric = canaryMetricConfigSchema.parse({ name: 'latency', direction: 'increase', minimumPoints: 3 });
    const report = classifyMetric(metric, { baseline: [1, 2, 3, 4, 10], canary: [4, 1, 3, 2] }, 0.99);
    expect(report).toMatchObject({ baselineSummary: { min: 1, q1: 2, median: 3, q3: 4, max: 10 }, canarySummary: { median: 2.5 } });
    const empty = classifyMetric(metric, { baseline: [1, 2, 3], canary: [] }, 0.99);
    expect(empty.canarySummary).toBeUndefined();
    expect(empty.baselineSummary).toMatchObject({ median: 2 });
  });
});

describe('downsample', () => {
  it('keeps a short series as it is, gaps as null', () => {
    expect(downsample([1, Number.NaN, 3])).toEqual([1, null, 3]);
    expect(downsample([])).toEqual([]);
  });

  it('cuts a long series into consecutive buckets, each the mean of its finite values', () => {
    // 10 values into 4 buckets: [0,1], [2,3,4], [5,6], [7,8,9] (floor(i*10/4) boundaries 0, 2, 5, 7, 10).
    expect(downsample([0, 1, 2, 3, 4, 5, 6, 7, 8, 9], 4)).toEqual([0.5, 3, 5.5, 8]);
    expect(downsample([Number.NaN, Number.NaN, 4, 6], 2)).toEqual([null, 5]);
    expect(downsample(Array.from({ length: 1000 }, (_, i) => i))).toHaveLength(60);
  });

  it('is what classifyMetric reports of each side over time, before NaNs are dropped', () => {
    const metric = canaryMetricConfigSchema.parse({ name: 'latency', direction: 'increase', minimumPoints: 1 });
    const report = classifyMetric(metric, { baseline: [1, Number.NaN, 3], canary: [2, 2] }, 0.99);
    expect(report).toMatchObject({ baselineSeries: [1, null, 3], canarySeries: [2, 2], baselineCount: 2 });
  });
});
