import { DomainError, ValidationError, type ValidationIssue } from '@gantry/core';
import { isProviderError, type ProviderError } from '@gantry/providers';
import { isDatabaseUnavailable } from '@gantry/store';
import { BadJsonError } from './BadJsonError';
import { IdempotencyKeyReusedError } from './IdempotencyKeyReusedError';
import { TooManyFailedSignInsError } from './TooManyFailedSignInsError';

/** The one error body the API ever sends. */
export interface ErrorBody {
  error: { code: string; message: string; details: unknown };
}

export interface ErrorResponse {
  statusCode: number;
  body: ErrorBody;
  /** A bug rather than a bad request: log it with its stack, tell the client nothing. */
  unexpected: boolean;
  /** Response headers that belong to the error (Retry-After). */
  headers?: Record<string, string>;
}

/** How long a client is asked to wait before retrying while PostgreSQL is unreachable. */
export const DATABASE_RETRY_AFTER_SECONDS = 5;

export interface ErrorContext {
  bodyLimitBytes: number;
  requestId: string;
}

const DOMAIN_STATUS = { VALIDATION: 400, UNAUTHORIZED: 401, FORBIDDEN: 403, NOT_FOUND: 404, CONFLICT: 409, POLICY_VIOLATION: 422 } as const;
// Issues quoted in the message; the rest are only in details.
const ISSUES_IN_MESSAGE = 3;

// Codes for Fastify's own client errors (they carry a 4xx statusCode and a safe message).
const CODE_BY_STATUS: Record<number, string> = {
  400: 'BAD_REQUEST',
  404: 'NOT_FOUND',
  405: 'METHOD_NOT_ALLOWED',
  406: 'NOT_ACCEPTABLE',
  408: 'REQUEST_TIMEOUT',
  411: 'LENGTH_REQUIRED',
  413: 'PAYLOAD_TOO_LARGE',
  414: 'URI_TOO_LONG',
  415: 'UNSUPPORTED_MEDIA_TYPE',
  429: 'TOO_MANY_REQUESTS',
  431: 'HEADERS_TOO_LARGE',
};

/** Maps anything a handler, hook or parser threw to a status and `{error: {code, message, details}}`. */
export function toErrorResponse(error: unknown, context: ErrorContext): ErrorResponse {
  if (error instanceof ValidationError) {
    return clientError(400, 'VALIDATION', summarize(error.issues), { issues: error.issues.map(describeIssue) });
  }
  if (error instanceof DomainError) {
    return clientError(DOMAIN_STATUS[error.code], error.code, error.message, error.details ?? {});
  }
  if (error instanceof BadJsonError) return clientError(400, 'BAD_JSON', error.message, {});
  if (error instanceof IdempotencyKeyReusedError) return clientError(422, 'IDEMPOTENCY_KEY_REUSED', error.message, { idempotencyKey: error.key });
  if (error instanceof TooManyFailedSignInsError) {
    return {
      ...clientError(429, 'TOO_MANY_FAILED_SIGN_INS', error.message, { failures: error.failures, retryAfterSeconds: error.retryAfterSeconds }),
      headers: { 'retry-after': String(error.retryAfterSeconds) },
    };
  }
  if (isProviderError(error)) return fromProviderError(error);
  const fastifyCode = stringProperty(error, 'code');
  if (fastifyCode === 'FST_ERR_CTP_INVALID_JSON_BODY' || fastifyCode === 'FST_ERR_CTP_EMPTY_JSON_BODY') {
    return clientError(400, 'BAD_JSON', messageOf(error), {});
  }
  if (fastifyCode === 'FST_ERR_CTP_BODY_TOO_LARGE') {
    return clientError(
      413,
      'PAYLOAD_TOO_LARGE',
      `Request body is larger than the limit of ${context.bodyLimitBytes} bytes`,
      { limitBytes: context.bodyLimitBytes },
    );
  }
  if (fastifyCode === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') {
    return clientError(415, 'UNSUPPORTED_MEDIA_TYPE', 'Request bodies must be JSON (Content-Type: application/json)', {});
  }
  if (isDatabaseUnavailable(error)) {
    // An outage, not a bug: nothing was changed, the same request will work once PostgreSQL is back.
    return {
      ...clientError(503, 'DATABASE_UNAVAILABLE', 'The database is unreachable; retry later', { retryAfterSeconds: DATABASE_RETRY_AFTER_SECONDS }),
      headers: { 'retry-after': String(DATABASE_RETRY_AFTER_SECONDS) },
    };
  }
  const storeError = fromStoreError(error);
  if (storeError) return storeError;
  const statusCode = numberProperty(error, 'statusCode');
  if (statusCode !== undefined && statusCode >= 400 && statusCode < 500) {
    return clientError(statusCode, CODE_BY_STATUS[statusCode] ?? 'BAD_REQUEST', messageOf(error), {});
  }
  return {
    statusCode: 500,
    body: {
      error: {
        code: 'INTERNAL',
        message: 'Internal server error; it has been logged with the request id',
        details: { requestId: context.requestId },
      },
    },
    unexpected: true,
  };
}

