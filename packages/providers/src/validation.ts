import type { Capacity } from './CloudProvider';

/** Why a capacity is impossible, or undefined: whole numbers with 0 ≤ min ≤ desired ≤ max. */
export function capacityProblem(capacity: Capacity): string | undefined {
  const { min, max, desired } = capacity;
  const bad = Object.entries({ min, max, desired }).filter(([, value]) => !Number.isInteger(value) || value < 0);
  if (bad.length > 0) return `${bad.map(([key, value]) => `${key}=${value}`).join(', ')}: must be whole numbers ≥ 0`;
  if (min > desired || desired > max) return `need min ≤ desired ≤ max, got min=${min}, desired=${desired}, max=${max}`;
  return undefined;
}
