import { describe, expect, it } from 'vitest';
import { isPast, nextHighlanderStep, type HighlanderStep } from './highlander';
import { group } from './testSupport';

const unhealthy = { health: { desired: 2, up: 1, down: 1, unknown: 0 } };

describe('nextHighlanderStep', () => {
  it('walks wait → enable → disable → destroy → done as the cluster changes', () => {
    const v1 = group(1);
    const v2 = group(2);
    let created = group(3, { enabled: false, ...unhealthy });
    const steps: HighlanderStep[] = [];
    const step = () => {
      const next = nextHighlanderStep({ newServerGroup: created, serverGroups: [v1, v2, created] });
      steps.push(next);
      return next;
    };
    expect(step()).toEqual({ kind: 'waitHealthy', serverGroup: 'app-v003' });
    created = group(3, { enabled: false });
    expect(step()).toEqual({ kind: 'enable', serverGroup: 'app-v003' });
    created = group(3);
    expect(step()).toEqual({ kind: 'disable', serverGroups: ['app-v002', 'app-v001'] });
    v1.enabled = false;
    v2.enabled = false;
    expect(step()).toEqual({ kind: 'destroy', serverGroups: ['app-v002', 'app-v001'] });
    const after = nextHighlanderStep({ newServerGroup: created, serverGroups: [created] });
    expect(after).toEqual({ kind: 'done' });
  });

  it('never disables old groups while the new one is not up, whatever else is true', () => {
    const created = group(2, unhealthy); // enabled, but not up
    expect(nextHighlanderStep({ newServerGroup: created, serverGroups: [group(1), created] })).toEqual({
      kind: 'waitHealthy',
      serverGroup: 'app-v002',
    });
  });

  it('disables only the old groups still in traffic, and destroys disabled ones too', () => {
    const created = group(3);
    const serving = group(2);
    const idle = group(1, { enabled: false });
    expect(nextHighlanderStep({ newServerGroup: created, serverGroups: [idle, serving, created] })).toEqual({
      kind: 'disable',
      serverGroups: ['app-v002'],
    });
    expect(nextHighlanderStep({ newServerGroup: created, serverGroups: [idle, created] })).toEqual({
      kind: 'destroy',
      serverGroups: ['app-v001'],
    });
  });

  it('leaves groups created after the new one to the deployment that made them', () => {
    const created = group(2);
    const later = group(3);
    expect(nextHighlanderStep({ newServerGroup: created, serverGroups: [group(1, { enabled: false }), created, later] })).toEqual({
      kind: 'destroy',
      serverGroups: ['app-v001'],
    });
    expect(nextHighlanderStep({ newServerGroup: created, serverGroups: [created, later] })).toEqual({ kind: 'done' });
  });

  it('is done at once for the first group of a cluster, even when the list does not show it yet', () => {
    const created = group(0);
    expect(nextHighlanderStep({ newServerGroup: created, serverGroups: [] })).toEqual({ kind: 'done' });
  });

  it('tells whether a step is behind', () => {
    expect(isPast({ kind: 'destroy', serverGroups: ['x'] }, 'disable')).toBe(true);
    expect(isPast({ kind: 'done' }, 'destroy')).toBe(true);
    expect(isPast({ kind: 'disable', serverGroups: ['x'] }, 'disable')).toBe(false);
    expect(isPast({ kind: 'waitHealthy', serverGroup: 'x' }, 'disable')).toBe(false);
  });
});
