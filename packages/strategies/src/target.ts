import { compareAge, newestFirst, type ServerGroupView } from './serverGroups';

/**
 * Which server group of a cluster a stage acts on, in Spinnaker's terms:
 * - `current`: the newest group that takes traffic;
 * - `previous` (alias `ancestor`): the newest group older than the current one;
 * - `oldest`: the oldest group, refused while the cluster has only one (Spinnaker does the same,
 *   so "clean up the oldest" never takes down a cluster's only group);
 * - `largest`: the most desired instances, the newest of equals;
 * - `{name}`: exactly that group.
 */
export const DYNAMIC_TARGETS = ['current', 'previous', 'ancestor', 'oldest', 'largest'] as const;
export type DynamicTarget = (typeof DYNAMIC_TARGETS)[number];
export type TargetSelector = DynamicTarget | { name: string };

/** Spinnaker's spellings, so pasted pipelines work. Its "static" variants resolve the same way here. */
export const SPINNAKER_TARGETS: Readonly<Record<string, DynamicTarget>> = {
  current_asg_dynamic: 'current',
  current_asg: 'current',
  ancestor_asg_dynamic: 'previous',
  ancestor_asg: 'previous',
  oldest_asg_dynamic: 'oldest',
  largest_asg_dynamic: 'largest',
};

/** A target as written in a stage (Gantry's or Spinnaker's spelling) → the selector; undefined if unknown. */
export function parseTarget(text: string): DynamicTarget | undefined {
  if ((DYNAMIC_TARGETS as readonly string[]).includes(text)) return text as DynamicTarget;
  return SPINNAKER_TARGETS[text];
}

export type TargetGroup = Pick<ServerGroupView, 'name' | 'sequence' | 'enabled' | 'capacity' | 'createdAt'>;

export type TargetResult<G> = { ok: true; serverGroup: G } | { ok: false; reason: string };

export function selectTarget<G extends TargetGroup>(groups: readonly G[], target: TargetSelector): TargetResult<G> {
  if (typeof target === 'object') {
    const named = groups.find((group) => group.name === target.name);
    return named ? { ok: true, serverGroup: named } : { ok: false, reason: `no server group named ${target.name}` };
  }
  if (groups.length === 0) return { ok: false, reason: `no server groups, so no ${target} one` };
  const byAge = newestFirst(groups);
  switch (target) {
    case 'current':
      return currentOf(byAge);
    case 'previous':
    case 'ancestor': {
      const current = currentOf(byAge);
      if (!current.ok) return { ok: false, reason: `${current.reason}, so no previous one` };
      const older = byAge.find((group) => compareAge(group, current.serverGroup) < 0);
      return older
        ? { ok: true, serverGroup: older }
        : { ok: false, reason: `no server group is older than the current one (${current.serverGroup.name})` };
    }
    case 'oldest': {
      if (byAge.length < 2) return { ok: false, reason: `the only server group (${byAge[0]!.name}) is not "oldest" among others` };
      return { ok: true, serverGroup: byAge[byAge.length - 1]! };
    }
    case 'largest': {
      // byAge is newest first and reduce keeps the first of equals: the newest largest.
      const largest = byAge.reduce((best, group) => (group.capacity.desired > best.capacity.desired ? group : best));
      return { ok: true, serverGroup: largest };
    }
  }
}

function currentOf<G extends TargetGroup>(newestFirstGroups: readonly G[]): TargetResult<G> {
  const current = newestFirstGroups.find((group) => group.enabled);
  return current ? { ok: true, serverGroup: current } : { ok: false, reason: 'no server group is enabled (taking traffic)' };
}

/** How a selector reads in messages: `current`, `checkout-prod-v003`. */
export function describeTarget(target: TargetSelector): string {
  return typeof target === 'object' ? target.name : target;
}
