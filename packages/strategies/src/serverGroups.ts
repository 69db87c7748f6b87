/**
 * The facts about a server group that deployment decisions depend on. Structural on purpose:
 * a provider's `ServerGroup` fits, and this package stays free of any I/O or provider code.
 */
export interface Capacity {
  min: number;
  max: number;
  desired: number;
}

export interface Health {
  desired: number;
  up: number;
  down: number;
  unknown: number;
}

export interface ServerGroupView {
  /** `cluster-vNNN` */
  name: string;
  /** NNN as a number. */
  sequence: number;
  /** Taking traffic. */
  enabled: boolean;
  health: Health;
  capacity: Capacity;
  createdAt: Date;
}

/**
 * How many instances a group asked for. The larger of the two "desired" figures is used because a
 * provider may report `health.desired` as 0 for a group whose status it has not computed yet (a
 * Deployment seconds old), which must not count as "0 of 0 up".
 */
export function instancesWanted(group: Pick<ServerGroupView, 'health' | 'capacity'>): number {
  return Math.max(group.health.desired, group.capacity.desired);
}

/** Whether a group has all the instances it asked for up. */
export function isUp(group: Pick<ServerGroupView, 'health' | 'capacity'>): boolean {
  return group.health.up >= instancesWanted(group);
}

/**
 * Whether a resize has settled: the provider wants exactly `capacity.desired` instances and exactly
 * that many are up (so a scale-down waits for the surplus to go, not only a scale-up for the new).
 */
export function capacityMatches(health: Health, capacity: Capacity): boolean {
  return health.desired === capacity.desired && health.up === capacity.desired;
}

/**
 * Age order, oldest first. Creation times from providers can have one-second resolution
 * (Kubernetes), so equal times fall back to the sequence number, which grows with each deploy.
 */
export function compareAge(a: Pick<ServerGroupView, 'createdAt' | 'sequence'>, b: Pick<ServerGroupView, 'createdAt' | 'sequence'>): number {
  const byTime = a.createdAt.getTime() - b.createdAt.getTime();
  return byTime !== 0 ? byTime : a.sequence - b.sequence;
}

/** A copy, newest first. */
export function newestFirst<G extends Pick<ServerGroupView, 'createdAt' | 'sequence'>>(groups: readonly G[]): G[] {
  return [...groups].sort((a, b) => compareAge(b, a));
}

/**
 * The groups created before `created`, newest first: those a deployment of `created` replaces. A
 * group created after it belongs to a later deployment, which deals with this one in turn;
 * touching it would make two overlapping deployments undo each other's work.
 */
export function olderGroups<G extends Pick<ServerGroupView, 'name' | 'createdAt' | 'sequence'>>(
  created: Pick<ServerGroupView, 'name' | 'createdAt' | 'sequence'>,
  groups: readonly G[],
): G[] {
  return newestFirst(groups.filter((group) => group.name !== created.name && compareAge(group, created) < 0));
}

/** "up 1/3, down 2, unknown 0": how health reads in an operator's error message. */
export function describeHealth(health: Health): string {
  return `up ${health.up}/${health.desired}, down ${health.down}, unknown ${health.unknown}`;
}
