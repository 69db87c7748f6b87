import { AutoScalingClient } from '@aws-sdk/client-auto-scaling';
import { EC2Client } from '@aws-sdk/client-ec2';
import { ElasticLoadBalancingV2Client } from '@aws-sdk/client-elastic-load-balancing-v2';
import type { AwsAccountConfig } from './account';
import { ProviderError, nullIfNotFound, type ProviderErrorKind, type ProviderResource } from '../errors';
import { THROTTLED_REQUEST_RETRY, withRetry } from '../retry';
import { toProviderError } from './errors';

/** What a request is about, for the error message if it fails. */
export interface Scope {
  operation: string;
  region: string;
  resource?: ProviderResource;
}

export interface AwsApis {
  autoScaling: AutoScalingClient;
  ec2: EC2Client;
  elb: ElasticLoadBalancingV2Client;
}

export interface AwsClientOptions {
  /** Where `credentials.*.env` are read. */
  env: NodeJS.ProcessEnv;
  /** Per request (default 30 s). */
  requestTimeoutMs?: number;
  /** Sends of one throttled request before the call fails Throttled (default 4). */
  throttledAttempts?: number;
}

export const DEFAULT_REQUEST_TIMEOUT_MS = 30_000;
const CONNECTION_TIMEOUT_MS = 5_000;

/**
 * The SDK clients of one account, one set per region (built on first use), and the one place
 * where their failures become ProviderErrors naming the account, region and resource.
 */
export class AwsClient {
  private readonly byRegion = new Map<string, AwsApis>();
  private readonly credentials: { accessKeyId: string; secretAccessKey: string; sessionToken?: string } | undefined;

  constructor(
    private readonly account: AwsAccountConfig,
    private readonly options: AwsClientOptions,
  ) {
    this.credentials = readCredentials(account, options.env);
  }

  apis(region: string): AwsApis {
    const cached = this.byRegion.get(region);
    if (cached) return cached;
    const config = {
      region,
      // The SDK would retry Throttling, 5xx and network errors itself (3 tries by default).
      // Gantry's RetryingProvider already retries whole calls with jittered backoff and the audit
      // log records each retry, so by default the SDK tries once: retries stay visible and are not
      // multiplied. (Only throttled requests are resent, by call below.)
      maxAttempts: this.account.maxAttempts ?? 1,
      requestHandler: { requestTimeout: this.options.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS, connectionTimeout: CONNECTION_TIMEOUT_MS },
      ...(this.account.endpoint === undefined ? {} : { endpoint: this.account.endpoint }),
      ...(this.credentials === undefined ? {} : { credentials: this.credentials }),
    };
    const apis = { autoScaling: new AutoScalingClient(config), ec2: new EC2Client(config), elb: new ElasticLoadBalancingV2Client(config) };
    this.byRegion.set(region, apis);
    return apis;
  }

  /**
   * Sends one request. A throttled one is sent again a few times after a short jittered pause:
   * AWS rejected it without acting on it, so resending is always safe, and a provider method makes
   * up to eight calls, so letting each throttled one fail the whole method would rarely get a
   * method through a throttled API. Any other failure is the caller's (RetryingProvider retries
   * whole methods, which re-read before they act).
   */
  async call<T>(scope: Scope, request: (apis: AwsApis) => Promise<T>): Promise<T> {
    const apis = this.apis(scope.region);
    const send = async (): Promise<T> => {
      try {
        return await request(apis);
      } catch (error) {
        throw toProviderError(error, { ...scope, account: this.account.name });
      }
    };
    return withRetry(send, { ...THROTTLED_REQUEST_RETRY, attempts: this.options.throttledAttempts ?? THROTTLED_REQUEST_RETRY.attempts });
  }

  /** Every page of a listing paged by NextToken (ELBv2: NextMarker, given as `next`), each page read through call. */
  async pages<P extends object>(
    scope: Scope,
    request: (apis: AwsApis, nextToken: string | undefined) => Promise<P>,
    next: (page: P) => string | undefined = (page) => (page as { NextToken?: string }).NextToken,
  ): Promise<P[]> {
    const pages: P[] = [];
    let nextToken: string | undefined;
    do {
      const token = nextToken;
      const page = await this.call(scope, (apis) => request(apis, token));
      pages.push(page);
      nextToken = next(page);
    } while (nextToken !== undefined && nextToken !== '');
    return pages;
  }

  /** NotFound is an answer here, not an error. */
  find<T>(scope: Scope, request: (apis: AwsApis) => Promise<T>): Promise<T | null> {
    return nullIfNotFound(this.call(scope, request));
  }

  error(kind: ProviderErrorKind, scope: Scope, reason: string): ProviderError {
    return new ProviderError({
      kind,
      provider: 'aws',
      operation: scope.operation,
      account: this.account.name,
      location: scope.region,
      ...(scope.resource === undefined ? {} : { resource: scope.resource }),
      reason,
    });
  }

  close(): void {
    for (const apis of this.byRegion.values()) {
      apis.autoScaling.destroy();
      apis.ec2.destroy();
      apis.elb.destroy();
    }
    this.byRegion.clear();
  }
}

/**
 * The account's keys, read from the variables its references name when the provider is built (a
 * rotated secret needs a restart). Without `credentials`, undefined: the SDK's default chain
 * (AWS_* variables, profile, instance or task role) applies.
 */
function readCredentials(account: AwsAccountConfig, env: NodeJS.ProcessEnv) {
  const refs = account.credentials;
  if (refs === undefined) return undefined;
  const read = (field: string, ref: { env: string }): string => {
    const value = env[ref.env];
    if (value === undefined || value === '') {
      throw new ProviderError({ kind: 'Fatal', provider: 'aws', operation: 'connect', account: account.name, reason: `the variable ${ref.env} (credentials.${field}.env) is not set` });
    }
    return value;
  };
  return {
    accessKeyId: read('accessKeyId', refs.accessKeyId),
    secretAccessKey: read('secretAccessKey', refs.secretAccessKey),
    ...(refs.sessionToken === undefined ? {} : { sessionToken: read('sessionToken', refs.sessionToken) }),
  };
}
