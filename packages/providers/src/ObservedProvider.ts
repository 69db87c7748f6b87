import { ATTR, SpanKind, inSpan } from '@gantry/telemetry';
import { Counter, Histogram } from 'prom-client';
import type { CloudProvider, ProviderKind } from './CloudProvider';
import { isProviderError } from './errors';
import { ForwardingProvider, type ProviderOperation } from './ForwardingProvider';

/** In prom-client's default registry, served at /metrics. Labels are closed sets: kinds, method names, error kinds. */
export const providerCallSeconds = new Histogram({
  name: 'gantry_provider_call_duration_seconds',
  help: 'Time of one provider call, its retries included, by provider, operation and outcome (ok, error)',
  labelNames: ['provider', 'operation', 'outcome'] as const,
  buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
});

export const providerCallErrors = new Counter({
  name: 'gantry_provider_call_errors_total',
  help: 'Provider calls that failed after their retries, by provider, operation and error kind (Throttled, Transient, Fatal, NotFound, Conflict, Other)',
  labelNames: ['provider', 'operation', 'kind'] as const,
});

/** Who a provider call is made by and against, as its span and metrics record it. */
export interface ProviderCallTarget {
  provider: ProviderKind;
  /** A CloudProvider method, or a manifest client operation (apply, get, list, patch, delete, logs, discovery). */
  operation: string;
  account: string;
  location?: string | undefined;
  /** Further span attributes (the Kubernetes kind a manifest call acts on). */
  attributes?: Record<string, string | undefined>;
}

/**
 * Reports one provider call, its retries included: a client span (under the task that made it,
 * with the account and location) and the latency and error metrics. Every call Gantry makes to a
 * cloud goes through here: CloudProvider calls (ObservedProvider) and Kubernetes manifest calls.
 */
export function observeProviderCall<T>(target: ProviderCallTarget, call: () => Promise<T>): Promise<T> {
  const { provider, operation } = target;
  const attributes = { ...target.attributes, [ATTR.provider]: provider, [ATTR.operation]: operation, [ATTR.account]: target.account, [ATTR.location]: target.location };
  return inSpan(
    `${provider} ${operation}`,
    attributes,
    async () => {
      const stop = providerCallSeconds.startTimer({ provider, operation });
      try {
        const answer = await call();
        stop({ outcome: 'ok' });
        return answer;
      } catch (error) {
        stop({ outcome: 'error' });
        providerCallErrors.inc({ provider, operation, kind: isProviderError(error) ? error.kind : 'Other' });
        throw error;
      }
    },
    { kind: SpanKind.CLIENT },
  );
}

/**
 * Reports every call of the provider it wraps (`observeProviderCall`). It wraps the retrying
 * provider, so one call is one span and one observation however often it was retried.
 */
export class ObservedProvider extends ForwardingProvider {
  readonly kind: ProviderKind;

  constructor(
    readonly inner: CloudProvider,
    private readonly account: string,
  ) {
    super();
    this.kind = inner.kind;
  }

  protected forward<T>(operation: ProviderOperation, call: (provider: CloudProvider) => Promise<T>, target: { location?: string }): Promise<T> {
    return observeProviderCall({ provider: this.kind, operation, account: this.account, location: target.location }, () => call(this.inner));
  }
}
