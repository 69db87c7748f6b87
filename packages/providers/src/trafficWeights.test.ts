import { describe, expect, it } from 'vitest';
import { capacityProblem } from './validation';
import { evenWeights, replicaSplit, trafficPlan, weightsProblem } from './trafficWeights';

const groups = ['c-v001', 'c-v002', 'c-v003'];

describe('evenWeights', () => {
  it('splits 100 in whole shares, the first names taking the remainder', () => {
    expect(evenWeights(['a', 'b', 'c'])).toEqual({ a: 34, b: 33, c: 33 });
    expect(evenWeights(['a'])).toEqual({ a: 100 });
    expect(evenWeights([])).toEqual({});
  });
});

describe('weights', () => {
  it('accepts whole percentages of known groups summing to 100', () => {
    expect(weightsProblem({ 'c-v001': 90, 'c-v002': 10 }, groups)).toBeUndefined();
    expect(weightsProblem({ 'c-v002': 100, 'c-v001': 0 }, groups)).toBeUndefined();
  });

  it('explains what is wrong', () => {
    expect(weightsProblem({}, groups)).toMatch(/no weights/);
    expect(weightsProblem({ 'c-v001': 50.5, 'c-v002': 49.5 }, groups)).toMatch(/whole numbers.*c-v001=50.5/);
    expect(weightsProblem({ 'c-v001': 60, 'c-v002': 60 }, groups)).toMatch(/sum to 100, not 120/);
    expect(weightsProblem({ 'c-v009': 100 }, groups)).toMatch(/not server groups of this cluster: c-v009/);
  });

  it('enables groups with weight, disables the rest including unlisted ones', () => {
    expect(trafficPlan({ 'c-v001': 90, 'c-v002': 10 }, groups)).toEqual({ enable: ['c-v001', 'c-v002'], disable: ['c-v003'] });
    expect(trafficPlan({ 'c-v003': 100, 'c-v002': 0 }, groups)).toEqual({ enable: ['c-v003'], disable: ['c-v001', 'c-v002'] });
  });
});

describe('capacityProblem', () => {
  it('needs whole numbers with min ≤ desired ≤ max', () => {
    expect(capacityProblem({ min: 0, max: 0, desired: 0 })).toBeUndefined();
    expect(capacityProblem({ min: 1, max: 3, desired: 2 })).toBeUndefined();
    expect(capacityProblem({ min: 3, max: 5, desired: 2 })).toMatch(/min ≤ desired ≤ max/);
    expect(capacityProblem({ min: -1, max: 1.5, desired: 1 })).toMatch(/min=-1, max=1.5/);
  });
});

describe('replicaSplit', () => {
  it('splits the replicas in proportion to the weights, summing to the total', () => {
    expect(replicaSplit({ a: 75, b: 25 }, 8)).toEqual({ a: 6, b: 2 });
    expect(replicaSplit({ a: 90, b: 10 }, 10)).toEqual({ a: 9, b: 1 });
    expect(replicaSplit({ a: 50, b: 50 }, 5)).toEqual({ a: 3, b: 2 });
    const thirds = replicaSplit({ a: 34, b: 33, c: 33 }, 10);
    expect(Object.values(thirds).reduce((x, y) => x + y, 0)).toBe(10);
  });

  it('gives every group with traffic at least one replica, and none to a zero weight', () => {
    expect(replicaSplit({ a: 99, b: 1 }, 4)).toEqual({ a: 3, b: 1 });
    expect(replicaSplit({ a: 100, b: 0 }, 4)).toEqual({ a: 4 });
    expect(replicaSplit({ a: 50, b: 50 }, 1)).toEqual({ a: 1, b: 1 });
  });
});
