import { describe, expect, it } from 'vitest';
import { check } from '../testSupport';
import { rollbackClusterFieldsSchema, rollbackClusterStage, rollbackRequestOf } from './rollback';

describe('rollbackCluster stage', () => {
  it("plans the decision then the restore, reading Spinnaker's spelling", () => {
    const pasted = { cluster: 'checkout-prod', credentials: 'aws-prod', regions: ['us-east-1'], targetHealthyRollbackPercentage: 95, cloudProvider: 'aws' };
    expect(check(rollbackClusterStage, pasted)).toMatchObject({
      ok: true,
      tasks: ['determineRollbackServerGroups', 'restoreServerGroup', 'disableRolledBackServerGroup'],
    });
    expect(rollbackRequestOf(rollbackClusterFieldsSchema.parse(pasted))).toEqual({ account: 'aws-prod', location: 'us-east-1', cluster: 'checkout-prod' });
  });

  it('takes an explicit group to restore; empty means automatic', () => {
    const fields = { cluster: 'checkout-prod', account: 'k8s', namespace: 'ns1', serverGroupName: 'checkout-prod-v003', reason: 'errors up' };
    expect(rollbackRequestOf(rollbackClusterFieldsSchema.parse(fields))).toEqual({
      account: 'k8s',
      location: 'ns1',
      cluster: 'checkout-prod',
      restore: 'checkout-prod-v003',
    });
    expect(rollbackRequestOf(rollbackClusterFieldsSchema.parse({ ...fields, namespace: undefined, location: '', serverGroupName: '', reason: '' }))).toEqual({
      account: 'k8s',
      cluster: 'checkout-prod',
    });
  });

  it('says what is missing or contradictory', () => {
    expect(check(rollbackClusterStage, { cluster: 'checkout-prod' })).toEqual({
      ok: false,
      issues: [{ path: ['account'], message: 'account is required (Spinnaker calls it credentials)' }],
    });
    expect(check(rollbackClusterStage, { account: 'k8s', cluster: 'checkout-prod', targetHealthyRollbackPercentage: 0 })).toEqual({
      ok: false,
      issues: [{ path: ['targetHealthyRollbackPercentage'], message: expect.stringContaining('>=1') }],
    });
    expect(check(rollbackClusterStage, { account: 'k8s', cluster: 'checkout-prod', serverGroupName: 'checkout-v001' })).toEqual({
      ok: false,
      issues: [{ path: ['serverGroupName'], message: 'checkout-v001 belongs to cluster checkout, not checkout-prod' }],
    });
    expect(check(rollbackClusterStage, { account: 'k8s' })).toMatchObject({ ok: false, issues: [{ path: ['cluster'] }] });
  });

  it('accepts expressions when saved', () => {
    expect(check(rollbackClusterStage, { account: '${parameters.account}', cluster: 'checkout-prod', serverGroupName: '${parameters.target}' }).ok).toBe(true);
  });
});
