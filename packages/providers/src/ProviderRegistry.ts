import { NotFoundError } from '@gantry/core';
import type { AccountConfig } from './accounts';
import type { CloudProvider, ProviderKind } from './CloudProvider';
import { ProviderError } from './errors';
import { LazyProvider } from './LazyProvider';
import { DEFAULT_RETRY_OPTIONS, type RetryEvent, type RetryOptions } from './retry';
import { ObservedProvider } from './ObservedProvider';
import { RetryingProvider } from './RetryingProvider';

export interface ProviderFactoryContext {
  /** Where credential references (`token: {env: …}`) are resolved. */
  env: NodeJS.ProcessEnv;
}

/** Builds the provider of one account; one per provider kind, so each cloud plugs in alone. */
export type ProviderFactory<K extends ProviderKind = ProviderKind> = (
  account: Extract<AccountConfig, { provider: K }>,
  context: ProviderFactoryContext,
) => CloudProvider;

export type ProviderFactories = { [K in ProviderKind]?: ProviderFactory<K> };

export const defaultProviderFactories: ProviderFactories = {
  kubernetes: (account, { env }) =>
    new LazyProvider('kubernetes', async () => {
      const { KubernetesProvider } = await import('./kubernetes/KubernetesProvider');
      return new KubernetesProvider(account, { env });
    }),
  aws: (account, { env }) =>
    new LazyProvider('aws', async () => {
      const { AwsProvider } = await import('./aws/AwsProvider');
      return new AwsProvider(account, { env });
    }),
  gcp: (account, { env }) =>
    new LazyProvider('gcp', async () => {
      const { GcpProvider } = await import('./gcp/GcpProvider');
      return new GcpProvider(account, { env });
    }),
  local: (account, { env }) =>
    new LazyProvider('local', async () => {
      const { LocalProvider } = await import('./local/LocalProvider');
      return new LocalProvider(account, { env });
    }),
};

export interface ProviderRegistryOptions {
  retry?: RetryOptions;
  env?: NodeJS.ProcessEnv;
}

export interface AccountProvider {
  account: AccountConfig;
  /** Every call is retried (RetryingProvider) and reported: a span and metrics (ObservedProvider). */
  provider: CloudProvider;
}

/** Who wants to hear of each retry of the calls made through one `forAccount` answer (the engine audits them). */
export interface RetryObserver {
  onRetry?: (event: RetryEvent) => void;
}

interface CachedAccount extends AccountProvider {
  /** The provider without the retrying wrapper, shared by every observer's wrapper. */
  inner: CloudProvider;
}

/** An account a pipeline names that is not configured; lists the known ones so the fix is obvious. */
export class UnknownAccountError extends NotFoundError {
  constructor(
    readonly account: string,
    readonly knownAccounts: readonly string[],
  ) {
    super(`unknown account ${account}; known accounts: ${knownAccounts.length > 0 ? knownAccounts.join(', ') : '(none configured)'}`, {
      account,
      knownAccounts,
    });
    this.name = 'UnknownAccountError';
  }
}

/**
 * Accounts by name, each with its provider, built on first use and then shared (clients hold
 * connection pools). Factories are merged over the defaults, so tests and later providers add or
 * replace kinds without touching this file.
 */
export class ProviderRegistry {
  private readonly byName: ReadonlyMap<string, AccountConfig>;
  private readonly factories: ProviderFactories;
  private readonly cache = new Map<string, CachedAccount>();

  constructor(
    accounts: readonly AccountConfig[],
    factories: ProviderFactories = {},
    private readonly options: ProviderRegistryOptions = {},
  ) {
    const byName = new Map<string, AccountConfig>();
    for (const account of accounts) {
      if (byName.has(account.name)) throw new Error(`duplicate account name ${account.name}`);
      byName.set(account.name, account);
    }
    this.byName = byName;
    this.factories = { ...defaultProviderFactories, ...factories };
  }

  accounts(): AccountConfig[] {
    return [...this.byName.values()];
  }

  has(name: string): boolean {
    return this.byName.has(name);
  }

  /**
   * The account and its (retrying) provider. Throws UnknownAccountError for an unknown name.
   * With an observer, the answer's provider reports each retry to it; the underlying client is
   * the same (one connection pool per account).
   */
  forAccount(name: string, observer: RetryObserver = {}): AccountProvider {
    const entry = this.entry(name);
    if (observer.onRetry === undefined) return { account: entry.account, provider: entry.provider };
    return { account: entry.account, provider: this.wrap(entry.account, entry.inner, observer.onRetry) };
  }

  private entry(name: string): CachedAccount {
    const cached = this.cache.get(name);
    if (cached) return cached;
    const account = this.byName.get(name);
    if (!account) throw new UnknownAccountError(name, [...this.byName.keys()].sort());
    const inner = this.build(account);
    const entry = { account, inner, provider: this.wrap(account, inner) };
    this.cache.set(name, entry);
    return entry;
  }

  private wrap(account: AccountConfig, inner: CloudProvider, onRetry?: (event: RetryEvent) => void): CloudProvider {
    return new ObservedProvider(new RetryingProvider(inner, this.retryOptions(), onRetry), account.name);
  }

  private retryOptions(): RetryOptions {
    return this.options.retry ?? DEFAULT_RETRY_OPTIONS;
  }

  private build(account: AccountConfig): CloudProvider {
    // The cast is sound: the factory is looked up by the account's own provider kind.
    const factory = this.factories[account.provider] as ProviderFactory | undefined;
    if (!factory) {
      throw new ProviderError({
        kind: 'Fatal',
        provider: account.provider,
        operation: 'connect',
        account: account.name,
        reason: `no ${account.provider} provider is available in this Gantry yet`,
      });
    }
    return factory(account, { env: this.options.env ?? process.env });
  }
}
