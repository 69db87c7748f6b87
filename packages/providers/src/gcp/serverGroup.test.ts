import { describe, expect, it } from 'vitest';
import { describeMig } from './resources';
import { computeHealth, instanceState, readCapacity, toServerGroup } from './serverGroup';

const running = { instance: 'projects/p/zones/z/instances/web-v001-abcd', instanceStatus: 'RUNNING', currentAction: 'NONE' };

describe('gcp server group view', () => {
  it('counts an instance up only when running with nothing under way (and healthy to the load balancer when enabled)', () => {
    expect(instanceState(running, undefined)).toBe('up');
    expect(instanceState(running, new Map([['web-v001-abcd', 'HEALTHY']]))).toBe('up');
    expect(instanceState(running, new Map([['web-v001-abcd', 'UNHEALTHY']]))).toBe('down');
    expect(instanceState(running, new Map())).toBe('unknown');
    expect(instanceState({ ...running, instanceStatus: 'PROVISIONING', currentAction: 'CREATING' }, undefined)).toBe('unknown');
    expect(instanceState({ ...running, currentAction: 'VERIFYING' }, undefined)).toBe('unknown');
    expect(instanceState({ ...running, instanceStatus: 'TERMINATED' }, undefined)).toBe('down');
    expect(instanceState({ ...running, currentAction: 'RECREATING', lastAttempt: { errors: { errors: [{ code: 'ZONE_RESOURCE_POOL_EXHAUSTED' }] } } }, undefined)).toBe('down');
    expect(instanceState({ ...running, instanceHealth: [{ detailedHealthState: 'UNHEALTHY' }] }, undefined)).toBe('down');
  });

  it('leaves out instances being deleted', () => {
    const health = computeHealth({ targetSize: 2 }, [running, { ...running, currentAction: 'DELETING' }, { ...running, instanceStatus: 'STAGING', currentAction: 'CREATING' }]);
    expect(health).toEqual({ desired: 2, up: 1, down: 0, unknown: 1 });
  });

  it('reads min/max from the description around the target size', () => {
    const description = describeMig({ application: 'web', cluster: 'web', image: 'img' }, { min: 1, max: 5 });
    expect(readCapacity({ targetSize: 3, description })).toEqual({ min: 1, max: 5, desired: 3 });
    expect(readCapacity({ targetSize: 7, description })).toEqual({ min: 1, max: 7, desired: 7 });
    expect(readCapacity({ targetSize: 2, description: 'made by hand' })).toEqual({ min: 2, max: 2, desired: 2 });
  });

  it('shows the image as the spec named it', () => {
    const group = toServerGroup({
      account: 'gcp',
      region: 'us-central1',
      mig: { name: 'web-prod-v003', targetSize: 0, creationTimestamp: '2026-01-02T03:04:05.000-08:00', description: describeMig({ application: 'web', cluster: 'web-prod', image: 'web-1' }, { min: 0, max: 0 }) },
      template: { properties: { disks: [{ boot: true, initializeParams: { sourceImage: 'projects/p/global/images/web-1' } }] } },
      instances: [],
      enabled: false,
    });
    expect(group).toMatchObject({ name: 'web-prod-v003', sequence: 3, cluster: 'web-prod', application: 'web', image: 'web-1', location: 'us-central1', enabled: false });
    expect(group.createdAt.toISOString()).toBe('2026-01-02T11:04:05.000Z');
  });
});
