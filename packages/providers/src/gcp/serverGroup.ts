import type { protos } from '@google-cloud/compute';
import { parseServerGroupName } from '@gantry/core';
import type { Capacity, Health, ServerGroup, ServerGroupInstance } from '../CloudProvider';
import { LABELS, nameOf } from './names';
import { readMigDescription } from './resources';

/** Pure reading of what the API returned: MIG + template + managed instances → ServerGroup and Health. */

type InstanceGroupManager = protos.google.cloud.compute.v1.IInstanceGroupManager;
type InstanceTemplate = protos.google.cloud.compute.v1.IInstanceTemplate;
type ManagedInstance = protos.google.cloud.compute.v1.IManagedInstance;
type HealthStatus = protos.google.cloud.compute.v1.IHealthStatus;

/** Instance states from which an instance will not serve without someone acting. */
const STOPPED_STATUSES = new Set(['STOPPING', 'STOPPED', 'SUSPENDING', 'SUSPENDED', 'TERMINATED']);
/** Autohealing health states that mean the instance's own health check fails. */
const FAILING_HEALTH_STATES = new Set(['UNHEALTHY', 'TIMEOUT']);

/** Whether the template belongs to this server group (Gantry's labels on it). */
export function isOurTemplate(template: InstanceTemplate | null | undefined, serverGroup: string): boolean {
  return template?.properties?.labels?.[LABELS.serverGroup] === serverGroup;
}

/**
 * How one instance counts:
 * - up: RUNNING, no action under way, its autohealing check (if any) HEALTHY, and, when the group
 *   takes traffic, HEALTHY in the backend service;
 * - down: stopped/terminated, the MIG's last attempt on it failed (it keeps recreating it), or a
 *   health check says UNHEALTHY;
 * - unknown: on its way (creating, provisioning, verifying, …).
 */
export function instanceState(instance: ManagedInstance, backendHealth: ReadonlyMap<string, string> | undefined): keyof Omit<Health, 'desired'> {
  const status = instance.instanceStatus ?? '';
  const action = instance.currentAction ?? 'NONE';
  const attemptFailed = (instance.lastAttempt?.errors?.errors?.length ?? 0) > 0;
  const autohealing = (instance.instanceHealth ?? []).map((health) => health.detailedHealthState ?? '');
  const lbState = backendHealth?.get(nameOf(instance.instance) || instance.name || '');
  if (STOPPED_STATUSES.has(status) || attemptFailed || autohealing.some((state) => FAILING_HEALTH_STATES.has(state))) return 'down';
  if (status === 'RUNNING' && lbState === 'UNHEALTHY') return 'down';
  if (status !== 'RUNNING' || action !== 'NONE' || autohealing.some((state) => state !== 'HEALTHY')) return 'unknown';
  if (backendHealth === undefined || lbState === 'HEALTHY') return 'up';
  return 'unknown';
}

/** Backend service health of a group's instances by instance name (`healthState`). */
export function backendHealthByInstance(statuses: readonly HealthStatus[]): Map<string, string> {
  return new Map(statuses.map((status) => [nameOf(status.instance), status.healthState ?? 'UNKNOWN']));
}

/** Instances on their way out of the group: they no longer count. */
function isLeaving(instance: ManagedInstance): boolean {
  return instance.currentAction === 'DELETING' || instance.currentAction === 'ABANDONING';
}

/**
 * The managed instances not leaving, by their numeric id: a recreated instance keeps its name but
 * gets a new id, so the id names one incarnation.
 */
export function groupInstances(instances: readonly ManagedInstance[], backendHealth?: ReadonlyMap<string, string>): ServerGroupInstance[] {
  return instances
    .filter((instance) => !isLeaving(instance) && instance.id !== undefined && instance.id !== null)
    .map((instance) => ({ id: String(instance.id), healthy: instanceState(instance, backendHealth) === 'up' }));
}

/**
 * Instances by state; desired is the MIG's target size. Instances being deleted (scale-in,
 * abandoning) no longer count.
 */
export function computeHealth(mig: InstanceGroupManager, instances: readonly ManagedInstance[], backendHealth?: ReadonlyMap<string, string>): Health {
  const health: Health = { desired: mig.targetSize ?? 0, up: 0, down: 0, unknown: 0 };
  for (const instance of instances) {
    if (isLeaving(instance)) continue;
    health[instanceState(instance, backendHealth)] += 1;
  }
  return health;
}

/** Target size is the truth for desired; min/max are Gantry's, from the MIG's description. */
export function readCapacity(mig: InstanceGroupManager): Capacity {
  const desired = mig.targetSize ?? 0;
  const described = readMigDescription(mig.description);
  const min = described?.min ?? desired;
  const max = described?.max ?? desired;
  return { min: Math.min(min, desired), max: Math.max(max, desired), desired };
}

export interface ServerGroupParts {
  account: string;
  region: string;
  mig: InstanceGroupManager;
  template: InstanceTemplate | null;
  instances: readonly ManagedInstance[];
  /** The group is a backend with capacity in its backend service. */
  enabled: boolean;
  backendService?: string;
  /** When enabled: the backend service's view of each instance. */
  backendHealth?: ReadonlyMap<string, string>;
}

export function toServerGroup(parts: ServerGroupParts): ServerGroup {
  const { mig, template } = parts;
  const name = mig.name ?? '';
  const parsed = parseServerGroupName(name);
  const described = readMigDescription(mig.description);
  const labels = template?.properties?.labels ?? {};
  const sourceImage = template?.properties?.disks?.find((disk) => disk.boot)?.initializeParams?.sourceImage ?? '';
  return {
    account: parts.account,
    location: parts.region,
    application: described?.application ?? labels[LABELS.application] ?? '',
    cluster: described?.cluster ?? labels[LABELS.cluster] ?? parsed?.cluster ?? '',
    name,
    sequence: parsed?.sequence ?? 0,
    image: described?.image ?? sourceImage,
    capacity: readCapacity(mig),
    enabled: parts.enabled,
    createdAt: mig.creationTimestamp ? new Date(mig.creationTimestamp) : new Date(0),
    health: computeHealth(mig, parts.instances, parts.enabled ? parts.backendHealth : undefined),
    ...(mig.instanceTemplate ? { template: { type: 'instanceTemplate' as const, name: nameOf(mig.instanceTemplate) } } : {}),
    details: {
      region: parts.region,
      instanceGroupManager: mig.selfLink ?? undefined,
      instanceGroup: mig.instanceGroup ?? undefined,
      instanceTemplate: nameOf(mig.instanceTemplate),
      sourceImage,
      backendService: parts.backendService,
      status: mig.status ? { isStable: mig.status.isStable ?? undefined } : undefined,
      currentActions: mig.currentActions ? Object.fromEntries(Object.entries(mig.currentActions).filter(([, count]) => typeof count === 'number' && count > 0)) : undefined,
    },
  };
}
