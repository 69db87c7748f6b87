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

/**
 * Reports every call of the provider it wraps: a client span (under the task that made it, with
 * the account and location) and the latency and error metrics. It wraps the retrying provider,
 * so one call is one span and one observation however often it was retried.
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
    const attributes = { [ATTR.provider]: this.kind, [ATTR.operation]: operation, [ATTR.account]: this.account, [ATTR.location]: target.location };
    return inSpan(
      `${this.kind} ${operation}`,
      attributes,
      async () => {
        const stop = providerCallSeconds.startTimer({ provider: this.kind, operation });
        try {
          const answer = await call(this.inner);
          stop({ outcome: 'ok' });
          return answer;
        } catch (error) {
          stop({ outcome: 'error' });
          providerCallErrors.inc({ provider: this.kind, operation, kind: isProviderError(error) ? error.kind : 'Other' });
          throw error;
        }
      },
      { kind: SpanKind.CLIENT },
    );
  }
}
