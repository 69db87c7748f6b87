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

/**
 * A provider whose implementation is loaded on its first call. Cloud SDKs are large (the
 * Kubernetes client alone is about 100 MB of a worker's memory), so a process loads only the
 * SDKs of the accounts its pipelines actually use.
 */
export class LazyProvider implements CloudProvider {
  private loaded: Promise<CloudProvider> | undefined;

  constructor(
    readonly kind: ProviderKind,
    private readonly load: () => Promise<CloudProvider>,
  ) {}

  /** The loaded provider (loading it if needed). */
  provider(): Promise<CloudProvider> {
    this.loaded ??= this.load().catch((error: unknown) => {
      this.loaded = undefined;
      throw error;
    });
    return this.loaded;
  }

  async bake(request: BakeRequest): Promise<Image> {
    return (await this.provider()).bake(request);
  }
  async createServerGroup(spec: ServerGroupSpec): Promise<ServerGroup> {
    return (await this.provider()).createServerGroup(spec);
  }
  async getServerGroup(ref: ServerGroupRef): Promise<ServerGroup | null> {
    return (await this.provider()).getServerGroup(ref);
  }
  async listServerGroups(cluster: ClusterRef): Promise<ServerGroup[]> {
    return (await this.provider()).listServerGroups(cluster);
  }
  async resize(ref: ServerGroupRef, capacity: Capacity): Promise<void> {
    return (await this.provider()).resize(ref, capacity);
  }
  async enable(ref: ServerGroupRef): Promise<void> {
    return (await this.provider()).enable(ref);
  }
  async disable(ref: ServerGroupRef): Promise<void> {
    return (await this.provider()).disable(ref);
  }
  async setTrafficWeights(cluster: ClusterRef, weights: Record<string, number>): Promise<void> {
    return (await this.provider()).setTrafficWeights(cluster, weights);
  }
  async destroy(ref: ServerGroupRef): Promise<void> {
    return (await this.provider()).destroy(ref);
  }
  async health(ref: ServerGroupRef): Promise<Health> {
    return (await this.provider()).health(ref);
  }
}
