import { describe, expect, it } from 'vitest';
import { resizedCapacity } from './resize';

const current = { min: 2, desired: 4, max: 6 };

describe('resizedCapacity (Spinnaker resize actions)', () => {
  it('scales up and down by a percentage (rounded up) or a count, never below 0', () => {
    expect(resizedCapacity({ action: 'scale_up', scalePct: 50 }, current)).toEqual({ min: 3, desired: 6, max: 9 });
    expect(resizedCapacity({ action: 'scale_down', resizeType: 'pct', scalePct: 100 }, current)).toEqual({ min: 0, desired: 0, max: 0 });
    expect(resizedCapacity({ action: 'scale_up', resizeType: 'incr', scaleNum: 1, scalePct: 50 }, current)).toEqual({ min: 3, desired: 5, max: 7 });
    expect(resizedCapacity({ action: 'scale_down', scaleNum: 5 }, current)).toEqual({ min: 0, desired: 0, max: 1 });
    expect(resizedCapacity({ action: 'scale_up' }, current)).toEqual(current);
  });

  it('sets an exact capacity, keeping what it leaves out', () => {
    expect(resizedCapacity({ action: 'scale_exact', capacity: { min: 1, desired: 1, max: 1 } }, current)).toEqual({ min: 1, desired: 1, max: 1 });
    expect(resizedCapacity({ action: 'scale_exact', capacity: { desired: 5 } }, current)).toEqual({ min: 2, desired: 5, max: 6 });
    expect(resizedCapacity({ action: 'scale_exact', capacity: { max: 3 } }, current)).toEqual({ min: 2, desired: 3, max: 3 });
  });

  it('scales to the largest group of the cluster, plus the increment, within max', () => {
    const cluster = [current, { min: 1, desired: 5, max: 8 }];
    expect(resizedCapacity({ action: 'scale_to_cluster' }, current, cluster)).toEqual({ min: 2, desired: 5, max: 8 });
    expect(resizedCapacity({ action: 'scale_to_cluster', scaleNum: 10 }, current, cluster)).toEqual({ min: 2, desired: 8, max: 8 });
    expect(resizedCapacity({ action: 'scale_to_cluster', scalePct: 20 }, current, cluster)).toEqual({ min: 2, desired: 6, max: 8 });
  });
});
