import type { CloudProvider, ProviderKind } from './CloudProvider';
import { ForwardingProvider, type ProviderOperation } from './ForwardingProvider';
import { DEFAULT_RETRY_OPTIONS, watchRetries, withRetry, type RetryEvent, type RetryOptions } from './retry';

/**
 * Operations that read the resource afresh on every call before changing it, so re-running one
 * after a Conflict applies the change to the current version. createServerGroup is not among them:
 * its Conflict means a foreign object holds the name, which no retry fixes; bake's means the same.
 */
export const CONFLICT_RETRYING_OPERATIONS: ReadonlySet<ProviderOperation> = new Set<ProviderOperation>([
  'resize',
  'enable',
  'disable',
  'setTrafficWeights',
  'setRequestRouting',
  'destroy',
  'getServerGroup',
  'listServerGroups',
  'health',
  'listInstances',
  'terminateInstances',
]);

/**
 * Retries every call of the provider it wraps (Throttled/Transient, and Conflict for the
 * operations above), so that each provider is written without retry loops. Every provider method
 * is idempotent, which is what makes re-running a whole call safe.
 */
export class RetryingProvider extends ForwardingProvider {
  readonly kind: ProviderKind;

  constructor(
    readonly inner: CloudProvider,
    private readonly options: RetryOptions = DEFAULT_RETRY_OPTIONS,
    /** Told of every retry within a call, the provider's own request resends included. */
    private readonly watcher?: (event: RetryEvent) => void,
  ) {
    super();
    this.kind = inner.kind;
  }

  protected forward<T>(operation: ProviderOperation, call: (provider: CloudProvider) => Promise<T>): Promise<T> {
    const options = { ...this.options, retryConflicts: CONFLICT_RETRYING_OPERATIONS.has(operation) };
    const retried = () => withRetry(() => call(this.inner), options);
    return this.watcher === undefined ? retried() : watchRetries(this.watcher, retried);
  }
}
