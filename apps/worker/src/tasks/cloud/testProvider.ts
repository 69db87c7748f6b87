import {
  ProviderError,
  UnknownAccountError,
  accountSchema,
  type AccountConfig,
  type Capacity,
  type CloudProvider,
  type ClusterRef,
  type Health,
  type Image,
  type ProviderErrorKind,
  type RequestRouting,
  type ServerGroup,
  type ServerGroupInstance,
  type ServerGroupRef,
  type ServerGroupSpec,
} from '@gantry/providers';
import { parseServerGroupName } from '@gantry/core';
import type { ProviderDirectory } from '../Task';

/**
 * Test-only: a CloudProvider holding server groups in memory, with a log of the calls that change
 * something and faults to inject, so task tests can assert what happened in which order. Health
 * is set by the test (`setUp`); new groups start with nothing up.
 */
export class MemoryProvider implements CloudProvider {
  readonly kind = 'kubernetes' as const;
  readonly groups = new Map<string, ServerGroup>();
  /** `create app-v001`, `disable app-v000`, … in call order. */
  readonly log: string[] = [];
  private readonly faults: { operation: string; error: ProviderError }[] = [];
  private clock = Date.UTC(2025, 0, 1);

  constructor(readonly account = 'k8s', readonly namespace = 'ns1') {}

  /** The next call of `operation` fails with a ProviderError of `kind`. */
  failNext(operation: string, kind: ProviderErrorKind, reason = `injected ${kind}`): void {
    this.faults.push({
      operation,
      error: new ProviderError({ kind, provider: 'kubernetes', operation, account: this.account, location: this.namespace, reason }),
    });
  }

  /** A group as if made earlier, by another deployment. */
  seed(name: string, overrides: Partial<ServerGroup> = {}): ServerGroup {
    const parsed = parseServerGroupName(name);
    if (parsed === null) throw new Error(`not a server group name: ${name}`);
    const group: ServerGroup = {
      account: this.account,
      location: this.namespace,
      application: parsed.cluster.split('-')[0] ?? '',
      cluster: parsed.cluster,
      name,
      sequence: parsed.sequence,
      image: 'img:1',
      capacity: { min: 1, max: 1, desired: 1 },
      enabled: true,
      createdAt: new Date((this.clock += 60_000)),
      health: { desired: 1, up: 1, down: 0, unknown: 0 },
      ...overrides,
    };
    this.groups.set(name, group);
    return group;
  }

  setUp(name: string, up: number, down = 0): void {
    const group = this.require(name, 'test');
    group.health = { desired: group.capacity.desired, up, down, unknown: Math.max(0, group.capacity.desired - up - down) };
  }

  async bake(): Promise<Image> {
    throw new Error('not used by server group tasks');
  }

  async createServerGroup(spec: ServerGroupSpec): Promise<ServerGroup> {
    this.fault('createServerGroup');
    const existing = this.groups.get(spec.name);
    if (existing) return { ...existing };
    this.log.push(`create ${spec.name}`);
    const group = this.seed(spec.name, {
      image: spec.image,
      capacity: { ...spec.capacity },
      enabled: spec.enabled ?? true,
      health: { desired: spec.capacity.desired, up: 0, down: 0, unknown: spec.capacity.desired },
    });
    return { ...group };
  }

  async getServerGroup(ref: ServerGroupRef): Promise<ServerGroup | null> {
    this.fault('getServerGroup');
    const group = this.groups.get(ref.name);
    return group ? { ...group } : null;
  }

  async listServerGroups(cluster: ClusterRef): Promise<ServerGroup[]> {
    this.fault('listServerGroups');
    return [...this.groups.values()].filter((group) => group.cluster === cluster.cluster).map((group) => ({ ...group }));
  }

  async resize(ref: ServerGroupRef, capacity: Capacity): Promise<void> {
    this.fault('resize');
    const group = this.require(ref.name, 'resize');
    this.log.push(`resize ${ref.name} ${capacity.desired}`);
    group.capacity = { ...capacity };
    group.health = { ...group.health, desired: capacity.desired };
  }

  async enable(ref: ServerGroupRef): Promise<void> {
    this.fault('enable');
    this.require(ref.name, 'enable').enabled = true;
    this.log.push(`enable ${ref.name}`);
  }

