import {
  BackendServicesClient,
  GlobalOperationsClient,
  ImagesClient,
  InstanceTemplatesClient,
  InstancesClient,
  RegionBackendServicesClient,
  RegionInstanceGroupManagersClient,
  RegionOperationsClient,
  RegionUrlMapsClient,
  UrlMapsClient,
  ZoneOperationsClient,
  type protos,
} from '@google-cloud/compute';
import type { CallOptions } from 'google-gax';
import { ProviderError, isProviderError, nullIfNotFound, type ProviderErrorKind, type ProviderResource } from '../errors';
import { THROTTLED_REQUEST_RETRY, withRetry, type RetryOptions } from '../retry';
import type { ComputeClientOptions } from './connection';
import { isAlreadyExists, operationError, operationFailed, operationErrorCodes, toProviderError } from './errors';
import { nameOf } from './names';

type Operation = protos.google.cloud.compute.v1.IOperation;

/** What a request is about, for the error message if it fails. */
export interface Scope {
  operation: string;
  region: string;
  resource?: ProviderResource;
}

export interface ComputeApis {
  templates: InstanceTemplatesClient;
  migs: RegionInstanceGroupManagersClient;
  backendServices: BackendServicesClient;
  regionBackendServices: RegionBackendServicesClient;
  urlMaps: UrlMapsClient;
  regionUrlMaps: RegionUrlMapsClient;
  images: ImagesClient;
  /** Image builders (bake). */
  instances: InstancesClient;
  globalOperations: GlobalOperationsClient;
  regionOperations: RegionOperationsClient;
  zoneOperations: ZoneOperationsClient;
  /** Per call: the request timeout, and no retries inside the client (RetryingProvider retries). */
  options: CallOptions;
  project: string;
}

export interface GceClientTimeouts {
  /** Per API request (default 30 s). */
  requestTimeoutMs?: number;
  /** How long a call waits for one operation to be DONE before giving up as Transient (default 120 s). */
  operationTimeoutMs?: number;
  /** Pause between operation polls when the wait call answers at once (default 500 ms). */
  operationPollMs?: number;
  /** Tries of one throttled request before the method fails Throttled (default 4). */
  throttledAttempts?: number;
}

export const DEFAULT_REQUEST_TIMEOUT_MS = 30_000;
export const DEFAULT_OPERATION_TIMEOUT_MS = 120_000;
const DEFAULT_OPERATION_POLL_MS = 500;

/** The answer of an insert: the operation to wait for, or `exists` when the name is taken (409). */
export type InsertResult = Operation | 'exists';

/**
 * The Compute clients of one account, and the one place where their failures become
 * ProviderErrors that name the account, region and resource. Operations are not polled by the
 * client library: `waitFor` does it, bounded, and turns a failed operation into its error.
 */
export class GceClient {
  private readonly apis: ComputeApis;
  private readonly operationTimeoutMs: number;
  private readonly operationPollMs: number;
  private readonly throttledRetry: RetryOptions;

  constructor(
    options: ComputeClientOptions,
    readonly project: string,
    private readonly account: string,
    timeouts: GceClientTimeouts = {},
  ) {
    this.apis = {
      templates: new InstanceTemplatesClient(options),
      migs: new RegionInstanceGroupManagersClient(options),
      backendServices: new BackendServicesClient(options),
      regionBackendServices: new RegionBackendServicesClient(options),
      urlMaps: new UrlMapsClient(options),
      regionUrlMaps: new RegionUrlMapsClient(options),
      images: new ImagesClient(options),
      instances: new InstancesClient(options),
      globalOperations: new GlobalOperationsClient(options),
      regionOperations: new RegionOperationsClient(options),
      zoneOperations: new ZoneOperationsClient(options),
      options: { timeout: timeouts.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS, retry: null },
      project,
    };
    this.operationTimeoutMs = timeouts.operationTimeoutMs ?? DEFAULT_OPERATION_TIMEOUT_MS;
    this.operationPollMs = timeouts.operationPollMs ?? DEFAULT_OPERATION_POLL_MS;
    this.throttledRetry = { ...THROTTLED_REQUEST_RETRY, attempts: timeouts.throttledAttempts ?? THROTTLED_REQUEST_RETRY.attempts };
  }

  async call<T>(scope: Scope, request: (apis: ComputeApis) => Promise<T>): Promise<T> {
    return this.send(request, (error) => {
      throw toProviderError(error, this.context(scope));
    });
  }

  /** NotFound is an answer here, not an error. */
  find<T>(scope: Scope, request: (apis: ComputeApis) => Promise<T>): Promise<T | null> {
    return nullIfNotFound(this.call(scope, request));
  }

  /** An insert/patch/delete: its operation, waited for until DONE; a failed operation throws. */
  async mutate(scope: Scope, request: (apis: ComputeApis) => Promise<[{ latestResponse: unknown }, ...unknown[]]>): Promise<Operation> {
    const [operation] = await this.call(scope, request);
    return this.waitFor(operation.latestResponse as Operation, scope);
  }

