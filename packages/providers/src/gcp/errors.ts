import { ProviderError, transientNetworkCode, truncateReason, type ProviderErrorKind, type ProviderResource } from '../errors';

/**
 * Compute Engine failures as typed ProviderErrors. Pure: it classifies what @google-cloud/compute
 * 6 threw (a GaxiosError whose `code` is the HTTP status and whose message is the JSON error body,
 * or a network error) and a DONE operation that carries `error.errors`.
 *
 * | answer                                                              | kind      |
 * | ------------------------------------------------------------------- | --------- |
 * | 404                                                                 | NotFound  |
 * | 409 (alreadyExists: creates adopt first), 412 (conditionNotMet)     | Conflict  |
 * | 429, reason rateLimitExceeded / userRateLimitExceeded, RESOURCE_EXHAUSTED | Throttled |
 * | 5xx, reason backendError / resourceNotReady, network errors, timeouts | Transient |
 * | other 4xx (400 invalid, 403 forbidden or quota), anything unexpected | Fatal     |
 */

export interface GcpErrorContext {
  operation: string;
  account: string;
  region?: string;
  resource?: ProviderResource;
}

/** What the JSON error body of the Compute API says (`{error: {code, message, status, errors}}`). */
export interface GceErrorBody {
  code?: number;
  message?: string;
  status?: string;
  reasons: string[];
}

/** A Compute Operation's failure (`operation.error.errors` + `httpErrorStatusCode`). */
export interface GceOperationFailure {
  httpErrorStatusCode?: number | null;
  httpErrorMessage?: string | null;
  error?: { errors?: { code?: string | null; message?: string | null }[] | null } | null;
}

// `resourceNotReady`: another operation is still changing the resource; the same call succeeds later.
const TRANSIENT_REASONS = new Set(['backendError', 'internalError', 'resourceNotReady']);
const THROTTLE_REASONS = new Set(['rateLimitExceeded', 'userRateLimitExceeded']);
const TRANSIENT_OPERATION_CODES = new Set(['RESOURCE_NOT_READY', 'INTERNAL_ERROR']);
const THROTTLE_OPERATION_CODES = new Set(['RATE_LIMIT_EXCEEDED']);

export function kindForStatus(status: number, reasons: readonly string[] = [], apiStatus?: string): ProviderErrorKind {
  // GCE answers some rate limits with 403: the reason decides before the status.
  if (status === 429 || apiStatus === 'RESOURCE_EXHAUSTED' || reasons.some((reason) => THROTTLE_REASONS.has(reason))) return 'Throttled';
  if (status >= 500 || reasons.some((reason) => TRANSIENT_REASONS.has(reason))) return 'Transient';
  if (status === 404) return 'NotFound';
  if (status === 409 || status === 412) return 'Conflict';
  return 'Fatal';
}

/** The error body of a failed call; GaxiosError keeps it as the message text. */
export function parseErrorBody(text: string): GceErrorBody | undefined {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  const error = (value as { error?: unknown } | null)?.error;
  if (typeof error !== 'object' || error === null) return undefined;
  const record = error as Record<string, unknown>;
  const errors = Array.isArray(record.errors) ? (record.errors as unknown[]) : [];
  return {
    ...(typeof record.code === 'number' ? { code: record.code } : {}),
    ...(typeof record.message === 'string' ? { message: record.message } : {}),
    ...(typeof record.status === 'string' ? { status: record.status } : {}),
    reasons: errors.map((item) => (item as { reason?: unknown } | null)?.reason).filter((reason): reason is string => typeof reason === 'string'),
  };
}

/** The HTTP status of a GaxiosError (`code` is the status as a number; `status` too). */
function httpStatusOf(error: unknown): number | undefined {
  const record = error as { code?: unknown; status?: unknown; response?: { status?: unknown } };
  for (const value of [record.code, record.status, record.response?.status]) {
    if (typeof value === 'number' && value >= 100 && value < 600) return value;
  }
  return undefined;
}

function headerValue(error: unknown, name: string): string | undefined {
  const headers = (error as { response?: { headers?: unknown } }).response?.headers;
  if (headers instanceof Headers) return headers.get(name) ?? undefined;
  if (typeof headers !== 'object' || headers === null) return undefined;
  const entry = Object.entries(headers as Record<string, unknown>).find(([key]) => key.toLowerCase() === name);
  return typeof entry?.[1] === 'string' ? entry[1] : undefined;
}

