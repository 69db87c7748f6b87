import { describe, expect, it } from 'vitest';
import { capacityMatches, compareAge, describeHealth, isUp, newestFirst } from './serverGroups';
import { group } from './testSupport';

describe('server group facts', () => {
  it('is up when every desired instance is up', () => {
    expect(isUp(group(1))).toBe(true);
    expect(isUp(group(1, { health: { desired: 2, up: 1, down: 1, unknown: 0 } }))).toBe(false);
    expect(isUp(group(1, { health: { desired: 2, up: 3, down: 0, unknown: 0 } }))).toBe(true);
  });

  it('does not take "0 of 0 up" from a provider that has not computed the status yet', () => {
    expect(isUp(group(1, { health: { desired: 0, up: 0, down: 0, unknown: 0 } }))).toBe(false);
    expect(isUp(group(1, { capacity: { min: 0, max: 0, desired: 0 }, health: { desired: 0, up: 0, down: 0, unknown: 0 } }))).toBe(true);
  });

  it('matches a capacity only when the surplus is gone too', () => {
    const capacity = { min: 1, max: 1, desired: 1 };
    expect(capacityMatches({ desired: 1, up: 1, down: 0, unknown: 0 }, capacity)).toBe(true);
    expect(capacityMatches({ desired: 1, up: 3, down: 0, unknown: 0 }, capacity)).toBe(false);
    expect(capacityMatches({ desired: 3, up: 1, down: 0, unknown: 0 }, capacity)).toBe(false);
  });

  it('orders by creation time, then by sequence for equal times', () => {
    const sameSecond = new Date(Date.UTC(2025, 0, 1));
    const a = group(4, { createdAt: sameSecond });
    const b = group(5, { createdAt: sameSecond });
    expect(compareAge(a, b)).toBeLessThan(0);
    // A wrapped cluster: v000 was created after v999.
    const wrapped = group(0, { createdAt: new Date(Date.UTC(2026, 0, 1)) });
    expect(newestFirst([group(998), wrapped, group(999)]).map((g) => g.name)).toEqual(['app-v000', 'app-v999', 'app-v998']);
  });

  it('describes health for error messages', () => {
    expect(describeHealth({ desired: 3, up: 1, down: 2, unknown: 0 })).toBe('up 1/3, down 2, unknown 0');
  });
});
