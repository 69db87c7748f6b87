import { describe, expect, it } from 'vitest';
import { capacityScalers, isServing, weightedBackends, withBackend, withoutBackend } from './traffic';

const group = (name: string) => `projects/p/regions/r/instanceGroups/${name}`;
const url = (name: string) => `https://www.googleapis.com/compute/v1/${group(name)}`;

describe('gcp backend edits', () => {
  it('scales capacity relative to the heaviest weight, never below GCE minimum 0.1', () => {
    expect(capacityScalers({ a: 50, b: 50 })).toEqual({ a: 1, b: 1 });
    expect(capacityScalers({ a: 75, b: 25 })).toEqual({ a: 1, b: 0.3333 });
    expect(capacityScalers({ a: 99, b: 1 })).toEqual({ a: 1, b: 0.1 });
    expect(capacityScalers({ a: 100, b: 0 })).toEqual({ a: 1 });
  });

  it('adds, rescales and removes one group, and says when nothing changes', () => {
    const added = withBackend([], group('a'), 1);
    expect(added).toEqual([{ group: group('a'), balancingMode: 'UTILIZATION', capacityScaler: 1 }]);
    const stored = [{ group: url('a'), balancingMode: 'UTILIZATION', capacityScaler: 1, maxUtilization: 0.8 }];
    expect(withBackend(stored, group('a'), 1)).toBeNull();
    expect(withBackend(stored, group('a'), 0.5)).toEqual([{ ...stored[0], capacityScaler: 0.5 }]);
    expect(withoutBackend(stored, group('a'))).toEqual([]);
    expect(withoutBackend(stored, group('b'))).toBeNull();
    expect(isServing(stored, group('a'))).toBe(true);
    expect(isServing([{ ...stored[0], capacityScaler: 0 }], group('a'))).toBe(false);
  });

  it("applies cluster weights and leaves other clusters' backends alone", () => {
    const foreign = { group: url('other-v001'), capacityScaler: 1 };
    const backends = [foreign, { group: url('web-v001'), capacityScaler: 1 }];
    const groups = new Map([
      ['web-v001', group('web-v001')],
      ['web-v002', group('web-v002')],
    ]);
    expect(weightedBackends(backends, groups, { 'web-v002': 100 })).toEqual([foreign, { group: group('web-v002'), balancingMode: 'UTILIZATION', capacityScaler: 1 }]);
    expect(weightedBackends(backends, groups, { 'web-v001': 100 })).toBeNull();
  });
});
