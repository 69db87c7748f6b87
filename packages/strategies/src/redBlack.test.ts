import { describe, expect, it } from 'vitest';
import { gatesBefore, isPastRedBlack, nextRedBlackStep, type RedBlackGate, type RedBlackOptions } from './redBlack';
import type { ServerGroupView } from './serverGroups';
import { group } from './testSupport';

const ALL_GATES = new Set<RedBlackGate>(['verify', 'delayBeforeDisable', 'delayBeforeScaleDown']);
const DEFAULTS: RedBlackOptions = { scaleDown: true, maxRemainingServerGroups: 2 };

function next(created: ServerGroupView, serverGroups: ServerGroupView[], passed = ALL_GATES, options = DEFAULTS) {
  return nextRedBlackStep({ newServerGroup: created, serverGroups, options, passed });
}

const scaledToZero = { capacity: { min: 0, max: 2, desired: 0 }, health: { desired: 0, up: 0, down: 0, unknown: 0 } };

describe('nextRedBlackStep', () => {
  it('walks wait → verify → enable → delay → disable → delay → scale down → destroy → done as the cluster changes', () => {
    const v0 = group(0, { enabled: false, ...scaledToZero });
    const v1 = group(1);
    let created = group(2, { enabled: false, health: { desired: 2, up: 1, down: 0, unknown: 1 } });
    const passed = new Set<RedBlackGate>();
    const step = () => next(created, [v0, v1, created], passed);

    expect(step()).toEqual({ kind: 'waitHealthy', serverGroup: 'app-v002' });
    created = group(2, { enabled: false });
    expect(step()).toEqual({ kind: 'verify', serverGroup: 'app-v002' });
    passed.add('verify');
    expect(step()).toEqual({ kind: 'enable', serverGroup: 'app-v002' });
    created = group(2);
    expect(step()).toEqual({ kind: 'delayBeforeDisable' });
    passed.add('delayBeforeDisable');
    expect(step()).toEqual({ kind: 'disable', serverGroups: ['app-v001'] });
    v1.enabled = false;
    // v001 keeps its instances until the delay is over: a rollback is only an enable away.
    expect(step()).toEqual({ kind: 'delayBeforeScaleDown' });
    passed.add('delayBeforeScaleDown');
    expect(step()).toEqual({ kind: 'scaleDown', serverGroups: ['app-v001'] });
    Object.assign(v1, scaledToZero);
    expect(step()).toEqual({ kind: 'destroy', serverGroups: ['app-v000'] });
    expect(next(created, [v1, created], passed)).toEqual({ kind: 'done' });
  });

  it('never touches the old groups while the new one is not up, even once in traffic', () => {
    const created = group(2, { health: { desired: 2, up: 1, down: 1, unknown: 0 } });
    expect(next(created, [group(1), created])).toEqual({ kind: 'waitHealthy', serverGroup: 'app-v002' });
  });

  it('keeps the old groups at size when scaleDown is false, and still shrinks the cluster', () => {
    const options = { scaleDown: false, maxRemainingServerGroups: 2 };
    const created = group(3);
    const groups = [group(1, { enabled: false }), group(2, { enabled: false }), created];
    expect(next(created, groups, ALL_GATES, options)).toEqual({ kind: 'destroy', serverGroups: ['app-v001'] });
    expect(next(created, groups.slice(1), new Set(), options)).toMatchObject({ kind: 'done' });
  });

  it('keeps maxRemainingServerGroups groups counting the new one, never a later deployment\'s', () => {
    const created = group(3);
    const later = group(4);
    const groups = [group(0, { enabled: false }), group(1, { enabled: false }), group(2, { enabled: false, ...scaledToZero }), created, later];
    const options = { scaleDown: true, maxRemainingServerGroups: 3 };
    // v002 (scaled) and v001 (still sized) are the two older groups kept: v001 is scaled down first.
    expect(next(created, groups, ALL_GATES, options)).toEqual({ kind: 'scaleDown', serverGroups: ['app-v001'] });
    Object.assign(groups[1]!, scaledToZero);
    expect(next(created, groups, ALL_GATES, options)).toEqual({ kind: 'destroy', serverGroups: ['app-v000'] });
    expect(next(created, groups, ALL_GATES, { scaleDown: true, maxRemainingServerGroups: 1 })).toEqual({
      kind: 'destroy',
      serverGroups: ['app-v002', 'app-v001', 'app-v000'],
    });
  });

  it('is done at once for the first group of a cluster', () => {
    const created = group(0);
    expect(next(created, [created])).toEqual({ kind: 'done' });
  });

  it('tells the gates a task at a step has passed, and whether a step is behind', () => {
    expect([...gatesBefore('enable')]).toEqual(['verify']);
    expect([...gatesBefore('disable')]).toEqual(['verify', 'delayBeforeDisable']);
    expect([...gatesBefore('destroy')]).toEqual(['verify', 'delayBeforeDisable', 'delayBeforeScaleDown']);
    expect(isPastRedBlack({ kind: 'destroy', serverGroups: ['x'] }, 'scaleDown')).toBe(true);
    expect(isPastRedBlack({ kind: 'delayBeforeScaleDown' }, 'scaleDown')).toBe(false);
    expect(isPastRedBlack({ kind: 'done' }, 'destroy')).toBe(true);
  });
});
