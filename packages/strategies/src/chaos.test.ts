import { describe, expect, it } from 'vitest';
import { checkChaosKill, chooseVictims, hasRecovered, victimCount } from './chaos';

/** A fixed sequence standing in for a seeded source. */
function sequence(...values: number[]): () => number {
  let index = 0;
  return () => values[index++ % values.length] ?? 0;
}

const three = [
  { id: 'a', healthy: true },
  { id: 'b', healthy: true },
  { id: 'c', healthy: true },
];

describe('victimCount', () => {
  it('takes a count, or a percentage of the desired capacity rounded down but at least one', () => {
    expect(victimCount({ count: 1 }, 3, 3)).toBe(1);
    expect(victimCount({ count: 5 }, 3, 3)).toBe(3);
    expect(victimCount({ percentage: 10 }, 3, 3)).toBe(1);
    expect(victimCount({ percentage: 50 }, 10, 10)).toBe(5);
    expect(victimCount({ percentage: 0 }, 10, 10)).toBe(0);
  });
});

describe('chooseVictims', () => {
  it('prefers healthy instances, in the order the random source draws, whatever the listing order', () => {
    const instances = [{ id: 'down', healthy: false }, ...three];
    // Draws are given to the instances sorted by id (a, b, c, down): the lowest draws go first.
    expect(chooseVictims(instances, 2, sequence(0.9, 0.1, 0.5, 0.0))).toEqual(['b', 'c']);
    expect(chooseVictims([...instances].reverse(), 2, sequence(0.9, 0.1, 0.5, 0.0))).toEqual(['b', 'c']);
    expect(chooseVictims(instances, 4, sequence(0.9, 0.1, 0.5, 0.0))).toEqual(['b', 'c', 'a', 'down']);
  });
});

describe('checkChaosKill', () => {
  it('allows a kill that keeps minHealthyPercent, refuses one below it naming why', () => {
    expect(checkChaosKill({ desired: 3, instances: three, victims: ['a'], minHealthyPercent: 50 })).toEqual({ allowed: true, healthyAfter: 2 });
    const refused = checkChaosKill({ desired: 3, instances: three, victims: ['a'], minHealthyPercent: 100 });
    expect(refused).toEqual({ allowed: false, reason: 'terminating 1 of 3 instances would leave 2 of 3 healthy (66 %), below minHealthyPercent 100 (3 healthy now)' });
    expect(checkChaosKill({ desired: 3, instances: [], victims: [], minHealthyPercent: 0 }).allowed).toBe(false);
  });
});

describe('hasRecovered', () => {
  it('needs the victims gone and the desired capacity healthy', () => {
    expect(hasRecovered(three, ['a'], 3)).toBe(false);
    expect(hasRecovered([three[1]!, three[2]!, { id: 'd', healthy: false }], ['a'], 3)).toBe(false);
    expect(hasRecovered([three[1]!, three[2]!, { id: 'd', healthy: true }], ['a'], 3)).toBe(true);
  });
});