/** Retry-After in seconds, when the API sent one (GCE rarely does). */
export function retryAfterMsOf(error: unknown): number | undefined {
  const header = headerValue(error, 'retry-after')?.trim();
  return header !== undefined && /^\d+(\.\d+)?$/.test(header) ? Math.round(Number(header) * 1000) : undefined;
}

function isTimeoutOrAbort(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  return error.name === 'AbortError' || error.name === 'TimeoutError' || /\b(timed? ?out|deadline exceeded)\b/i.test(error.message);
}

function where(context: GcpErrorContext, cause: unknown) {
  return {
    provider: 'gcp' as const,
    operation: context.operation,
    account: context.account,
    ...(context.region === undefined ? {} : { location: context.region }),
    ...(context.resource === undefined ? {} : { resource: context.resource }),
    cause,
  };
}

/** `alreadyExists: The resource '…' already exists`: the first reason, as gcloud prints it. */
function bodyReason(status: number, body: GceErrorBody | undefined, raw: string): string {
  if (body === undefined) return truncateReason(raw.trim() === '' ? `HTTP ${status}` : `HTTP ${status}: ${raw.trim()}`);
  const reason = body.reasons[0] ?? body.status ?? `HTTP ${status}`;
  return truncateReason(body.message ? `${reason}: ${body.message}` : reason);
}

export function toProviderError(error: unknown, context: GcpErrorContext): ProviderError {
  if (error instanceof ProviderError) return error;
  const status = httpStatusOf(error);
  const message = error instanceof Error ? error.message : String(error);
  if (status !== undefined) {
    const body = parseErrorBody(message);
    const kind = kindForStatus(status, body?.reasons, body?.status);
    const after = kind === 'Throttled' || kind === 'Transient' ? retryAfterMsOf(error) : undefined;
    return new ProviderError({ ...where(context, error), kind, status, reason: bodyReason(status, body, message), ...(after === undefined ? {} : { retryAfterMs: after }) });
  }
  const network = transientNetworkCode(error);
  if (network !== undefined || isTimeoutOrAbort(error)) {
    return new ProviderError({ ...where(context, error), kind: 'Transient', reason: `${network ?? 'timeout'}: ${truncateReason(message)}` });
  }
  // Not an API answer: a bug or a misconfiguration (credentials, endpoint). Retrying cannot help.
  const text = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  return new ProviderError({ ...where(context, error), kind: 'Fatal', reason: truncateReason(text) });
}

/** The error reasons of a failed call, to tell `alreadyExists` from other 409s. */
export function reasonsOf(error: unknown): string[] {
  if (httpStatusOf(error) === undefined) return [];
  return parseErrorBody(error instanceof Error ? error.message : String(error))?.reasons ?? [];
}

export function isAlreadyExists(error: unknown): boolean {
  return httpStatusOf(error) === 409 && (reasonsOf(error).length === 0 || reasonsOf(error).includes('alreadyExists'));
}

/** The kind of a DONE operation's failure: by its HTTP status, with its error codes deciding throttling. */
export function operationFailureKind(operation: GceOperationFailure): ProviderErrorKind {
  const codes = operationErrorCodes(operation);
  if (codes.some((code) => THROTTLE_OPERATION_CODES.has(code))) return 'Throttled';
  if (codes.some((code) => TRANSIENT_OPERATION_CODES.has(code))) return 'Transient';
  if (codes.includes('RESOURCE_ALREADY_EXISTS')) return 'Conflict';
  if (codes.includes('RESOURCE_NOT_FOUND')) return 'NotFound';
  return kindForStatus(operation.httpErrorStatusCode ?? 400);
}

export function operationErrorCodes(operation: GceOperationFailure): string[] {
  return (operation.error?.errors ?? []).map((item) => item.code ?? '').filter((code) => code !== '');
}

/** Whether a DONE operation failed. */
export function operationFailed(operation: GceOperationFailure): boolean {
  return (operation.error?.errors?.length ?? 0) > 0;
}

/** `QUOTA_EXCEEDED: Quota 'CPUS' exceeded; …`: every error of the operation, code first. */
export function operationFailureReason(operation: GceOperationFailure): string {
  const parts = (operation.error?.errors ?? []).map((item) => [item.code, item.message].filter(Boolean).join(': '));
  const text = parts.join('; ') || operation.httpErrorMessage || 'operation failed';
  return truncateReason(text);
}

export function operationError(operation: GceOperationFailure, context: GcpErrorContext): ProviderError {
  const status = operation.httpErrorStatusCode ?? undefined;
  return new ProviderError({
    ...where(context, undefined),
    kind: operationFailureKind(operation),
    reason: operationFailureReason(operation),
    ...(status === undefined ? {} : { status }),
  });
}

