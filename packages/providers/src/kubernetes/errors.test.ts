import { ApiException } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { ProviderError } from '../errors';
import { kindForStatus, parseStatus, retryAfterMs, toProviderError } from './errors';

const context = { operation: 'createServerGroup', account: 'k8s-prod', namespace: 'ns1', resource: { type: 'deployment', name: 'checkout-prod-v001' } };

function apiError(code: number, status: Record<string, unknown> | undefined, headers: Record<string, string> = {}): ApiException<unknown> {
  return new ApiException<unknown>(code, 'Unknown API Status Code!', status === undefined ? undefined : JSON.stringify({ kind: 'Status', code, ...status }), headers);
}

describe('kubernetes error mapping', () => {
  it.each([
    [404, 'NotFound'],
    [409, 'Conflict'],
    [429, 'Throttled'],
    [500, 'Transient'],
    [502, 'Transient'],
    [503, 'Transient'],
    [504, 'Transient'],
    [400, 'Fatal'],
    [401, 'Fatal'],
    [403, 'Fatal'],
    [405, 'Fatal'],
    [422, 'Fatal'],
  ] as const)('HTTP %i is %s', (code, kind) => {
    expect(kindForStatus(code)).toBe(kind);
    expect(toProviderError(apiError(code, { reason: 'X', message: 'y' }), context).kind).toBe(kind);
  });

  it('words a Forbidden Status with the account, namespace and resource', () => {
    const error = toProviderError(
      apiError(403, { reason: 'Forbidden', message: 'deployments.apps is forbidden: User "x" cannot create resource "deployments" in API group "apps" in the namespace "ns1"' }),
      context,
    );
    expect(error).toBeInstanceOf(ProviderError);
    expect(error.message).toBe(
      'kubernetes/createServerGroup/checkout-prod-v001: Forbidden: deployments.apps is forbidden: User "x" cannot create resource "deployments" in API group "apps" in the namespace "ns1" (account k8s-prod, namespace ns1, deployment checkout-prod-v001)',
    );
    expect(error.status).toBe(403);
    expect(error.cause).toBeInstanceOf(ApiException);
  });

  it('handles 401 without a body and bodies that are not JSON', () => {
    expect(toProviderError(new ApiException<undefined>(401, 'Unauthorized', undefined, {}), context).reason).toBe('Unauthorized');
    expect(toProviderError(new ApiException<string>(502, 'x', '<html>bad gateway</html>', {}), context).reason).toBe('HTTP 502: <html>bad gateway</html>');
  });

  it('reads Retry-After from the header, else from the Status details', () => {
    const throttled = toProviderError(apiError(429, { reason: 'TooManyRequests', message: 'slow down', details: { retryAfterSeconds: 3 } }, { 'retry-after': '2' }), context);
    expect(throttled.retryAfterMs).toBe(2000);
    expect(retryAfterMs({}, { details: { retryAfterSeconds: 3 } })).toBe(3000);
    expect(retryAfterMs({ 'Retry-After': 'Wed, 21 Oct 2015 07:28:00 GMT' }, undefined)).toBeUndefined();
  });

  it('treats connection failures and timeouts as transient', () => {
    const refused = Object.assign(new Error('request to http://127.0.0.1:1/apis failed, reason: connect ECONNREFUSED 127.0.0.1:1'), { name: 'FetchError', code: 'ECONNREFUSED', type: 'system' });
    expect(toProviderError(refused, context)).toMatchObject({ kind: 'Transient' });
    const reset = Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' });
    expect(toProviderError(reset, context).kind).toBe('Transient');
    const nested = new Error('fetch failed', { cause: Object.assign(new Error('x'), { code: 'UND_ERR_SOCKET' }) });
    expect(toProviderError(nested, context).kind).toBe('Transient');
    const aborted = Object.assign(new Error('The operation was aborted.'), { name: 'AbortError' });
    expect(toProviderError(aborted, context).kind).toBe('Transient');
  });

  it('makes anything else Fatal, and keeps ProviderErrors as they are', () => {
    expect(toProviderError(new TypeError('cannot read x'), context)).toMatchObject({ kind: 'Fatal', reason: 'TypeError: cannot read x' });
    const original = new ProviderError({ kind: 'Conflict', provider: 'kubernetes', operation: 'x', reason: 'y' });
    expect(toProviderError(original, context)).toBe(original);
  });

  it('parses Status bodies defensively', () => {
    expect(parseStatus('{"reason":"NotFound","message":"m","details":{"name":"n","retryAfterSeconds":"x"}}')).toEqual({ reason: 'NotFound', message: 'm', details: { name: 'n' } });
    expect(parseStatus(undefined)).toBeUndefined();
    expect(parseStatus('')).toBeUndefined();
    expect(parseStatus({ reason: 'Conflict' })).toEqual({ reason: 'Conflict' });
  });
});