  async disable(ref: ServerGroupRef): Promise<void> {
    this.fault('disable');
    this.require(ref.name, 'disable').enabled = false;
    this.log.push(`disable ${ref.name}`);
  }

  /** The last weights set per cluster, as the provider would route them. */
  readonly weights = new Map<string, Record<string, number>>();

  /** Like the real providers: weights above 0 enable, groups at 0 or left out are disabled. */
  async setTrafficWeights(cluster: ClusterRef, weights: Record<string, number>): Promise<void> {
    this.fault('setTrafficWeights');
    const groups = [...this.groups.values()].filter((group) => group.cluster === cluster.cluster);
    for (const name of Object.keys(weights)) this.require(name, 'setTrafficWeights');
    this.weights.set(cluster.cluster, { ...weights });
    this.log.push(`weights ${Object.entries(weights).map(([name, weight]) => `${name}=${weight}`).join(' ')}`);
    for (const group of groups) group.enabled = (weights[group.name] ?? 0) > 0;
  }

  /** Like the real providers: control and variant in traffic, the others out. */
  async setRequestRouting(cluster: ClusterRef, routing: RequestRouting): Promise<void> {
    this.fault('setRequestRouting');
    for (const name of [routing.control, routing.variant]) this.require(name, 'setRequestRouting');
    this.log.push(`routing ${routing.variant} by ${JSON.stringify(routing.rules)} else ${routing.control}`);
    for (const group of this.groups.values()) if (group.cluster === cluster.cluster) group.enabled = group.name === routing.control || group.name === routing.variant;
  }

  async destroy(ref: ServerGroupRef): Promise<void> {
    this.fault('destroy');
    if (this.groups.delete(ref.name)) this.log.push(`destroy ${ref.name}`);
  }

  async health(ref: ServerGroupRef): Promise<Health> {
    this.fault('health');
    return { ...this.require(ref.name, 'health').health };
  }

  /** How many times each instance slot was replaced: its id is `<group>-<slot>.<replacements>`. */
  private readonly incarnations = new Map<string, number>();

  /** One instance per desired slot; the first `up` are healthy. */
  async listInstances(ref: ServerGroupRef): Promise<ServerGroupInstance[]> {
    this.fault('listInstances');
    const group = this.require(ref.name, 'listInstances');
    return Array.from({ length: group.capacity.desired }, (_, slot) => ({
      id: `${ref.name}-${slot}.${this.incarnations.get(`${ref.name}-${slot}`) ?? 0}`,
      healthy: slot < group.health.up,
    }));
  }

  /** Like a group replacing what was killed: the slot gets a new id and is not up until `setUp` says so. */
  async terminateInstances(ref: ServerGroupRef, instanceIds: readonly string[]): Promise<void> {
    this.fault('terminateInstances');
    const group = this.require(ref.name, 'terminateInstances');
    const live = new Set((await this.listInstances(ref)).map((instance) => instance.id));
    for (const id of instanceIds.filter((candidate) => live.has(candidate))) {
      const slot = id.slice(0, id.lastIndexOf('.'));
      this.incarnations.set(slot, (this.incarnations.get(slot) ?? 0) + 1);
      this.log.push(`terminate ${id}`);
      if (group.health.up > 0) group.health = { ...group.health, up: group.health.up - 1, unknown: group.health.unknown + 1 };
    }
  }

  private require(name: string, operation: string): ServerGroup {
    const group = this.groups.get(name);
    if (group) return group;
    throw new ProviderError({
      kind: 'NotFound',
      provider: 'kubernetes',
      operation,
      account: this.account,
      location: this.namespace,
      resource: { type: 'deployment', name },
      reason: 'not found',
    });
  }

  private fault(operation: string): void {
    const index = this.faults.findIndex((fault) => fault.operation === operation);
    if (index === -1) return;
    const [fault] = this.faults.splice(index, 1);
    if (fault) throw fault.error;
  }
}

/** A directory of one Kubernetes account served by `provider`. */
export function memoryDirectory(provider: MemoryProvider): ProviderDirectory {
  const account: AccountConfig = accountSchema.parse({
    name: provider.account,
    provider: 'kubernetes',
    server: 'http://127.0.0.1:1',
    namespace: provider.namespace,
  });
  return {
    accounts: () => [account],
    forAccount(name) {
      if (name !== account.name) throw new UnknownAccountError(name, [account.name]);
      return { account, provider };
    },
  };
}