  /**
   * An insert that reports a taken name as `exists` instead of failing, whether the API says so at
   * once (409 alreadyExists) or in the operation (RESOURCE_ALREADY_EXISTS).
   */
  async insert(scope: Scope, request: (apis: ComputeApis) => Promise<[{ latestResponse: unknown }, ...unknown[]]>): Promise<InsertResult> {
    const started = await this.start(scope, request);
    if (started === 'exists') return 'exists';
    const done = await this.poll(started, scope);
    if (operationFailed(done) && operationErrorCodes(done).includes('RESOURCE_ALREADY_EXISTS')) return 'exists';
    if (operationFailed(done)) throw operationError(done, this.context(scope));
    return done;
  }

  /** Sends an insert without waiting for it: its operation as started, or `exists` (409 alreadyExists). */
  async start(scope: Scope, request: (apis: ComputeApis) => Promise<[{ latestResponse: unknown }, ...unknown[]]>): Promise<InsertResult> {
    const answer = await this.send(request, (error) => {
      if (isAlreadyExists(error)) return 'exists' as const;
      throw toProviderError(error, this.context(scope));
    });
    return answer === 'exists' ? 'exists' : (answer[0].latestResponse as Operation);
  }

  /** Polls the operation (zonal, regional or global, as it says) until DONE; a failed one throws its error. */
  async waitFor(operation: Operation, scope: Scope): Promise<Operation> {
    const done = await this.poll(operation, scope);
    if (operationFailed(done)) throw operationError(done, this.context(scope));
    return done;
  }

  error(kind: ProviderErrorKind, scope: Scope, reason: string): ProviderError {
    return new ProviderError({ kind, provider: 'gcp', ...this.context(scope), location: scope.region, reason });
  }

  /** Closes the clients' connections (tests; a worker keeps them for its lifetime). */
  async close(): Promise<void> {
    const { templates, migs, backendServices, regionBackendServices, urlMaps, regionUrlMaps, images, instances, globalOperations, regionOperations, zoneOperations } = this.apis;
    const clients = [templates, migs, backendServices, regionBackendServices, urlMaps, regionUrlMaps, images, instances, globalOperations, regionOperations, zoneOperations];
    await Promise.all(clients.map((client) => client.close()));
  }

  /**
   * Sends one request. A throttled one is sent again a few times after a short jittered pause
   * (GCE's rate limits are per second-ish, and rejected requests had no effect): a provider method
   * makes 5–10 calls, so letting each 429 fail the whole method would rarely get through a throttled
   * API. Every failure goes to `failed`, which answers or throws its ProviderError; only a thrown
   * Throttled one is sent again (RetryingProvider retries whole methods).
   */
  private send<T, F>(request: (apis: ComputeApis) => Promise<T>, failed: (error: unknown) => F): Promise<T | F> {
    return withRetry(async () => {
      try {
        return await request(this.apis);
      } catch (error) {
        return failed(error);
      }
    }, this.throttledRetry);
  }

  private async poll(operation: Operation, scope: Scope): Promise<Operation> {
    const deadline = Date.now() + this.operationTimeoutMs;
    let current = operation;
    while (current.status !== 'DONE') {
      const remaining = deadline - Date.now();
      if (remaining <= 0) {
        throw this.error('Transient', scope, `operation ${current.name ?? '(unnamed)'} still ${current.status ?? 'PENDING'} after ${this.operationTimeoutMs / 1000} s; the call is safe to repeat`);
      }
      const started = Date.now();
      current = await this.waitOnce(current, scope, remaining).catch((error: unknown) => {
        // The operation runs on whether or not one poll of it fails: poll again until the bound.
        if (isProviderError(error) && error.retryable) return current;
        throw error;
      });
      // GCE's wait holds the request until DONE or about two minutes; one that answers at once
      // (an API that does not hold) is polled at a gentle pace instead of in a tight loop.
      if (current.status !== 'DONE' && Date.now() - started < this.operationPollMs) {
        await new Promise((resolve) => setTimeout(resolve, this.operationPollMs));
      }
    }
    return current;
  }

  private async waitOnce(operation: Operation, scope: Scope, remainingMs: number): Promise<Operation> {
    const name = operation.name ?? '';
    const options: CallOptions = { ...this.apis.options, timeout: Math.max(1_000, Math.min(remainingMs, this.operationTimeoutMs)) };
    const project = this.project;
    const [waited] = await this.call(scope, (apis) => {
      if (operation.zone) return apis.zoneOperations.wait({ project, zone: nameOf(operation.zone), operation: name }, options);
      if (operation.region) return apis.regionOperations.wait({ project, region: nameOf(operation.region), operation: name }, options);
      return apis.globalOperations.wait({ project, operation: name }, options);
    });
    return waited;
  }

  private context(scope: Scope) {
    return { operation: scope.operation, account: this.account, region: scope.region, ...(scope.resource ? { resource: scope.resource } : {}) };
  }
}
