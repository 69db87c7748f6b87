import {
  AppsV1Api,
  CoreV1Api,
  CustomObjectsApi,
  Observable,
  PatchStrategy,
  setHeaderOptions,
  type ConfigurationOptions,
  type KubeConfig,
} from '@kubernetes/client-node';
import { ProviderError, nullIfNotFound, type ProviderErrorKind, type ProviderResource } from '../errors';
import { THROTTLED_REQUEST_RETRY, withRetry } from '../retry';
import { statusReasonOf, toProviderError } from './errors';

/** What a request is about, for the error message if it fails. */
export interface Scope {
  operation: string;
  namespace: string;
  resource?: ProviderResource;
}

export interface KubeApis {
  apps: AppsV1Api;
  core: CoreV1Api;
  custom: CustomObjectsApi;
  /** Per-call options: the request timeout. */
  options: ConfigurationOptions;
  /** Per-call options for PATCH: the timeout and a JSON merge patch body. */
  mergePatch: ConfigurationOptions;
}

export const DEFAULT_REQUEST_TIMEOUT_MS = 30_000;

/**
 * The API clients of one account, and the one place where their failures become ProviderErrors
 * that name the account, namespace and resource.
 */
export class KubeClient {
  private readonly apis: KubeApis;

  constructor(
    kc: KubeConfig,
    private readonly account: string,
    requestTimeoutMs = DEFAULT_REQUEST_TIMEOUT_MS,
  ) {
    const options = timeoutOptions(requestTimeoutMs);
    this.apis = {
      apps: kc.makeApiClient(AppsV1Api),
      core: kc.makeApiClient(CoreV1Api),
      custom: kc.makeApiClient(CustomObjectsApi),
      options,
      mergePatch: setHeaderOptions('Content-Type', PatchStrategy.MergePatch, options),
    };
  }

  /**
   * Sends one request; one the API server throttled (429) is sent again after a short pause: it
   * was refused, not applied, and a provider method makes several requests, so failing the whole
   * method on each 429 would rarely get through a busy API server.
   */
  async call<T>(scope: Scope, request: (apis: KubeApis) => Promise<T>): Promise<T> {
    return withRetry(async () => {
      try {
        return await request(this.apis);
      } catch (error) {
        throw toProviderError(error, this.context(scope));
      }
    }, THROTTLED_REQUEST_RETRY);
  }

  /** NotFound is an answer here, not an error. */
  find<T>(scope: Scope, request: (apis: KubeApis) => Promise<T>): Promise<T | null> {
    return nullIfNotFound(this.call(scope, request));
  }

  /** A create that reports an existing object of that name as `'exists'` instead of failing. */
  create<T>(scope: Scope, request: (apis: KubeApis) => Promise<T>): Promise<T | 'exists'> {
    return this.call(scope, async (apis): Promise<T | 'exists'> => {
      try {
        return await request(apis);
      } catch (error) {
        if (statusReasonOf(error) === 'AlreadyExists') return 'exists';
        throw error;
      }
    });
  }

  error(kind: ProviderErrorKind, scope: Scope, reason: string): ProviderError {
    return new ProviderError({ kind, provider: 'kubernetes', ...this.context(scope), location: scope.namespace, reason });
  }

  private context(scope: Scope) {
    return { operation: scope.operation, account: this.account, namespace: scope.namespace, ...(scope.resource ? { resource: scope.resource } : {}) };
  }
}

/**
 * A per-request timeout, so a hung API server becomes a Transient error instead of a stuck task.
 * Built the way client-node's own setHeaderOptions builds its middleware.
 */
function timeoutOptions(timeoutMs: number): ConfigurationOptions {
  return {
    middleware: [
      {
        pre: (request) => {
          request.setSignal(AbortSignal.timeout(timeoutMs));
          return new Observable(Promise.resolve(request));
        },
        post: (response) => new Observable(Promise.resolve(response)),
      },
    ],
    middlewareMergeStrategy: 'append',
  };
}
