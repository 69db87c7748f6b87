import { describe, expect, it } from 'vitest';
import { RequestSamples, percentile } from './samples';

describe('RequestSamples', () => {
  const samples = new RequestSamples(100);
  // Step 0 (1000..1999): 4 requests, one error; step 1: none; step 2: 2 requests.
  [
    [1_000, 10, false],
    [1_100, 20, true],
    [1_500, 30, false],
    [1_999, 40, false],
    [3_000, 5, false],
    [3_500, 15, false],
  ].forEach(([at, latency, error]) => samples.record(at as number, latency as number, error as boolean));

  it('summarizes each step, null where no request came', () => {
    expect(samples.series('errorRate', 1_000, 4_000, 1_000)).toEqual([0.25, null, 0]);
    expect(samples.series('requestRate', 1_000, 4_000, 1_000)).toEqual([4, null, 2]);
    expect(samples.series('latencyMean', 1_000, 4_000, 1_000)).toEqual([25, null, 10]);
    expect(samples.series('latencyP50', 1_000, 4_000, 1_000)).toEqual([20, null, 5]);
    expect(samples.series('latencyP99', 1_000, 4_000, 1_000)).toEqual([40, null, 15]);
    expect(samples.series('requestRate', 1_000, 4_000, 3_000)).toEqual([2]);
  });

  it('keeps only the newest requests once full', () => {
    const ring = new RequestSamples(3);
    for (let at = 0; at < 5; at++) ring.record(at, at, false);
    expect(ring.series('requestRate', 0, 5, 1)).toEqual([null, null, 1000, 1000, 1000]);
  });
});

describe('percentile', () => {
  it('is nearest-rank: a value some request had', () => {
    const values = Array.from({ length: 100 }, (_, i) => 100 - i);
    expect(percentile(values, 0.5)).toBe(50);
    expect(percentile(values, 0.95)).toBe(95);
    expect(percentile(values, 0.99)).toBe(99);
    expect(percentile([7], 0.99)).toBe(7);
  });
});
