import { describe, expect, it } from 'vitest';
import { ProviderError, isProviderError } from './errors';

describe('ProviderError', () => {
  it('says which provider, operation, account, location and resource failed, then why', () => {
    const error = new ProviderError({
      kind: 'Fatal',
      provider: 'kubernetes',
      operation: 'createServerGroup',
      account: 'k8s-prod',
      location: 'ns1',
      resource: { type: 'deployment', name: 'checkout-prod-v001' },
      reason: 'Forbidden: deployments.apps is forbidden: User "x" cannot create resource "deployments"',
      status: 403,
    });
    expect(error.message).toBe(
      'kubernetes/createServerGroup/checkout-prod-v001: Forbidden: deployments.apps is forbidden: User "x" cannot create resource "deployments" (account k8s-prod, namespace ns1, deployment checkout-prod-v001)',
    );
    expect(error.retryable).toBe(false);
    expect(error.toJSON()).toMatchObject({ kind: 'Fatal', account: 'k8s-prod', location: 'ns1', status: 403 });
    expect(isProviderError(error)).toBe(true);
    expect(isProviderError(error, 'Fatal')).toBe(true);
    expect(isProviderError(error, 'NotFound')).toBe(false);
    expect(isProviderError(new Error('x'))).toBe(false);
  });

  it('names regions for clouds and leaves out what it does not know', () => {
    const error = new ProviderError({ kind: 'Throttled', provider: 'aws', operation: 'resize', account: 'aws-prod', location: 'us-east-1', reason: 'Rate exceeded', retryAfterMs: 1000 });
    expect(error.message).toBe('aws/resize: Rate exceeded (account aws-prod, region us-east-1)');
    expect(error.retryable).toBe(true);
    expect(new ProviderError({ kind: 'Transient', provider: 'local', operation: 'health', reason: 'boom' }).message).toBe('local/health: boom');
  });
});
