/**
 * The simulated managed-instance-group controller. Instances are not stored resources: the
 * controller keeps them per group and derives what GCE would show from time, so the world moves
 * on its own and every look (each API request, each state view) first calls `reconcile()`.
 *
 * An instance is PROVISIONING then STAGING (currentAction CREATING) for the ready delay, then
 * RUNNING. It becomes healthy (currentAction NONE, HEALTHY to backend services) unless the failure
 * predicate matches its group: then it stays RUNNING with currentAction VERIFYING and UNHEALTHY,
 * as an instance failing its health checks does. Instances that became healthy stay healthy.
 */
import { randomBytes } from 'node:crypto';
import { arrayAt, isObject, numberAt, stringAt, type JsonObject } from '../kubernetes/json';
import { lastSegment, parseReference, zoneLink, type Scope } from './links';
import type { ResourceStore } from './store';

/** What a failure predicate can pick a group by. */
export interface ManagedGroupInfo {
  region: string;
  /** The managed instance group's name. */
  name: string;
  /** The group's current instance template URL, and its name. */
  instanceTemplate: string;
  templateName: string;
  /** The boot disk's `sourceImage` of that template, as written in it. */
  image: string | undefined;
}

export type InstanceFailurePredicate = (group: ManagedGroupInfo) => boolean;

export interface InstanceRecord {
  id: string;
  name: string;
  zone: string;
  instanceTemplate: string;
  ipAddress: string;
  bornAt: number;
  deletingAt: number | undefined;
  healthy: boolean;
  /** Recreated by `recreateInstances`: its action is RECREATING until it is RUNNING again. */
  recreated?: boolean;
}

export interface InstancePhase {
  instanceStatus: 'PROVISIONING' | 'STAGING' | 'RUNNING' | 'STOPPING';
  currentAction: 'CREATING' | 'RECREATING' | 'VERIFYING' | 'NONE' | 'DELETING';
}

const ACTION_COUNTERS = [
  'abandoning', 'creating', 'creatingWithoutRetries', 'deleting', 'none', 'recreating', 'refreshing',
  'restarting', 'resuming', 'starting', 'stopping', 'suspending', 'verifying',
];

function scopeOf(region: string): Scope {
  return { kind: 'region', region };
}

function randomSuffix(): string {
  const alphabet = 'abcdefghijklmnopqrstuvwxyz0123456789';
  return [...randomBytes(4)].map((b) => alphabet[b % alphabet.length]).join('');
}

/** The zones a group spreads over: its distribution policy, or three of its region's. */
export function groupZones(group: JsonObject, region: string): string[] {
  const zones = (arrayAt(group, 'distributionPolicy', 'zones') ?? []).flatMap((z) => (isObject(z) && typeof z.zone === 'string' ? [lastSegment(z.zone)] : []));
  return zones.length > 0 ? zones : [`${region}-a`, `${region}-b`, `${region}-c`];
}

export class InstanceController {
  private readonly groups = new Map<string, InstanceRecord[]>();
  private readonly deleting = new Set<string>();
  private failing: InstanceFailurePredicate | null = null;
  private nextIp = 2;

  constructor(
    private readonly project: string,
    private readonly store: ResourceStore,
    private readyDelayMs: number,
  ) {}

  setReadyDelay(ms: number): void {
    this.reconcile();
    this.readyDelayMs = ms;
  }

  /** Instances already healthy stay healthy; `null` lets failing ones become healthy. */
  failInstances(predicate: InstanceFailurePredicate | null): void {
    this.reconcile();
    this.failing = predicate;
  }

  private key(region: string, name: string): string {
    return `${region}/${name}`;
  }

  /** Starts deleting a group: its instances go, then the group and its instance group. */
  deleteGroup(region: string, name: string): void {
    this.deleting.add(this.key(region, name));
    this.reconcile();
  }

  isGone(region: string, name: string): boolean {
    this.reconcile();
    return !this.store.has('instanceGroupManagers', scopeOf(region), name);
  }

  /** Copies of a group's instances (those being deleted too). */
  instances(region: string, name: string): InstanceRecord[] {
    this.reconcile();
    return (this.groups.get(this.key(region, name)) ?? []).map((instance) => ({ ...instance }));
  }

  /**
   * `recreateInstances`: each named instance (its URL) is deleted and created again from the group's
   * current template, same name and zone, new id and address; the target size is unchanged. Null
   * when one of them is not an instance of the group (nothing is done then, as GCE refuses the call).
   */
  recreate(region: string, name: string, links: readonly string[]): string | null {
    this.reconcile();
    const group = this.store.get('instanceGroupManagers', scopeOf(region), name);
    const instances = this.groups.get(this.key(region, name)) ?? [];
    const chosen = links.map((link) => instances.find((instance) => instance.deletingAt === undefined && this.instanceLink(instance) === link));
    const missing = links.find((_link, index) => chosen[index] === undefined);
    if (missing !== undefined) return missing;
    const now = Date.now();
    for (const instance of chosen) {
      if (!instance) continue;
      Object.assign(instance, {
        id: this.store.newId(),
        instanceTemplate: stringAt(group, 'instanceTemplate') ?? instance.instanceTemplate,
        ipAddress: this.nextAddress(),
        bornAt: now,
        healthy: false,
        recreated: true,
      });
    }
    return null;
  }

