/**
 * The chaos stage's decisions (docs/architecture.md "Strategies"): how many instances of a server
 * group to terminate, which ones, whether the guard rail allows it, and whether the group has
 * recovered. Pure: the worker's tasks read the group, ask here, and record the answer before any
 * instance is touched, so a retried task acts on the same victims.
 */

/** An instance as the provider lists it (`listInstances`). */
export interface ChaosInstance {
  id: string;
  healthy: boolean;
}

/** How many to kill: `count` instances, or `percentage` of the group's desired capacity. */
export type ChaosAmount = { count: number } | { percentage: number };

/**
 * The number of victims. A percentage is of the desired capacity, rounded down but at least one
 * when above 0 (a 10 % kill of a group of 3 still proves something); never more than the group has.
 */
export function victimCount(amount: ChaosAmount, desired: number, available: number): number {
  const wanted = 'count' in amount ? amount.count : amount.percentage > 0 ? Math.max(1, Math.floor((desired * amount.percentage) / 100)) : 0;
  return Math.min(wanted, available);
}

/**
 * Chooses `count` victims: healthy instances first (killing one that is already down proves
 * nothing about tolerating a loss), in an order drawn from `random`: a seeded source (core's
 * `randomFromSeed`) makes the same seed and instances give the same choice.
 */
export function chooseVictims(instances: readonly ChaosInstance[], count: number, random: () => number): string[] {
  const shuffled = [...instances].sort((a, b) => a.id.localeCompare(b.id)).map((instance) => ({ instance, key: random() }));
  shuffled.sort((a, b) => Number(b.instance.healthy) - Number(a.instance.healthy) || a.key - b.key);
  return shuffled.slice(0, Math.max(0, count)).map(({ instance }) => instance.id);
}

export type ChaosGuardVerdict = { allowed: true; healthyAfter: number } | { allowed: false; reason: string };

/**
 * The guard rail: after the kill, the healthy instances left must be at least `minHealthyPercent`
 * of the desired capacity. A kill of nothing is refused too: the stage would prove nothing.
 */
export function checkChaosKill(input: { desired: number; instances: readonly ChaosInstance[]; victims: readonly string[]; minHealthyPercent: number }): ChaosGuardVerdict {
  const { desired, instances, victims, minHealthyPercent } = input;
  if (victims.length === 0) return { allowed: false, reason: `no instance to terminate (the group has ${instances.length} instances)` };
  const killed = new Set(victims);
  const healthyNow = instances.filter((instance) => instance.healthy).length;
  const healthyAfter = instances.filter((instance) => instance.healthy && !killed.has(instance.id)).length;
  const base = Math.max(desired, 1);
  const percentAfter = (healthyAfter * 100) / base;
  if (percentAfter < minHealthyPercent) {
    return {
      allowed: false,
      reason:
        `terminating ${victims.length} of ${instances.length} instances would leave ${healthyAfter} of ${desired} healthy (${Math.floor(percentAfter)} %), ` +
        `below minHealthyPercent ${minHealthyPercent} (${healthyNow} healthy now)`,
    };
  }
  return { allowed: true, healthyAfter };
}

/**
 * Recovered: none of the victims is still listed, and the group has its desired capacity of
 * healthy instances again (the replacements are up).
 */
export function hasRecovered(instances: readonly ChaosInstance[], victims: readonly string[], desired: number): boolean {
  const killed = new Set(victims);
  if (instances.some((instance) => killed.has(instance.id))) return false;
  return instances.filter((instance) => instance.healthy).length >= desired;
}