/**
 * A provider that failed is not the client's fault: NotFound → 404; Throttled/Transient (after the
 * registry's retries) → 503, worth retrying; Fatal/Conflict → 502 with the provider's message.
 */
function fromProviderError(error: ProviderError): ErrorResponse {
  const [status, code] = error.kind === 'NotFound' ? [404, 'NOT_FOUND'] : error.retryable ? [503, 'PROVIDER_UNAVAILABLE'] : [502, 'PROVIDER_ERROR'];
  return clientError(status, code, error.message, error.toJSON());
}

/**
 * A safety net for database errors that are caused by client input which slipped past the route
 * schemas (an id that is not a UUID, a row that vanished): they must never become a 500.
 * Duck-typed so the API does not depend on the generated Prisma client.
 */
function fromStoreError(error: unknown): ErrorResponse | undefined {
  const code = stringProperty(error, 'code');
  const isPrisma = stringProperty(error, 'name') === 'PrismaClientKnownRequestError';
  if ((isPrisma && code === 'P2023') || code === '22P02') {
    return clientError(400, 'VALIDATION', 'A value in the request is malformed (e.g. an id that is not a UUID)', {
      issues: [],
    });
  }
  if (isPrisma && code === 'P2025') return clientError(404, 'NOT_FOUND', 'Not found', {});
  if ((isPrisma && code === 'P2002') || code === '23505') {
    return clientError(409, 'CONFLICT', 'The change conflicts with an existing resource', {});
  }
  return undefined;
}

function clientError(statusCode: number, code: string, message: string, details: unknown): ErrorResponse {
  return { statusCode, body: { error: { code, message, details } }, unexpected: false };
}

function describeIssue(issue: ValidationIssue): { path: (string | number)[]; pathString: string; message: string } {
  return { path: issue.path, pathString: issue.path.join('.'), message: issue.message };
}

/** "Invalid request (4 problems): stages.1.refId: duplicate refId…; … (and 1 more)": a log line alone says what to fix. */
function summarize(issues: ValidationIssue[]): string {
  if (issues.length === 0) return 'Invalid request';
  const quoted = issues
    .slice(0, ISSUES_IN_MESSAGE)
    .map((issue) => `${issue.path.length > 0 ? issue.path.join('.') : '(root)'}: ${issue.message}`)
    .join('; ');
  const more = issues.length - ISSUES_IN_MESSAGE;
  const count = issues.length === 1 ? '1 problem' : `${issues.length} problems`;
  return `Invalid request (${count}): ${quoted}${more > 0 ? ` (and ${more} more)` : ''}`;
}

function messageOf(error: unknown): string {
  return stringProperty(error, 'message') ?? 'Bad request';
}

function stringProperty(value: unknown, key: string): string | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const property: unknown = (value as Record<string, unknown>)[key];
  return typeof property === 'string' ? property : undefined;
}

function numberProperty(value: unknown, key: string): number | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const property: unknown = (value as Record<string, unknown>)[key];
  return typeof property === 'number' ? property : undefined;
}
