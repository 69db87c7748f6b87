import type {
  BakeRequest,
  Capacity,
  CloudProvider,
  ClusterRef,
  Health,
  Image,
  ProviderKind,
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

  protected abstract forward<T>(operation: ProviderOperation, call: (provider: CloudProvider) => Promise<T>): Promise<T>;

  bake(request: BakeRequest): Promise<Image> {
    return this.forward('bake', (provider) => provider.bake(request));
  }

  createServerGroup(spec: ServerGroupSpec): Promise<ServerGroup> {
    return this.forward('createServerGroup', (provider) => provider.createServerGroup(spec));
  }

  getServerGroup(ref: ServerGroupRef): Promise<ServerGroup | null> {
    return this.forward('getServerGroup', (provider) => provider.getServerGroup(ref));
  }

  listServerGroups(cluster: ClusterRef): Promise<ServerGroup[]> {
    return this.forward('listServerGroups', (provider) => provider.listServerGroups(cluster));
  }

  resize(ref: ServerGroupRef, capacity: Capacity): Promise<void> {
    return this.forward('resize', (provider) => provider.resize(ref, capacity));
  }

  enable(ref: ServerGroupRef): Promise<void> {
    return this.forward('enable', (provider) => provider.enable(ref));
  }

  disable(ref: ServerGroupRef): Promise<void> {
    return this.forward('disable', (provider) => provider.disable(ref));
  }

  setTrafficWeights(cluster: ClusterRef, weights: Record<string, number>): Promise<void> {
    return this.forward('setTrafficWeights', (provider) => provider.setTrafficWeights(cluster, weights));
  }

  destroy(ref: ServerGroupRef): Promise<void> {
    return this.forward('destroy', (provider) => provider.destroy(ref));
  }

  health(ref: ServerGroupRef): Promise<Health> {
    return this.forward('health', (provider) => provider.health(ref));
  }
}
