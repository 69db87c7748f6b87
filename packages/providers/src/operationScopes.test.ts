import { describe, expect, it } from 'vitest';
import { ProviderError, isProviderError, type ProviderErrorKind } from './errors';
import { OperationScopes } from './operationScopes';

interface Scope {
  operation: string;
  region: string;
  resource?: { type: string; name: string };
}

const scopes = new OperationScopes<Scope>({
  account: 'prod',
  serverGroupType: 'auto-scaling-group',
  at: (location, operation) => {
    const region = location ?? 'us-east-1';
    if (region !== 'us-east-1') throw new Error(`region ${region} is not one of the account's regions`);
    return { operation, region };
  },
  error: (kind: ProviderErrorKind, scope, reason) =>
    new ProviderError({ kind, provider: 'aws', account: 'prod', operation: scope.operation, location: scope.region, ...(scope.resource ? { resource: scope.resource } : {}), reason }),
});

describe('OperationScopes', () => {
  it('scopes a server group and a cluster operation at the ref location (else the account default)', () => {
    expect(scopes.forServerGroup({ account: 'prod', name: 'web-v001' }, 'resize')).toEqual({
      operation: 'resize',
      region: 'us-east-1',
      resource: { type: 'auto-scaling-group', name: 'web-v001' },
    });
    expect(scopes.forCluster({ account: 'prod', application: 'web', cluster: 'web', location: 'us-east-1' }, 'setTrafficWeights')).toEqual({
      operation: 'setTrafficWeights',
      region: 'us-east-1',
      resource: { type: 'cluster', name: 'web' },
    });
  });

  it('refuses, as Fatal and naming both accounts, a call meant for another account', () => {
    let thrown: unknown;
    try {
      scopes.forServerGroup({ account: 'staging', name: 'web-v001' }, 'destroy');
    } catch (error) {
      thrown = error;
    }
    expect(isProviderError(thrown, 'Fatal')).toBe(true);
    expect((thrown as ProviderError).reason).toBe('this provider serves account prod, not staging');
    expect((thrown as ProviderError).resource).toEqual({ type: 'auto-scaling-group', name: 'web-v001' });
    const bake = { operation: 'bake', region: 'us-east-1' };
    expect(scopes.check('prod', bake)).toBe(bake);
    expect(() => scopes.check('staging', bake)).toThrow(/serves account prod, not staging/);
  });

  it('lets the location check speak first, as before the account guard', () => {
    expect(() => scopes.forCluster({ account: 'staging', application: 'web', cluster: 'web', location: 'eu-west-1' }, 'listServerGroups')).toThrow(/region eu-west-1/);
  });

  it('words conflicts in the same scope', () => {
    const error = scopes.conflict({ operation: 'destroy', region: 'us-east-1' }, 'not managed by Gantry');
    expect(isProviderError(error, 'Conflict')).toBe(true);
    expect(error.location).toBe('us-east-1');
  });
});