  phase(instance: InstanceRecord, now = Date.now()): InstancePhase {
    if (instance.deletingAt !== undefined) return { instanceStatus: 'STOPPING', currentAction: 'DELETING' };
    const age = now - instance.bornAt;
    const creating = instance.recreated === true ? 'RECREATING' : 'CREATING';
    if (age < this.readyDelayMs / 2) return { instanceStatus: 'PROVISIONING', currentAction: creating };
    if (age < this.readyDelayMs) return { instanceStatus: 'STAGING', currentAction: creating };
    return { instanceStatus: 'RUNNING', currentAction: instance.healthy ? 'NONE' : 'VERIFYING' };
  }

  /** The `currentActions` counters of a group, every counter present as GCE sends them. */
  currentActions(region: string, name: string): Record<string, number> {
    const counts: Record<string, number> = Object.fromEntries(ACTION_COUNTERS.map((counter) => [counter, 0]));
    const now = Date.now();
    for (const instance of this.instances(region, name)) {
      const counter = this.phase(instance, now).currentAction.toLowerCase();
      counts[counter] = (counts[counter] ?? 0) + 1;
    }
    return counts;
  }

  groupInfo(region: string, group: JsonObject): ManagedGroupInfo {
    const instanceTemplate = stringAt(group, 'instanceTemplate') ?? '';
    const reference = parseReference(instanceTemplate, this.project);
    const template = reference && this.store.get('instanceTemplates', reference.scope, reference.name);
    const disks = arrayAt(template, 'properties', 'disks') ?? [];
    const boot = disks.find((disk) => isObject(disk) && disk.boot === true) ?? disks[0];
    return {
      region,
      name: String(group.name),
      instanceTemplate,
      templateName: lastSegment(instanceTemplate),
      image: stringAt(boot, 'initializeParams', 'sourceImage'),
    };
  }

  /** Brings every group's instances up to date with the time and the groups' specs. */
  reconcile(now = Date.now()): void {
    const live = new Set<string>();
    for (const group of this.store.list('instanceGroupManagers')) {
      const region = lastSegment(stringAt(group, 'region') ?? '');
      const key = this.key(region, String(group.name));
      live.add(key);
      this.reconcileGroup(region, group, key, now);
    }
    for (const key of this.groups.keys()) if (!live.has(key)) this.groups.delete(key);
    for (const key of this.deleting) if (!live.has(key)) this.deleting.delete(key);
  }

  private reconcileGroup(region: string, group: JsonObject, key: string, now: number): void {
    const deleteMs = this.readyDelayMs / 2;
    const instances = (this.groups.get(key) ?? []).filter((i) => i.deletingAt === undefined || now < i.deletingAt + deleteMs);
    this.groups.set(key, instances);
    const failing = this.failing?.(this.groupInfo(region, group)) ?? false;
    for (const instance of instances) {
      if (!instance.healthy && instance.deletingAt === undefined && !failing && now >= instance.bornAt + this.readyDelayMs) instance.healthy = true;
    }
    const active = instances.filter((i) => i.deletingAt === undefined);
    if (this.deleting.has(key)) {
      for (const instance of active) instance.deletingAt = now;
      if (instances.length === 0) {
        this.store.remove('instanceGroupManagers', scopeOf(region), String(group.name));
        this.store.remove('instanceGroups', scopeOf(region), String(group.name));
      }
      return;
    }
    const target = numberAt(group, 'targetSize') ?? 0;
    // Scaling in removes instances still starting first, then the newest.
    const victims = [...active].sort((a, b) => Number(a.healthy) - Number(b.healthy) || b.bornAt - a.bornAt).slice(0, Math.max(0, active.length - target));
    for (const victim of victims) victim.deletingAt = now;
    const zones = groupZones(group, region);
    for (let count = active.length; count < target; count++) instances.push(this.newInstance(group, zones, instances, now));
  }

  private newInstance(group: JsonObject, zones: string[], siblings: InstanceRecord[], now: number): InstanceRecord {
    const load = (zone: string): number => siblings.filter((i) => i.zone === zone && i.deletingAt === undefined).length;
    const zone = zones.reduce((best, zone) => (load(zone) < load(best) ? zone : best), zones[0] ?? '');
    const base = stringAt(group, 'baseInstanceName') ?? String(group.name);
    let name = `${base}-${randomSuffix()}`;
    while (siblings.some((i) => i.name === name)) name = `${base}-${randomSuffix()}`;
    return {
      id: this.store.newId(),
      name,
      zone,
      instanceTemplate: stringAt(group, 'instanceTemplate') ?? '',
      ipAddress: this.nextAddress(),
      bornAt: now,
      deletingAt: undefined,
      healthy: false,
    };
  }

  /** A new internal address, unique among every instance of the fake (managed or not). */
  nextAddress(): string {
    const n = this.nextIp++;
    return `10.128.${(n >> 8) & 255}.${n & 255}`;
  }

  instanceLink(instance: InstanceRecord): string {
    return `${zoneLink(this.project, instance.zone)}/instances/${instance.name}`;
  }

  /** `regions/R/instanceGroups/N` → the managed group's instances, when it is a managed group's. */
  instancesOfGroupLink(scope: Scope, name: string): InstanceRecord[] | undefined {
    if (scope.kind !== 'region' || !this.store.has('instanceGroups', scope, name)) return undefined;
    return this.instances(scope.region, name);
  }
}
