import { describe, expect, it } from 'vitest';
import { RoundRobin, SmoothWeightedRoundRobin, asPercentages, routingWeights } from './balancer';

function picks(weights: Map<string, number>, count: number, picker = new SmoothWeightedRoundRobin()): string[] {
  return Array.from({ length: count }, () => picker.next(weights) ?? '-');
}

function tally(names: string[]): Record<string, number> {
  return names.reduce<Record<string, number>>((counts, name) => ({ ...counts, [name]: (counts[name] ?? 0) + 1 }), {});
}

describe('routingWeights', () => {
  const groups = [
    { name: 'a', enabled: true, upInstances: 2 },
    { name: 'b', enabled: true, upInstances: 1 },
    { name: 'c', enabled: false, upInstances: 3 },
    { name: 'd', enabled: true, upInstances: 0 },
  ];

  it('shares by up instances among enabled groups without explicit weights', () => {
    expect(routingWeights(groups, null)).toEqual(new Map([['a', 2], ['b', 1]]));
  });

  it('applies explicit weights to enabled groups with an up instance only', () => {
    expect(routingWeights(groups, { a: 10, b: 90 })).toEqual(new Map([['a', 10], ['b', 90]]));
    // d is weighted but has nothing up: its share goes to the others instead of failing requests.
    expect(routingWeights(groups, { a: 50, d: 50 })).toEqual(new Map([['a', 50]]));
    expect(routingWeights(groups, { c: 100 })).toEqual(new Map());
  });
});

describe('SmoothWeightedRoundRobin', () => {
  it('is exact over every window of total picks, and interleaves', () => {
    const weights = new Map([['a', 30], ['b', 70]]);
    const sequence = picks(weights, 300);
    for (let start = 0; start + 100 <= 300; start += 100) expect(tally(sequence.slice(start, start + 100))).toEqual({ a: 30, b: 70 });
    expect(picks(new Map([['a', 1], ['b', 2]]), 6)).toEqual(['b', 'a', 'b', 'b', 'a', 'b']);
  });

  it('starts over when the weights change, and picks nothing from nothing', () => {
    const picker = new SmoothWeightedRoundRobin();
    picks(new Map([['a', 99], ['b', 1]]), 37, picker);
    expect(tally(picks(new Map([['a', 1], ['b', 3]]), 8, picker))).toEqual({ a: 2, b: 6 });
    expect(picker.next(new Map())).toBeUndefined();
  });
});

describe('asPercentages', () => {
  it('sums to 100 by largest remainder', () => {
    expect(asPercentages(new Map([['a', 1], ['b', 1], ['c', 1]]))).toEqual(new Map([['a', 34], ['b', 33], ['c', 33]]));
    expect(asPercentages(new Map([['a', 25], ['b', 75]]))).toEqual(new Map([['a', 25], ['b', 75]]));
    expect(asPercentages(new Map())).toEqual(new Map());
  });
});

describe('RoundRobin', () => {
  it('cycles over however many there are now', () => {
    const roundRobin = new RoundRobin();
    expect([3, 3, 3, 3].map((count) => roundRobin.next(count))).toEqual([1, 2, 0, 1]);
    expect(roundRobin.next(0)).toBe(-1);
  });
});
