import type { CloudProvider, ProviderKind } from './CloudProvider';
import { ForwardingProvider, type ProviderOperation } from './ForwardingProvider';

/**
 * A provider whose implementation is loaded on its first call. Cloud SDKs are large (the
 * Kubernetes client alone is about 100 MB of a worker's memory), so a process loads only the
 * SDKs of the accounts its pipelines actually use.
 */
export class LazyProvider extends ForwardingProvider {
  private loaded: Promise<CloudProvider> | undefined;

  constructor(
    readonly kind: ProviderKind,
    private readonly load: () => Promise<CloudProvider>,
  ) {
    super();
  }

  /** The loaded provider (loading it if needed). */
  provider(): Promise<CloudProvider> {
    this.loaded ??= this.load().catch((error: unknown) => {
      this.loaded = undefined;
      throw error;
    });
    return this.loaded;
  }

  protected async forward<T>(_operation: ProviderOperation, call: (provider: CloudProvider) => Promise<T>): Promise<T> {
    return call(await this.provider());
  }
}
