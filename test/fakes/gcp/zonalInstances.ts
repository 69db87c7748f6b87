/**
 * The simulated lifecycle of instances inserted one by one (`zones/Z/instances`), as an image
 * bake's builder is. Unlike a managed group's, they are stored resources: the controller keeps
 * each one's status and since when, and writes the `status` GCE would show now, brought up to date
 * on every look (each API request, each state view), as the managed-group controller does (no timers).
 *
 * PROVISIONING then STAGING for half the ready delay each, then RUNNING. A `startup-script` that
 * ends by powering off runs for another ready delay, then the guest shuts down: STOPPING for half
 * the ready delay, then TERMINATED (GCE's word for stopped). An instance the failure predicate
 * matches then has its script fail before the power-off: it stays RUNNING. Deleting: STOPPING
 * (TERMINATED if it was) for the ready delay, then gone, and its boot disk with it if `autoDelete`.
 * A status never goes back: a new ready delay applies to the time left in the current one.
 */
import { isObject, stringAt, stringMap, type JsonObject } from '../kubernetes/json';
import { lastSegment, type Scope } from './links';
import type { ResourceStore } from './store';

/** What a builder failure predicate can pick an instance by. */
export interface BuilderInfo {
  zone: string;
  name: string;
  labels: Record<string, string>;
}

export type BuilderFailurePredicate = (instance: BuilderInfo) => boolean;

type ZonalInstanceStatus = 'PROVISIONING' | 'STAGING' | 'RUNNING' | 'STOPPING' | 'TERMINATED';

interface Lifecycle {
  zone: string;
  name: string;
  /** The stored instance's id: a later instance of the same name is another one. */
  id: string;
  status: ZonalInstanceStatus;
  since: number;
  /** Its startup script ends by powering off and has not reached its end yet. */
  powersOff: boolean;
  deletingAt: number | undefined;
}

function scopeOf(zone: string): Scope {
  return { kind: 'zone', zone };
}

export class ZonalInstanceController {
  private readonly lifecycles = new Map<string, Lifecycle>();
  private failing: BuilderFailurePredicate | null = null;

  constructor(
    private readonly store: ResourceStore,
    private readyDelayMs: number,
  ) {}

  setReadyDelay(ms: number): void {
    this.reconcile();
    this.readyDelayMs = ms;
  }

  /** Instances whose script already failed stay RUNNING; `null` lets the others power off. */
  failBuilders(predicate: BuilderFailurePredicate | null): void {
    this.reconcile();
    this.failing = predicate;
  }

  private key(zone: string, name: string): string {
    return `${zone}/${name}`;
  }

  /** Starts the lifecycle of an instance just stored; `powersOff`: its startup script ends by powering off. */
  launch(zone: string, instance: JsonObject, powersOff: boolean, now = Date.now()): void {
    const name = String(instance.name);
    this.lifecycles.set(this.key(zone, name), { zone, name, id: String(instance.id), status: 'PROVISIONING', since: now, powersOff, deletingAt: undefined });
    this.reconcile(now);
  }

  /** Starts deleting an instance (again: nothing more happens). */
  delete(zone: string, name: string, now = Date.now()): void {
    this.reconcile(now);
    const lifecycle = this.lifecycles.get(this.key(zone, name));
    if (!lifecycle || lifecycle.deletingAt !== undefined) return;
    lifecycle.deletingAt = now;
    if (lifecycle.status !== 'TERMINATED') lifecycle.status = 'STOPPING';
    this.reconcile(now);
  }

  /** The instance of that id is no longer stored (deleted, or never was). */
  isGone(zone: string, name: string, id: string): boolean {
    this.reconcile();
    return this.store.get('instances', scopeOf(zone), name)?.id !== id;
  }

  /** The status that comes next and when, or undefined when the instance stays as it is. */
  private next(lifecycle: Lifecycle): { status: ZonalInstanceStatus; at: number } | undefined {
    if (lifecycle.deletingAt !== undefined) return undefined;
    const half = this.readyDelayMs / 2;
    switch (lifecycle.status) {
      case 'PROVISIONING':
        return { status: 'STAGING', at: lifecycle.since + half };
      case 'STAGING':
        return { status: 'RUNNING', at: lifecycle.since + half };
      case 'RUNNING':
        return lifecycle.powersOff ? { status: 'STOPPING', at: lifecycle.since + this.readyDelayMs } : undefined;
      case 'STOPPING':
        return { status: 'TERMINATED', at: lifecycle.since + half };
      case 'TERMINATED':
        return undefined;
    }
  }

  /** Brings every instance's stored status up to date with the time. */
  reconcile(now = Date.now()): void {
    for (const [key, lifecycle] of this.lifecycles) {
      const scope = scopeOf(lifecycle.zone);
      const instance = this.store.get('instances', scope, lifecycle.name);
      if (instance?.id !== lifecycle.id) {
        this.lifecycles.delete(key);
        continue;
      }
      if (lifecycle.deletingAt !== undefined && now >= lifecycle.deletingAt + this.readyDelayMs) {
        this.remove(instance, lifecycle);
        this.lifecycles.delete(key);
        continue;
      }
      for (let next = this.next(lifecycle); next !== undefined && now >= next.at; next = this.next(lifecycle)) {
        if (next.status === 'STOPPING') {
          // The script reaches its end once: a failing one never powers off, whatever comes later.
          lifecycle.powersOff = false;
          if (this.failing?.({ zone: lifecycle.zone, name: lifecycle.name, labels: stringMap(instance.labels) }) === true) break;
        }
        lifecycle.status = next.status;
        lifecycle.since = next.at;
      }
      if (instance.status !== lifecycle.status) this.store.put('instances', scope, { ...instance, status: lifecycle.status });
    }
  }

  /** The instance goes; its disks go with it when `autoDelete`, else they are only detached. */
  private remove(instance: JsonObject, lifecycle: Lifecycle): void {
    const scope = scopeOf(lifecycle.zone);
    this.store.remove('instances', scope, lifecycle.name);
    for (const attached of Array.isArray(instance.disks) ? instance.disks : []) {
      const diskName = lastSegment(stringAt(attached, 'source') ?? '');
      const disk = this.store.get('disks', scope, diskName);
      if (!disk) continue;
      if (isObject(attached) && attached.autoDelete === true) {
        this.store.remove('disks', scope, diskName);
        continue;
      }
      const users = (Array.isArray(disk.users) ? disk.users : []).filter((user) => user !== instance.selfLink);
      const detached: JsonObject = { ...disk, users };
      // proto3 JSON, as GCE sends it, leaves an empty list out.
      if (users.length === 0) delete detached.users;
      this.store.put('disks', scope, detached);
    }
  }
}
