import { ProviderError, transientNetworkCode, truncateReason, type ProviderErrorKind, type ProviderResource } from '../errors';

/**
 * AWS API failures as typed ProviderErrors. Pure: it classifies what the SDK threw (a service
 * exception carrying the AWS error code, or a network error) and words it as
 * `aws/<operation>/<resource>: <AWS code>: <message> (account …, region …, <type> <name>)`.
 *
 * | AWS answer                                                              | kind      |
 * | ----------------------------------------------------------------------- | --------- |
 * | Throttling, RequestLimitExceeded, …Throttl…, HTTP 429                    | Throttled |
 * | HTTP 5xx, InternalFailure, ServiceUnavailable, ScalingActivityInProgress, network errors, timeouts | Transient |
 * | codes containing NotFound; ValidationError "… not found …"              | NotFound  |
 * | AlreadyExists, ResourceInUse, …Duplicate…, IncorrectInstanceState        | Conflict  |
 * | anything else (AccessDenied, UnauthorizedOperation, ValidationError, LimitExceeded…) | Fatal |
 *
 * ScalingActivityInProgress is Transient rather than Conflict: nobody has to change anything, the
 * group's current activity ends by itself, so every operation (create included) may retry it.
 */

export interface AwsErrorContext {
  operation: string;
  account: string;
  region: string;
  resource?: ProviderResource;
}

const THROTTLING_CODES = new Set([
  'Throttling',
  'ThrottlingException',
  'ThrottledException',
  'RequestLimitExceeded',
  'RequestThrottled',
  'RequestThrottledException',
  'TooManyRequestsException',
  'SlowDown',
  'EC2ThrottledException',
]);

const TRANSIENT_CODES = new Set([
  'InternalFailure',
  'InternalError',
  'InternalServiceError',
  'ServiceUnavailable',
  'ServiceUnavailableException',
  'Unavailable',
  'RequestTimeout',
  'RequestTimeoutException',
  'ScalingActivityInProgress',
  'IDPCommunicationError',
]);

const CONFLICT_CODES = new Set(['AlreadyExists', 'ResourceInUse', 'IncorrectInstanceState', 'IncorrectState']);

const TIMEOUT_NAMES = new Set(['TimeoutError', 'AbortError', 'RequestTimeout']);

/** What the SDK threw, reduced to what classification needs. */
export interface AwsFailure {
  /** The AWS error code (`Throttling`, `InvalidLaunchTemplateName.NotFoundException`), or a network code. */
  code: string;
  message: string;
  status?: number;
  /** Not an answer from AWS: the request did not complete. */
  network: boolean;
}

/**
 * The SDK names modeled errors by class (`AlreadyExistsFault`) but keeps the wire code in `Code`;
 * unmodeled ones carry the code as their name. Network failures are plain errors with `code`.
 */
export function readAwsFailure(error: unknown): AwsFailure {
  const record = (typeof error === 'object' && error !== null ? error : {}) as {
    Code?: unknown;
    name?: unknown;
    message?: unknown;
    code?: unknown;
    $metadata?: { httpStatusCode?: unknown };
    $fault?: unknown;
  };
  const message = typeof record.message === 'string' ? record.message : String(error);
  const status = typeof record.$metadata?.httpStatusCode === 'number' ? record.$metadata.httpStatusCode : undefined;
  const networkCode = transientNetworkCode(error);
  if (networkCode !== undefined) return { code: networkCode, message, network: true };
  const name = typeof record.name === 'string' ? record.name : undefined;
  if (name !== undefined && TIMEOUT_NAMES.has(name) && record.$fault === undefined) return { code: name, message, network: true };
  const code = typeof record.Code === 'string' ? record.Code : (name ?? 'UnknownError');
  return { code, message, ...(status === undefined ? {} : { status }), network: false };
}

export function kindForAwsFailure(failure: AwsFailure): ProviderErrorKind {
  const { code, status } = failure;
  if (failure.network) return 'Transient';
  if (THROTTLING_CODES.has(code) || status === 429 || /throttl/i.test(code)) return 'Throttled';
  if (TRANSIENT_CODES.has(code)) return 'Transient';
  if (/NotFound/.test(code) || (code === 'ValidationError' && /not found/i.test(failure.message))) return 'NotFound';
  if (CONFLICT_CODES.has(code) || /AlreadyExists|Duplicate|InUse/.test(code)) return 'Conflict';
  if (status !== undefined && status >= 500) return 'Transient';
  return 'Fatal';
}

/** The AWS error code of what the SDK threw (for the few codes a caller handles itself). */
export function awsErrorCode(error: unknown): string {
  return readAwsFailure(error).code;
}

export function toProviderError(error: unknown, context: AwsErrorContext): ProviderError {
  if (error instanceof ProviderError) return error;
  const failure = readAwsFailure(error);
  return new ProviderError({
    kind: kindForAwsFailure(failure),
    provider: 'aws',
    operation: context.operation,
    account: context.account,
    location: context.region,
    ...(context.resource === undefined ? {} : { resource: context.resource }),
    reason: truncateReason(`${failure.code}: ${failure.message}`),
    ...(failure.status === undefined ? {} : { status: failure.status }),
    cause: error,
  });
}
