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
import { DEFAULT_RETRY_OPTIONS, watchRetries, withRetry, type RetryEvent, type RetryOptions } from './retry';

type Operation = Exclude<keyof CloudProvider, 'kind'>;

/**
 * Operations that read the resource afresh on every call before changing it, so re-running one
 * after a Conflict applies the change to the current version. createServerGroup is not among them:
 * its Conflict means a foreign object holds the name, which no retry fixes; bake's means the same.
 */
export const CONFLICT_RETRYING_OPERATIONS: ReadonlySet<Operation> = new Set<Operation>([
  'resize',
  'enable',
  'disable',
  'setTrafficWeights',
  'destroy',
  'getServerGroup',
  'listServerGroups',
  'health',
]);

/**
 * Retries every call of the provider it wraps (Throttled/Transient, and Conflict for the
 * operations above), so that each provider is written without retry loops. Every provider method
 * is idempotent, which is what makes re-running a whole call safe.
 */
export class RetryingProvider implements CloudProvider {
  readonly kind: ProviderKind;

  constructor(
    readonly inner: CloudProvider,
    private readonly options: RetryOptions = DEFAULT_RETRY_OPTIONS,
    /** Told of every retry within a call, the provider's own request resends included. */
    private readonly watcher?: (event: RetryEvent) => void,
  ) {
    this.kind = inner.kind;
  }

  bake(request: BakeRequest): Promise<Image> {
    return this.run('bake', () => this.inner.bake(request));
  }

  createServerGroup(spec: ServerGroupSpec): Promise<ServerGroup> {
    return this.run('createServerGroup', () => this.inner.createServerGroup(spec));
  }

  getServerGroup(ref: ServerGroupRef): Promise<ServerGroup | null> {
    return this.run('getServerGroup', () => this.inner.getServerGroup(ref));
  }

  listServerGroups(cluster: ClusterRef): Promise<ServerGroup[]> {
    return this.run('listServerGroups', () => this.inner.listServerGroups(cluster));
  }

  resize(ref: ServerGroupRef, capacity: Capacity): Promise<void> {
    return this.run('resize', () => this.inner.resize(ref, capacity));
  }

  enable(ref: ServerGroupRef): Promise<void> {
    return this.run('enable', () => this.inner.enable(ref));
  }

  disable(ref: ServerGroupRef): Promise<void> {
    return this.run('disable', () => this.inner.disable(ref));
  }

  setTrafficWeights(cluster: ClusterRef, weights: Record<string, number>): Promise<void> {
    return this.run('setTrafficWeights', () => this.inner.setTrafficWeights(cluster, weights));
  }

  destroy(ref: ServerGroupRef): Promise<void> {
    return this.run('destroy', () => this.inner.destroy(ref));
  }

  health(ref: ServerGroupRef): Promise<Health> {
    return this.run('health', () => this.inner.health(ref));
  }

  private run<T>(operation: Operation, call: () => Promise<T>): Promise<T> {
    const retried = () => withRetry(call, { ...this.options, retryConflicts: CONFLICT_RETRYING_OPERATIONS.has(operation) });
    return this.watcher === undefined ? retried() : watchRetries(this.watcher, retried);
  }
}
