import type { ProviderKind } from './CloudProvider';

/**
 * What the engine needs to know about a failed provider call (docs/architecture.md "Providers"):
 * - NotFound: the resource is not there (callers decide whether that is fine, e.g. destroy).
 * - Conflict: someone else changed or owns it; retrying helps only when the operation re-reads.
 * - Throttled: the API asked us to slow down; retry after `retryAfterMs` when given.
 * - Transient: 5xx, timeouts, connection resets; retry with backoff.
 * - Fatal: retrying cannot help (forbidden, invalid, misconfigured): fail the stage with the message.
 */
export type ProviderErrorKind = 'NotFound' | 'Conflict' | 'Throttled' | 'Transient' | 'Fatal';

export const PROVIDER_ERROR_KINDS: readonly ProviderErrorKind[] = ['NotFound', 'Conflict', 'Throttled', 'Transient', 'Fatal'];

/** The resource an operation was about, e.g. `{type: 'deployment', name: 'checkout-prod-v001'}`. */
export interface ProviderResource {
  type: string;
  name: string;
}

export interface ProviderErrorInit {
  kind: ProviderErrorKind;
  provider: ProviderKind;
  /** The CloudProvider method (or internal step) that failed, e.g. `createServerGroup`. */
  operation: string;
  account?: string;
  /** Namespace (kubernetes), region (aws/gcp). */
  location?: string;
  resource?: ProviderResource;
  /** The provider's own explanation, e.g. `Forbidden: deployments.apps is forbidden: …`. */
  reason: string;
  /** The API's status code when there was one (HTTP status for kubernetes). */
  status?: number;
  retryAfterMs?: number;
  cause?: unknown;
}

const LOCATION_LABEL: Record<ProviderKind, string> = { kubernetes: 'namespace', aws: 'region', gcp: 'region', local: 'location' };

/**
 * A failed provider call, typed so the engine knows whether to retry, and worded so the stage's
 * terminal error tells an operator which account, where and what:
 * `kubernetes/createServerGroup/checkout-prod-v001: Forbidden: … (account k8s-prod, namespace ns1, deployment checkout-prod-v001)`.
 */
export class ProviderError extends Error {
  readonly kind: ProviderErrorKind;
  readonly provider: ProviderKind;
  readonly operation: string;
  readonly account?: string;
  readonly location?: string;
  readonly resource?: ProviderResource;
  readonly reason: string;
  readonly status?: number;
  readonly retryAfterMs?: number;

  constructor(init: ProviderErrorInit) {
    super(formatProviderErrorMessage(init), init.cause === undefined ? undefined : { cause: init.cause });
    this.name = `ProviderError(${init.kind})`;
    this.kind = init.kind;
    this.provider = init.provider;
    this.operation = init.operation;
    this.reason = init.reason;
    if (init.account !== undefined) this.account = init.account;
    if (init.location !== undefined) this.location = init.location;
    if (init.resource !== undefined) this.resource = init.resource;
    if (init.status !== undefined) this.status = init.status;
    if (init.retryAfterMs !== undefined) this.retryAfterMs = init.retryAfterMs;
  }

  /** Whether retrying the same call later may succeed without anyone changing anything. */
  get retryable(): boolean {
    return this.kind === 'Throttled' || this.kind === 'Transient';
  }

  /** The fields as plain data, for a stage's stored error and the API's `details`. */
  toJSON(): Record<string, unknown> {
    return {
      kind: this.kind,
      provider: this.provider,
      operation: this.operation,
      account: this.account,
      location: this.location,
      resource: this.resource,
      reason: this.reason,
      status: this.status,
      retryAfterMs: this.retryAfterMs,
      message: this.message,
    };
  }
}

/**
 * `provider/operation/resource: reason (where)`: the first part says what failed at a glance, the
 * parenthesis which account and location, so an operator can find it in the cloud's console.
 */
export function formatProviderErrorMessage(init: Omit<ProviderErrorInit, 'kind' | 'cause'>): string {
  const where: string[] = [];
  if (init.account !== undefined) where.push(`account ${init.account}`);
  if (init.location !== undefined) where.push(`${LOCATION_LABEL[init.provider]} ${init.location}`);
  if (init.resource !== undefined) where.push(`${init.resource.type} ${init.resource.name}`);
  const path = [init.provider, init.operation, ...(init.resource === undefined ? [] : [init.resource.name])].join('/');
  return `${path}: ${init.reason}${where.length > 0 ? ` (${where.join(', ')})` : ''}`;
}

export function isProviderError(error: unknown, kind?: ProviderErrorKind): error is ProviderError {
  return error instanceof ProviderError && (kind === undefined || error.kind === kind);
}

/** NotFound as an answer (null) rather than an error: for reads where a missing resource is normal. */
export async function nullIfNotFound<T>(call: Promise<T>): Promise<T | null> {
  try {
    return await call;
  } catch (error) {
    if (isProviderError(error, 'NotFound')) return null;
    throw error;
  }
}

const MAX_REASON_LENGTH = 500;

/** A cloud's own explanation, cut to a length an error message and a stored stage error can carry. */
export function truncateReason(text: string): string {
  return text.length > MAX_REASON_LENGTH ? `${text.slice(0, MAX_REASON_LENGTH)}…` : text;
}

/** Socket-level failures: the request may not have arrived, or its answer was lost; worth retrying. */
const TRANSIENT_NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'ETIMEDOUT',
  'ESOCKETTIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENETDOWN',
  'EAI_AGAIN',
  'UND_ERR_SOCKET',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
]);

/** The transient network code (`ECONNRESET`…) of an error or of one of its causes, if any. */
export function transientNetworkCode(error: unknown): string | undefined {
  for (let current: unknown = error, depth = 0; current && depth < 4; depth++) {
    const record = current as { code?: unknown; errno?: unknown; cause?: unknown };
    if (typeof record.code === 'string' && TRANSIENT_NETWORK_CODES.has(record.code)) return record.code;
    if (typeof record.errno === 'string' && TRANSIENT_NETWORK_CODES.has(record.errno)) return record.errno;
    current = record.cause;
  }
  return undefined;
}
