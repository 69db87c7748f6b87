import { describe, expect, it } from 'vitest';
import { ProviderError } from '../errors';
import { kindForStatus, operationError, operationFailureKind, parseErrorBody, toProviderError } from './errors';

const context = { operation: 'createServerGroup', account: 'gcp-prod', region: 'us-central1', resource: { type: 'instanceGroupManager', name: 'checkout-prod-v001' } };

/** What @google-cloud/compute 6 throws for an HTTP error: a GaxiosError with the status as `code` and the JSON body as message. */
function apiError(status: number, reason: string, message = 'something', apiStatus?: string): Error {
  const body = { error: { code: status, message, errors: [{ reason, message, domain: 'global' }], ...(apiStatus ? { status: apiStatus } : {}) } };
  return Object.assign(new Error(JSON.stringify(body)), { name: 'GaxiosError', code: status, status, response: { status, headers: { 'retry-after': '3' } } });
}

describe('gcp error mapping', () => {
  it.each([
    [404, 'notFound', 'NotFound'],
    [409, 'alreadyExists', 'Conflict'],
    [412, 'conditionNotMet', 'Conflict'],
    [429, 'rateLimitExceeded', 'Throttled'],
    [403, 'rateLimitExceeded', 'Throttled'],
    [403, 'userRateLimitExceeded', 'Throttled'],
    [500, 'backendError', 'Transient'],
    [503, 'backendError', 'Transient'],
    [400, 'resourceNotReady', 'Transient'],
    [400, 'invalid', 'Fatal'],
    [400, 'resourceInUseByAnotherResource', 'Fatal'],
    [403, 'forbidden', 'Fatal'],
    [403, 'quotaExceeded', 'Fatal'],
  ] as const)('HTTP %i %s is %s', (status, reason, kind) => {
    expect(toProviderError(apiError(status, reason), context).kind).toBe(kind);
  });

  it('RESOURCE_EXHAUSTED is throttling whatever the status', () => {
    expect(kindForStatus(403, [], 'RESOURCE_EXHAUSTED')).toBe('Throttled');
  });

  it('words the error with the first reason, the account, region and resource', () => {
    const error = toProviderError(apiError(403, 'forbidden', "Required 'compute.instanceGroupManagers.create' permission"), context);
    expect(error).toBeInstanceOf(ProviderError);
    expect(error.message).toBe(
      "gcp/createServerGroup/checkout-prod-v001: forbidden: Required 'compute.instanceGroupManagers.create' permission (account gcp-prod, region us-central1, instanceGroupManager checkout-prod-v001)",
    );
    expect(error.status).toBe(403);
  });

  it('keeps a Retry-After for throttling', () => {
    expect(toProviderError(apiError(429, 'rateLimitExceeded'), context).retryAfterMs).toBe(3000);
  });

  it('network failures and timeouts are Transient; anything else is Fatal', () => {
    const refused = Object.assign(new Error('request failed, reason: connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED' });
    expect(toProviderError(refused, context)).toMatchObject({ kind: 'Transient', reason: expect.stringContaining('ECONNREFUSED') });
    expect(toProviderError(Object.assign(new Error('aborted'), { name: 'AbortError' }), context).kind).toBe('Transient');
    expect(toProviderError(new TypeError('x is not a function'), context)).toMatchObject({ kind: 'Fatal', reason: 'TypeError: x is not a function' });
  });

  it('reads the JSON error body, and tolerates text', () => {
    expect(parseErrorBody('{"error":{"code":404,"message":"m","errors":[{"reason":"notFound"}]}}')).toEqual({ code: 404, message: 'm', reasons: ['notFound'] });
    expect(parseErrorBody('<html>bad gateway</html>')).toBeUndefined();
    expect(toProviderError(Object.assign(new Error('<html>bad gateway</html>'), { code: 502 }), context)).toMatchObject({ kind: 'Transient', reason: 'HTTP 502: <html>bad gateway</html>' });
  });

  it('a DONE operation with errors becomes the kind of its HTTP status, worded with every error', () => {
    const quota = { httpErrorStatusCode: 403, httpErrorMessage: 'FORBIDDEN', error: { errors: [{ code: 'QUOTA_EXCEEDED', message: "Quota 'CPUS' exceeded. Limit: 24.0 in region us-central1." }] } };
    expect(operationError(quota, context)).toMatchObject({ kind: 'Fatal', status: 403, reason: "QUOTA_EXCEEDED: Quota 'CPUS' exceeded. Limit: 24.0 in region us-central1." });
    expect(operationFailureKind({ httpErrorStatusCode: 404, error: { errors: [{ code: 'RESOURCE_NOT_FOUND' }] } })).toBe('NotFound');
    expect(operationFailureKind({ httpErrorStatusCode: 409, error: { errors: [{ code: 'RESOURCE_ALREADY_EXISTS' }] } })).toBe('Conflict');
    expect(operationFailureKind({ httpErrorStatusCode: 400, error: { errors: [{ code: 'RESOURCE_NOT_READY' }] } })).toBe('Transient');
    expect(operationFailureKind({ httpErrorStatusCode: 503, error: { errors: [{ code: 'ZONE_RESOURCE_POOL_EXHAUSTED' }] } })).toBe('Transient');
  });
});
