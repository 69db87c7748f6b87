import { describe, expect, it } from 'vitest';
import { check } from '../testSupport';
import { targetOf } from './target';
import {
  destroyServerGroupStage,
  disableServerGroupStage,
  enableServerGroupStage,
  resizeServerGroupStage,
  targetFieldsSchema,
} from './targetStages';
import { isClusterName } from './names';

const base = { account: 'k8s-prod', namespace: 'checkout', cluster: 'checkout-prod', target: 'current' };

describe('server group target stages', () => {
  it('plan: decide the target once, then act', () => {
    expect(check(enableServerGroupStage, base)).toMatchObject({ ok: true, tasks: ['determineTargetServerGroup', 'enableServerGroup'] });
    expect(check(disableServerGroupStage, base)).toMatchObject({ ok: true, tasks: ['determineTargetServerGroup', 'disableServerGroup'] });
    expect(check(destroyServerGroupStage, base)).toMatchObject({
      ok: true,
      tasks: ['determineTargetServerGroup', 'disableServerGroup', 'destroyServerGroup'],
    });
    expect(check(resizeServerGroupStage, { ...base, capacity: { min: 1, max: 1, desired: 1 } })).toMatchObject({
      ok: true,
      tasks: ['determineTargetServerGroup', 'resizeServerGroup', 'waitForCapacityMatch'],
    });
  });

  it("reads Spinnaker's spelling: credentials, one-element regions, *_asg_dynamic targets", () => {
    const pasted = { credentials: 'aws-prod', regions: ['us-east-1'], cluster: 'checkout-prod', target: 'ancestor_asg_dynamic', cloudProvider: 'aws' };
    const result = targetFieldsSchema.parse(pasted);
    expect(targetOf(result)).toEqual({ account: 'aws-prod', location: 'us-east-1', cluster: 'checkout-prod', selector: 'previous' });
  });

  it('takes an exact server group name, its cluster implied', () => {
    const result = targetFieldsSchema.parse({ account: 'k8s', serverGroupName: 'checkout-prod-v003' });
    expect(targetOf(result)).toEqual({ account: 'k8s', cluster: 'checkout-prod', selector: { name: 'checkout-prod-v003' } });
  });

  it('says what is missing or contradictory', () => {
    expect(check(enableServerGroupStage, { cluster: 'checkout' })).toEqual({
      ok: false,
      issues: [
        { path: ['account'], message: 'account is required (Spinnaker calls it credentials)' },
        { path: ['target'], message: 'give target (with cluster) or serverGroupName' },
      ],
    });
    expect(check(enableServerGroupStage, { account: 'a', target: 'current' })).toEqual({
      ok: false,
      issues: [{ path: ['cluster'], message: 'cluster is required to find the current server group' }],
    });
    expect(check(enableServerGroupStage, { ...base, serverGroupName: 'checkout-prod-v001' })).toMatchObject({
      ok: false,
      issues: [{ path: ['serverGroupName'], message: 'give target or serverGroupName, not both' }],
    });
    expect(check(enableServerGroupStage, { account: 'a', cluster: 'checkout-prod', serverGroupName: 'checkout-v001' })).toEqual({
      ok: false,
      issues: [{ path: ['serverGroupName'], message: 'checkout-v001 belongs to cluster checkout, not checkout-prod' }],
    });
    expect(check(enableServerGroupStage, { ...base, target: 'newest' })).toEqual({
      ok: false,
      issues: [
        {
          path: ['target'],
          message:
            'unknown target "newest": expected one of current, previous, ancestor, oldest, largest, current_asg_dynamic, current_asg, ancestor_asg_dynamic, ancestor_asg, oldest_asg_dynamic, largest_asg_dynamic',
        },
      ],
    });
    expect(check(destroyServerGroupStage, { account: 'a', serverGroupName: 'checkout-prod' })).toEqual({
      ok: false,
      issues: [{ path: ['serverGroupName'], message: 'expected a server group name: <cluster>-vNNN, e.g. checkout-prod-v007' }],
    });
  });

  it('resizes exactly, to a valid capacity, or by Spinnaker\'s other actions', () => {
    expect(check(resizeServerGroupStage, base)).toMatchObject({ ok: false, issues: [{ path: ['capacity'] }] });
    expect(check(resizeServerGroupStage, { ...base, capacity: { min: 3, max: 2, desired: 2 } })).toEqual({
      ok: false,
      issues: [{ path: ['capacity', 'min'], message: 'min (3) is above max (2)' }],
    });
    expect(check(resizeServerGroupStage, { ...base, capacity: {}, action: 'scale_up', resizeType: 'pct', scalePct: '50' })).toMatchObject({
      ok: true,
      data: { action: 'scale_up', scalePct: 50 },
    });
    expect(check(resizeServerGroupStage, { ...base, capacity: { desired: 2 } })).toMatchObject({ ok: true, data: { action: 'scale_exact' } });
    expect(check(resizeServerGroupStage, { ...base, action: 'scale_sideways' })).toMatchObject({ ok: false, issues: [{ path: ['action'] }] });
    expect(check(resizeServerGroupStage, { ...base, capacity: { min: 0, max: 5, desired: '${parameters.n}' } }).ok).toBe(true);
  });

  it('accepts an expression as the target or the server group name when saved', () => {
    expect(check(disableServerGroupStage, { account: 'a', serverGroupName: '${stages.deploy.outputs.serverGroupName}' }).ok).toBe(true);
    expect(check(disableServerGroupStage, { ...base, target: '${parameters.target}' }).ok).toBe(true);
  });
});

describe('cluster names', () => {
  it("follow Frigga's application[-stack[-detail]]", () => {
    for (const name of ['checkout', 'checkout-prod', 'checkout--canary', 'checkout-prod-canary-eu-1']) expect(isClusterName(name), name).toBe(true);
    for (const name of ['Checkout', 'checkout-', 'checkout-prod-', '1checkout', 'checkout_prod', 'checkout--']) expect(isClusterName(name), name).toBe(false);
  });
});
