import type { ClusterRef, ServerGroupRef } from './CloudProvider';
import type { ProviderError, ProviderErrorKind, ProviderResource } from './errors';

/** What every provider's error scope carries; each cloud adds where it acts (namespace, region). */
export interface OperationScope {
  operation: string;
  resource?: ProviderResource;
}

export interface OperationScopesOptions<S extends OperationScope> {
  /** The account this provider instance serves. */
  account: string;
  /** What a server group is called in this cloud's errors (`deployment`, `auto-scaling-group`, …). */
  serverGroupType: string;
  /** The scope of an operation at a ref's location; throws when the account does not allow that location. */
  at(location: string | undefined, operation: string): S;
  /** The cloud client's typed error, worded with the scope. */
  error(kind: ProviderErrorKind, scope: S, reason: string): ProviderError;
}

/**
 * The scope each provider operation reports its errors in, and the guard every provider applies
 * before acting: a call routed to the provider instance of another account is a bug upstream, so
 * it fails (Fatal) instead of acting on the wrong account.
 */
export class OperationScopes<S extends OperationScope> {
  constructor(private readonly options: OperationScopesOptions<S>) {}

  /** The scope of an operation on one server group, after the account guard. */
  forServerGroup(ref: ServerGroupRef, operation: string): S {
    return this.check(ref.account, { ...this.options.at(ref.location, operation), resource: { type: this.options.serverGroupType, name: ref.name } });
  }

  /** The scope of an operation on a whole cluster, after the account guard. */
  forCluster(cluster: ClusterRef, operation: string): S {
    return this.check(cluster.account, { ...this.options.at(cluster.location, operation), resource: { type: 'cluster', name: cluster.cluster } });
  }

  /** `scope`, unless `account` is not the one this provider serves. */
  check<T extends S>(account: string, scope: T): T {
    if (account !== this.options.account) throw this.fatal(scope, `this provider serves account ${this.options.account}, not ${account}`);
    return scope;
  }

  fatal(scope: S, reason: string): ProviderError {
    return this.options.error('Fatal', scope, reason);
  }

  conflict(scope: S, reason: string): ProviderError {
    return this.options.error('Conflict', scope, reason);
  }
}
