import type { Health } from '@gantry/providers';
import type { ExitRecord, InstanceState } from '@gantry/providers/local/protocol';
import type { PersistedServerGroup } from '@gantry/providers/local/state';
import { CRASH_LOOP_FAILURES, type Instance } from './instance';
import { describeExit } from './exits';

/** A server group as the agent runs it: its persisted record, its instances, and those being retired. */
export interface ServerGroupRuntime {
  record: Omit<PersistedServerGroup, 'instances' | 'retiring'>;
  instances: Instance[];
  /** Out of traffic, draining then stopping (scale-down, destroy). */
  retiring: Set<Instance>;
}

export function upInstances(group: ServerGroupRuntime): Instance[] {
  return group.instances.filter((instance) => instance.state === 'up');
}

const HEALTH_BUCKET: Record<InstanceState, keyof Omit<Health, 'desired'> | undefined> = { up: 'up', down: 'down', starting: 'unknown', stopping: undefined };

export function healthOf(group: ServerGroupRuntime): Health {
  const health: Health = { desired: group.record.capacity.desired, up: 0, down: 0, unknown: 0 };
  for (const instance of group.instances) {
    const bucket = HEALTH_BUCKET[instance.state];
    if (bucket) health[bucket] += 1;
  }
  return health;
}

export function lastExitOf(group: ServerGroupRuntime): ExitRecord | undefined {
  let newest: ExitRecord | undefined;
  for (const instance of group.instances) {
    const exit = instance.lastExit;
    if (exit && (!newest || exit.at > newest.at)) newest = exit;
  }
  return newest;
}

/**
 * Why the group will not get up by waiting, or undefined: an instance failed CRASH_LOOP_FAILURES
 * times in a row without ever getting healthy (it keeps being restarted with backoff regardless).
 */
export function failureOf(group: ServerGroupRuntime): string | undefined {
  const failing = group.instances.find((instance) => instance.failuresInARow >= CRASH_LOOP_FAILURES && instance.state !== 'up');
  const exit = failing?.lastExit;
  if (!failing || !exit) return undefined;
  return `instance ${failing.id} failed ${failing.failuresInARow} times in a row before getting healthy; last: ${describeExit(exit)}`;
}
