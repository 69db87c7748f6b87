import { describe, expect, it } from 'vitest';
import { chooseRollback, isRollbackPast, nextRollbackStep, type RollbackStep } from './rollback';
import { group } from './testSupport';

const none = new Set<string>();
const names = (choice: ReturnType<typeof chooseRollback>) => (choice.ok ? `${choice.restore.name} <- ${choice.rollBack.name}` : `! ${choice.reason}`);

describe('chooseRollback', () => {
  it('restores the newest older group that was healthy, rolling back the current one', () => {
    // v001 healthy and idle, v002 scaled to zero but recorded healthy, v003 serving (bad).
    const cluster = [group(1, { enabled: false }), group(2, { enabled: false, capacity: { min: 0, max: 0, desired: 0 } }), group(3)];
    expect(names(chooseRollback({ serverGroups: cluster, knownHealthy: new Set(['app-v002']) }))).toBe('app-v002 <- app-v003');
    // Without the record, v002's "0 of 0 up" says nothing: v001 (up now) is the newest known good.
    expect(names(chooseRollback({ serverGroups: cluster, knownHealthy: none }))).toBe('app-v001 <- app-v003');
  });

  it('skips groups that are not up and were never recorded healthy, and groups newer than the bad one', () => {
    const broken = { health: { desired: 2, up: 0, down: 2, unknown: 0 } };
    const cluster = [group(1, { enabled: false }), group(2, { enabled: false, ...broken }), group(3, broken), group(4, { enabled: false })];
    // A failed deploy's group (v003, never enabled) rolled back explicitly; v004 is a later deployment's.
    expect(names(chooseRollback({ serverGroups: cluster, rollBack: 'app-v003', knownHealthy: none }))).toBe('app-v001 <- app-v003');
  });

  it('takes an explicit group to restore when it exists and is not the bad one', () => {
    const cluster = [group(1, { enabled: false }), group(2, { enabled: false }), group(3)];
    expect(names(chooseRollback({ serverGroups: cluster, restore: 'app-v001', knownHealthy: none }))).toBe('app-v001 <- app-v003');
    expect(names(chooseRollback({ serverGroups: cluster, restore: 'app-v009', knownHealthy: none }))).toBe('! no server group named app-v009 to restore');
    expect(names(chooseRollback({ serverGroups: cluster, restore: 'app-v003', knownHealthy: none }))).toBe(
      '! app-v003 is the server group being rolled back; it cannot also be restored',
    );
  });

  it('says why there is nothing to roll back to', () => {
    expect(names(chooseRollback({ serverGroups: [group(1)], knownHealthy: none }))).toBe('! no server group older than app-v001 is known to have been healthy');
    expect(names(chooseRollback({ serverGroups: [group(1, { enabled: false })], knownHealthy: none }))).toBe(
      '! nothing to roll back: no server group is enabled (taking traffic)',
    );
    expect(names(chooseRollback({ serverGroups: [], knownHealthy: none }))).toBe('! nothing to roll back: no server groups, so no current one');
    expect(names(chooseRollback({ serverGroups: [group(1)], rollBack: 'app-v002', knownHealthy: none }))).toBe(
      '! nothing to roll back: no server group named app-v002',
    );
  });
});

describe('nextRollbackStep', () => {
  it('walks enable → resize → wait → disable the bad group → done as the cluster changes', () => {
    const capacity = { min: 2, max: 2, desired: 2 };
    let restore = group(1, { enabled: false, capacity: { min: 0, max: 0, desired: 0 }, health: { desired: 0, up: 0, down: 0, unknown: 0 } });
    let bad: ReturnType<typeof group> | null = group(2);
    const step = (): RollbackStep => nextRollbackStep({ restore, rollBack: bad, capacity });
    expect(step()).toEqual({ kind: 'enable', serverGroup: 'app-v001' });
    restore = { ...restore, enabled: true };
    expect(step()).toEqual({ kind: 'resize', serverGroup: 'app-v001', capacity });
    restore = { ...restore, capacity, health: { desired: 2, up: 1, down: 0, unknown: 1 } };
    expect(step()).toEqual({ kind: 'waitHealthy', serverGroup: 'app-v001' });
    restore = { ...restore, health: { desired: 2, up: 2, down: 0, unknown: 0 } };
    expect(step()).toEqual({ kind: 'disable', serverGroup: 'app-v002' });
    bad = { ...bad, enabled: false };
    expect(step()).toEqual({ kind: 'done' });
    bad = null;
    expect(step()).toEqual({ kind: 'done' });
  });

  it('never disables the bad group while the restored one is not up, and never shrinks the restored one', () => {
    const unhealthy = group(1, { capacity: { min: 3, max: 3, desired: 3 }, health: { desired: 3, up: 2, down: 1, unknown: 0 } });
    expect(nextRollbackStep({ restore: unhealthy, rollBack: group(2), capacity: { min: 1, max: 1, desired: 1 } })).toEqual({
      kind: 'waitHealthy',
      serverGroup: 'app-v001',
    });
  });

  it('waits only for targetHealthyRollbackPercentage of the restored instances', () => {
    const restore = group(1, { capacity: { min: 4, max: 4, desired: 4 }, health: { desired: 4, up: 3, down: 1, unknown: 0 } });
    const state = { restore, rollBack: group(2), capacity: { min: 4, max: 4, desired: 4 } };
    expect(nextRollbackStep({ ...state, healthyPercentage: 75 })).toEqual({ kind: 'disable', serverGroup: 'app-v002' });
    expect(nextRollbackStep({ ...state, healthyPercentage: 80 })).toEqual({ kind: 'waitHealthy', serverGroup: 'app-v001' });
  });

  it('is done at once when a failed deploy never took the traffic from the restored group', () => {
    expect(nextRollbackStep({ restore: group(1), rollBack: group(2, { enabled: false }), capacity: { min: 2, max: 2, desired: 2 } })).toEqual({
      kind: 'done',
    });
  });

  it('tells whether a step is behind', () => {
    expect(isRollbackPast({ kind: 'disable', serverGroup: 'x' }, 'waitHealthy')).toBe(true);
    expect(isRollbackPast({ kind: 'waitHealthy', serverGroup: 'x' }, 'waitHealthy')).toBe(false);
    expect(isRollbackPast({ kind: 'done' }, 'disable')).toBe(true);
  });
});
