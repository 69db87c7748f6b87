import type { ServerGroupView } from './serverGroups';

/**
 * Spinnaker's traffic guard, as a decision: a protected cluster must keep serving. A disable,
 * destroy or resize to 0 is refused when, after it, no group of the cluster would be enabled with
 * an instance up. Like Spinnaker, a cluster with no instance up at all is left alone: it serves
 * nothing the guard could protect, and refusing would block the repair.
 *
 * The caller passes the cluster as the provider lists it just before acting, in one location
 * (a guard protects each region or namespace on its own).
 */
export type GuardedGroup = Pick<ServerGroupView, 'name' | 'enabled' | 'health'>;

/** What the action takes away: these groups stop serving (disabled, destroyed or sized to 0). */
export type TrafficRemoval = { operation: 'disable' | 'destroy' | 'resize to 0'; serverGroups: readonly string[] };

export type TrafficGuardVerdict =
  | { allowed: true }
  | {
      allowed: false;
      /** The groups serving now; all of them would stop. */
      serving: string[];
      reason: string;
    };

/** A group serves when it takes traffic and has an instance up to answer it. */
export function isServing(group: GuardedGroup): boolean {
  return group.enabled && group.health.up > 0;
}

export function checkTrafficRemoval(groups: readonly GuardedGroup[], removal: TrafficRemoval): TrafficGuardVerdict {
  const goingAway = new Set(removal.serverGroups);
  const serving = groups.filter(isServing);
  if (serving.length === 0) return { allowed: true };
  if (serving.some((group) => !goingAway.has(group.name))) return { allowed: true };
  const names = serving.map((group) => group.name);
  return {
    allowed: false,
    serving: names,
    reason: `${removal.operation} of ${removal.serverGroups.join(', ')} would leave the cluster with no enabled server group with instances up (serving now: ${names.join(', ')})`,
  };
}
