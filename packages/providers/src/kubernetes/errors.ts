import { ApiException } from '@kubernetes/client-node';
import { ProviderError, transientNetworkCode, truncateReason, type ProviderErrorKind, type ProviderResource } from '../errors';

/**
 * Kubernetes API failures as typed ProviderErrors. Pure: it classifies the error client-node threw
 * (an ApiException whose body is a Status as a JSON string, or a network error) and words it.
 *
 * | status / error                                  | kind       |
 * | ----------------------------------------------- | ---------- |
 * | 404                                             | NotFound   |
 * | 409 (AlreadyExists, Conflict)                   | Conflict   |
 * | 429                                             | Throttled (Retry-After header or details.retryAfterSeconds) |
 * | 5xx, ECONNREFUSED/ECONNRESET/timeouts/aborts    | Transient  |
 * | 400, 401, 403, 405, 410, 415, 422, other 4xx    | Fatal (with the Status message) |
 */

export interface KubernetesErrorContext {
  operation: string;
  account: string;
  namespace?: string;
  resource?: ProviderResource;
}

/** The parts of a Kubernetes `Status` body we use. */
export interface KubernetesStatus {
  reason?: string;
  message?: string;
  code?: number;
  details?: { retryAfterSeconds?: number; name?: string; kind?: string };
}

export function kindForStatus(code: number): ProviderErrorKind {
  if (code === 404) return 'NotFound';
  if (code === 409) return 'Conflict';
  if (code === 429) return 'Throttled';
  if (code >= 500) return 'Transient';
  return 'Fatal';
}

/** The Status in an ApiException body, which client-node leaves as a JSON string (or undefined for 401). */
export function parseStatus(body: unknown): KubernetesStatus | undefined {
  let value: unknown = body;
  if (typeof body === 'string') {
    try {
      value = JSON.parse(body);
    } catch {
      return body.trim() === '' ? undefined : { message: truncateReason(body.trim()) };
    }
  }
  if (typeof value !== 'object' || value === null) return undefined;
  const record = value as Record<string, unknown>;
  const details = typeof record.details === 'object' && record.details !== null ? (record.details as Record<string, unknown>) : undefined;
  return {
    ...(typeof record.reason === 'string' ? { reason: record.reason } : {}),
    ...(typeof record.message === 'string' ? { message: record.message } : {}),
    ...(typeof record.code === 'number' ? { code: record.code } : {}),
    ...(details
      ? {
          details: {
            ...(typeof details.retryAfterSeconds === 'number' ? { retryAfterSeconds: details.retryAfterSeconds } : {}),
            ...(typeof details.name === 'string' ? { name: details.name } : {}),
            ...(typeof details.kind === 'string' ? { kind: details.kind } : {}),
          },
        }
      : {}),
  };
}

/** Retry-After in seconds (the only form the API server sends), or details.retryAfterSeconds. */
export function retryAfterMs(headers: Record<string, string> | undefined, status: KubernetesStatus | undefined): number | undefined {
  const header = headers ? Object.entries(headers).find(([name]) => name.toLowerCase() === 'retry-after')?.[1] : undefined;
  const seconds = header !== undefined && /^\d+(\.\d+)?$/.test(header.trim()) ? Number(header) : status?.details?.retryAfterSeconds;
  return seconds === undefined ? undefined : Math.round(seconds * 1000);
}

/** `Forbidden: deployments.apps is forbidden: …`; the Status reason first, as kubectl prints it. */
function statusReason(code: number, status: KubernetesStatus | undefined): string {
  const reason = status?.reason ?? (code === 401 ? 'Unauthorized' : `HTTP ${code}`);
  return status?.message ? `${reason}: ${status.message}` : reason;
}

function isTimeoutOrAbort(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const type = (error as { type?: unknown }).type;
  return error.name === 'AbortError' || error.name === 'TimeoutError' || type === 'request-timeout' || type === 'body-timeout';
}

export function toProviderError(error: unknown, context: KubernetesErrorContext): ProviderError {
  if (error instanceof ProviderError) return error;
  const where = {
    provider: 'kubernetes' as const,
    operation: context.operation,
    account: context.account,
    ...(context.namespace === undefined ? {} : { location: context.namespace }),
    ...(context.resource === undefined ? {} : { resource: context.resource }),
    cause: error,
  };
  if (error instanceof ApiException) {
    const code = (error as ApiException<unknown>).code;
    const status = parseStatus((error as ApiException<unknown>).body);
    const headers = (error as ApiException<unknown>).headers;
    const after = code === 429 || code === 503 ? retryAfterMs(headers, status) : undefined;
    return new ProviderError({ ...where, kind: kindForStatus(code), status: code, reason: statusReason(code, status), ...(after === undefined ? {} : { retryAfterMs: after }) });
  }
  const network = transientNetworkCode(error);
  if (network !== undefined || isTimeoutOrAbort(error)) {
    const message = error instanceof Error ? error.message : String(error);
    return new ProviderError({ ...where, kind: 'Transient', reason: `${network ?? 'timeout'}: ${truncateReason(message)}` });
  }
  // Not an API answer: a bug or a misconfiguration (bad kubeconfig, TLS). Retrying cannot help.
  const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  return new ProviderError({ ...where, kind: 'Fatal', reason: truncateReason(message) });
}

/** The Status reason of a 409, to tell AlreadyExists (create) from a resourceVersion Conflict. */
export function statusReasonOf(error: unknown): string | undefined {
  if (!(error instanceof ApiException)) return undefined;
  return parseStatus((error as ApiException<unknown>).body)?.reason;
}
