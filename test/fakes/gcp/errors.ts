/**
 * Errors as Google's JSON APIs send them (`{"error": {code, message, errors: [{message, domain,
 * reason}], status}}`), so the client library's own error decoding is what the provider meets.
 * A failed long-running operation carries a different shape (`Operation.error`), see operations.ts.
 */
import type { JsonObject } from '../kubernetes/json';

const STATUS_BY_CODE: Record<number, string> = {
  400: 'INVALID_ARGUMENT',
  403: 'PERMISSION_DENIED',
  404: 'NOT_FOUND',
  405: 'METHOD_NOT_ALLOWED',
  409: 'ALREADY_EXISTS',
  412: 'FAILED_PRECONDITION',
  429: 'RESOURCE_EXHAUSTED',
  500: 'INTERNAL',
  503: 'UNAVAILABLE',
};

/** The operation error code GCE reports when the same failure happens inside an operation. */
const OPERATION_CODE_BY_REASON: Record<string, string> = {
  notFound: 'RESOURCE_NOT_FOUND',
  alreadyExists: 'RESOURCE_ALREADY_EXISTS',
  invalid: 'INVALID_FIELD_VALUE',
  resourceInUseByAnotherResource: 'RESOURCE_IN_USE_BY_ANOTHER_RESOURCE',
  conditionNotMet: 'CONDITION_NOT_MET',
};

export class GcpError extends Error {
  constructor(
    readonly code: number,
    readonly reason: string,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }

  toJson(): JsonObject {
    return {
      error: {
        code: this.code,
        message: this.message,
        errors: [{ message: this.message, domain: 'global', reason: this.reason }],
        status: STATUS_BY_CODE[this.code] ?? 'UNKNOWN',
      },
    };
  }

  /** The `{code, message}` entry of a failed Operation's `error.errors`. */
  operationCode(): string {
    return OPERATION_CODE_BY_REASON[this.reason] ?? this.reason.replace(/[A-Z]/g, (c) => `_${c}`).toUpperCase();
  }
}

/** `what` is the relative resource path, e.g. `projects/p/global/instanceTemplates/t`. */
export function notFound(what: string): GcpError {
  return new GcpError(404, 'notFound', `The resource '${what}' was not found`);
}

export function alreadyExists(what: string): GcpError {
  return new GcpError(409, 'alreadyExists', `The resource '${what}' already exists`);
}

export function invalidField(field: string, value: string, why: string): GcpError {
  return new GcpError(400, 'invalid', `Invalid value for field '${field}': '${value}'. ${why}`);
}

export function requiredField(field: string): GcpError {
  return new GcpError(400, 'required', `Required field '${field}' not specified`);
}

export function badRequest(message: string): GcpError {
  return new GcpError(400, 'badRequest', message);
}

/** `kind` is GCE's snake_case resource kind, e.g. `instance_template`. */
export function resourceInUse(kind: string, what: string, user: string): GcpError {
  return new GcpError(400, 'resourceInUseByAnotherResource', `The ${kind} resource '${what}' is already being used by '${user}'`);
}

export function conditionNotMet(message = 'Invalid fingerprint.'): GcpError {
  return new GcpError(412, 'conditionNotMet', message);
}

export function rateLimitExceeded(message?: string): GcpError {
  return new GcpError(429, 'rateLimitExceeded', message ?? "Quota exceeded for quota metric 'Queries' and limit 'Queries per minute' of service 'compute.googleapis.com'.");
}

export function backendError(message?: string): GcpError {
  return new GcpError(503, 'backendError', message ?? 'Internal error. Please try again or contact Google Support.');
}

export function unknownPath(method: string, path: string): GcpError {
  return new GcpError(404, 'notFound', `The requested URL ${path} (${method}) was not found on this server.`);
}

export type FaultStatus = 400 | 403 | 404 | 409 | 412 | 429 | 500 | 503;

const FAULT_REASONS: Record<FaultStatus, [string, string]> = {
  400: ['badRequest', 'Bad request (injected by the fake).'],
  403: ['forbidden', 'Required permission denied (injected by the fake).'],
  404: ['notFound', 'The resource was not found (injected by the fake).'],
  409: ['alreadyExists', 'The resource already exists (injected by the fake).'],
  412: ['conditionNotMet', 'Invalid fingerprint (injected by the fake).'],
  429: ['rateLimitExceeded', "Quota exceeded for quota metric 'Queries' (injected by the fake)."],
  500: ['internalError', 'Internal error (injected by the fake).'],
  503: ['backendError', 'Internal error. Please try again or contact Google Support. (injected by the fake)'],
};

/** An injected failure with the reason GCE gives that status unless the test names one. */
export function faultError(status: FaultStatus, reason?: string, message?: string): GcpError {
  const [defaultReason, defaultMessage] = FAULT_REASONS[status];
  return new GcpError(status, reason ?? defaultReason, message ?? defaultMessage);
}
