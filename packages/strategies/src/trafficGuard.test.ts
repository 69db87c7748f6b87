import { describe, expect, it } from 'vitest';
import { group } from './testSupport';
import { checkTrafficRemoval } from './trafficGuard';

const noneUp = { health: { desired: 2, up: 0, down: 2, unknown: 0 } };

describe('checkTrafficRemoval', () => {
  it('refuses to take away the only serving group, naming it', () => {
    const verdict = checkTrafficRemoval([group(1, { enabled: false }), group(2)], { operation: 'disable', serverGroups: ['app-v002'] });
    expect(verdict).toEqual({
      allowed: false,
      serving: ['app-v002'],
      reason: 'disable of app-v002 would leave the cluster with no enabled server group with instances up (serving now: app-v002)',
    });
  });

  it('allows it while another group serves (red/black: the new group is up and enabled)', () => {
    expect(checkTrafficRemoval([group(1), group(2)], { operation: 'disable', serverGroups: ['app-v001'] })).toEqual({ allowed: true });
  });

  it('refuses when every serving group goes at once', () => {
    const verdict = checkTrafficRemoval([group(1), group(2), group(3, { enabled: false })], { operation: 'destroy', serverGroups: ['app-v001', 'app-v002'] });
    expect(verdict).toMatchObject({ allowed: false, serving: ['app-v001', 'app-v002'] });
  });

  it('does not count an enabled group with no instance up (a failed new group) as serving', () => {
    const failedNew = group(2, noneUp);
    const verdict = checkTrafficRemoval([group(1), failedNew], { operation: 'disable', serverGroups: ['app-v001'] });
    expect(verdict).toMatchObject({ allowed: false, serving: ['app-v001'] });
  });

  it('leaves a cluster that serves nothing alone, so it can be repaired', () => {
    expect(checkTrafficRemoval([group(1, noneUp)], { operation: 'resize to 0', serverGroups: ['app-v001'] })).toEqual({ allowed: true });
  });

  it('allows taking away groups that serve nothing', () => {
    expect(checkTrafficRemoval([group(1, { enabled: false }), group(2)], { operation: 'destroy', serverGroups: ['app-v001'] })).toEqual({ allowed: true });
  });
});
