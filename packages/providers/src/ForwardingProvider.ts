import type {
  BakeRequest,
  Capacity,
  CloudProvider,
  ClusterRef,
  Health,
  Image,
  ServerGroupInstance,
  ProviderKind,
  RequestRouting,
  ServerGroup,
  ServerGroupRef,
  ServerGroupSpec,
} from './CloudProvider';

/** A CloudProvider method by name. */
export type ProviderOperation = Exclude<keyof CloudProvider, 'kind'>;

/**
 * A provider that hands every call to another one through `forward`, so that a wrapper (lazy
 * loading, retries) says once what it does around a call instead of once per method.
 */
export abstract class ForwardingProvider implements CloudProvider {
  abstract readonly kind: ProviderKind;

  /** `target` is what the call acts on (its location is where), for wrappers that report calls. */
  protected abstract forward<T>(operation: ProviderOperation, call: (provider: CloudProvider) => Promise<T>, target: { location?: string }): Promise<T>;

  bake(request: BakeRequest): Promise<Image> {
    return this.forward('bake', (provider) => provider.bake(request), request);
  }

  createServerGroup(spec: ServerGroupSpec): Promise<ServerGroup> {
    return this.forward('createServerGroup', (provider) => provider.createServerGroup(spec), spec);
  }

  getServerGroup(ref: ServerGroupRef): Promise<ServerGroup | null> {
    return this.forward('getServerGroup', (provider) => provider.getServerGroup(ref), ref);
  }

  listServerGroups(cluster: ClusterRef): Promise<ServerGroup[]> {
    return this.forward('listServerGroups', (provider) => provider.listServerGroups(cluster), cluster);
  }

  resize(ref: ServerGroupRef, capacity: Capacity): Promise<void> {
    return this.forward('resize', (provider) => provider.resize(ref, capacity), ref);
  }

  enable(ref: ServerGroupRef): Promise<void> {
    return this.forward('enable', (provider) => provider.enable(ref), ref);
  }

  disable(ref: ServerGroupRef): Promise<void> {
    return this.forward('disable', (provider) => provider.disable(ref), ref);
  }

  setTrafficWeights(cluster: ClusterRef, weights: Record<string, number>): Promise<void> {
    return this.forward('setTrafficWeights', (provider) => provider.setTrafficWeights(cluster, weights), cluster);
  }

  setRequestRouting(cluster: ClusterRef, routing: RequestRouting): Promise<void> {
    return this.forward('setRequestRouting', (provider) => provider.setRequestRouting(cluster, routing), cluster);
  }

  destroy(ref: ServerGroupRef): Promise<void> {
    return this.forward('destroy', (provider) => provider.destroy(ref), ref);
  }

  health(ref: ServerGroupRef): Promise<Health> {
    return this.forward('health', (provider) => provider.health(ref), ref);
  }

  listInstances(ref: ServerGroupRef): Promise<ServerGroupInstance[]> {
    return this.forward('listInstances', (provider) => provider.listInstances(ref), ref);
  }

  terminateInstances(ref: ServerGroupRef, instanceIds: readonly string[]): Promise<void> {
    return this.forward('terminateInstances', (provider) => provider.terminateInstances(ref, instanceIds), ref);
  }
}
