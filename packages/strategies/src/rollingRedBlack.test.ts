import { describe, expect, it } from 'vitest';
import { nextRollingStep, servingOlderGroups, targetPercentagesProblem, weightsFor, type RollingProgress, type RollingState } from './rollingRedBlack';
import { group } from './testSupport';

const T0 = Date.UTC(2025, 0, 2);

function state(overrides: Partial<RollingState> & { progress: RollingProgress }): RollingState {
  const created = group(2, { enabled: false });
  return {
    newServerGroup: created,
    serverGroups: [group(1), created],
    targetPercentages: [10, 50, 100],
    capacity: { min: 2, max: 2, desired: 2 },
    pauseMs: 0,
    judgeSteps: false,
    upTimeoutMs: 60_000,
    now: T0,
    ...overrides,
  };
}

describe('nextRollingStep', () => {
  it('applies each percentage, holds it until the new group is up and the pause is over, then completes it', () => {
    const begin = { servingBefore: ['app-v001'], completed: [] };
    expect(nextRollingStep(state({ progress: begin }))).toEqual({ kind: 'apply', percentage: 10, weights: { 'app-v002': 10, 'app-v001': 90 } });

    const created = group(2, { health: { desired: 2, up: 1, down: 0, unknown: 1 } });
    const applied = { ...begin, current: { percentage: 10, appliedAt: T0 } };
    const base = { newServerGroup: created, serverGroups: [group(1), created], pauseMs: 30_000, progress: applied };
    expect(nextRollingStep(state({ ...base, now: T0 + 1_000 }))).toEqual({ kind: 'hold', percentage: 10 });
    const up = group(2);
    expect(nextRollingStep(state({ ...base, newServerGroup: up, now: T0 + 1_000 }))).toEqual({ kind: 'hold', percentage: 10, until: T0 + 30_000 });
    expect(nextRollingStep(state({ ...base, newServerGroup: up, now: T0 + 30_000 }))).toEqual({ kind: 'complete', percentage: 10 });

    const afterTen = { servingBefore: ['app-v001'], completed: [10] };
    expect(nextRollingStep(state({ newServerGroup: up, serverGroups: [group(1), up], progress: afterTen }))).toEqual({
      kind: 'apply',
      percentage: 50,
      weights: { 'app-v002': 50, 'app-v001': 50 },
    });
    // The last step does not pause: the old groups' cleanup has its own delays.
    const last = { servingBefore: ['app-v001'], completed: [10, 50], current: { percentage: 100, appliedAt: T0 } };
    expect(nextRollingStep(state({ newServerGroup: up, serverGroups: [group(1, { enabled: false }), up], pauseMs: 30_000, progress: last }))).toEqual({
      kind: 'complete',
      percentage: 100,
    });
    expect(nextRollingStep(state({ newServerGroup: up, progress: { servingBefore: ['app-v001'], completed: [10, 50, 100] } }))).toEqual({ kind: 'done' });
  });

  it('fails a step when an instance of the new group is down, or when it is not up in time', () => {
    const current = { percentage: 50, appliedAt: T0 };
    const progress = { servingBefore: ['app-v001'], completed: [10], current };
    const down = group(2, { health: { desired: 2, up: 1, down: 1, unknown: 0 } });
    expect(nextRollingStep(state({ newServerGroup: down, progress }))).toEqual({
      kind: 'fail',
      percentage: 50,
      reason: 'app-v002 has 1 instance(s) down (up 1/2, down 1, unknown 0)',
    });
    const starting = group(2, { health: { desired: 2, up: 1, down: 0, unknown: 1 } });
    expect(nextRollingStep(state({ newServerGroup: starting, progress, now: T0 + 60_000 }))).toEqual({
      kind: 'fail',
      percentage: 50,
      reason: 'app-v002 was not up within 60 s (up 1/2, down 0, unknown 1)',
    });
  });

  it('undoes a failure until the old groups serve and the new one does not, then reports it', () => {
    const failure = { percentage: 50, reason: 'app-v003 has 1 instance(s) down' };
    const created = group(3);
    const progress = { servingBefore: ['app-v002', 'app-v001'], completed: [10], failure };
    const v1 = group(1, { enabled: false });
    const v2 = group(2, { enabled: false });
    expect(nextRollingStep(state({ newServerGroup: created, serverGroups: [v1, v2, created], progress }))).toEqual({
      kind: 'undo',
      weights: { 'app-v002': 50, 'app-v001': 50 },
      serverGroup: 'app-v003',
      ...failure,
    });
    const undone = [group(1), group(2), group(3, { enabled: false })];
    expect(nextRollingStep(state({ newServerGroup: undone[2]!, serverGroups: undone, progress }))).toEqual({ kind: 'failed', ...failure });
    // A first deployment has no old group to give traffic back to: the new one is only disabled.
    const alone = group(0);
    expect(nextRollingStep(state({ newServerGroup: alone, serverGroups: [alone], progress: { servingBefore: [], completed: [], failure } }))).toMatchObject({
      kind: 'undo',
      weights: {},
    });
  });

  it('gives the new group back its capacity after the last step when weighting resized it, and is done once it is up with it', () => {
    const held = { servingBefore: ['app-v001'], completed: [10, 50, 100] };
    const shrunk = group(2, { capacity: { min: 1, max: 1, desired: 1 } });
    expect(nextRollingStep(state({ newServerGroup: shrunk, progress: held }))).toEqual({
      kind: 'resize',
      percentage: 100,
      serverGroup: 'app-v002',
      capacity: { min: 2, max: 2, desired: 2 },
    });
    const growing = group(2, { health: { desired: 2, up: 1, down: 0, unknown: 1 } });
    const resized = { ...held, resizedAt: T0 };
    expect(nextRollingStep(state({ newServerGroup: growing, progress: resized, now: T0 + 1_000 }))).toEqual({ kind: 'hold', percentage: 100 });
    expect(nextRollingStep(state({ newServerGroup: growing, progress: resized, now: T0 + 60_000 }))).toEqual({
      kind: 'fail',
      percentage: 100,
      reason: 'app-v002 was not up within 60 s of getting back its capacity (up 1/2, down 0, unknown 1)',
    });
    expect(nextRollingStep(state({ newServerGroup: group(2), progress: resized }))).toEqual({ kind: 'done' });
  });

  it('waits for a judgment before each step after the first when steps are judged', () => {
    const up = group(2);
    const judged = (progress: RollingProgress) => nextRollingStep(state({ newServerGroup: up, judgeSteps: true, progress }));
    expect(judged({ servingBefore: ['app-v001'], completed: [] })).toMatchObject({ kind: 'apply', percentage: 10 });
    expect(judged({ servingBefore: ['app-v001'], completed: [10] })).toEqual({ kind: 'awaitJudgment', percentage: 50 });
    expect(judged({ servingBefore: ['app-v001'], completed: [10], judged: [50] })).toMatchObject({ kind: 'apply', percentage: 50 });
    expect(judged({ servingBefore: ['app-v001'], completed: [10, 50], judged: [50] })).toEqual({ kind: 'awaitJudgment', percentage: 100 });
  });

  it('gives the first group of a cluster all traffic in one step, with no judgment: there is no one to share with', () => {
    const alone = group(0, { enabled: false });
    const first = (progress: RollingProgress) => nextRollingStep(state({ newServerGroup: alone, serverGroups: [alone], judgeSteps: true, progress }));
    expect(first({ servingBefore: [], completed: [] })).toEqual({ kind: 'apply', percentage: 100, weights: { 'app-v000': 100 } });
    expect(first({ servingBefore: [], completed: [100] })).toEqual({ kind: 'done' });
  });

  it('never sends traffic to a new group that is not up', () => {
    const created = group(2, { enabled: false, health: { desired: 2, up: 0, down: 0, unknown: 2 } });
    expect(nextRollingStep(state({ newServerGroup: created, progress: { servingBefore: ['app-v001'], completed: [] } }))).toMatchObject({
      kind: 'fail',
      percentage: 10,
    });
  });

  it('splits the old share evenly in whole percentages, and gives all to the new group when no old one is left', () => {
    expect(weightsFor(25, 'app-v003', ['app-v002', 'app-v001'])).toEqual({ 'app-v003': 25, 'app-v002': 38, 'app-v001': 37 });
    expect(weightsFor(10, 'app-v000', [])).toEqual({ 'app-v000': 100 });
    const created = group(3, { enabled: false });
    expect(servingOlderGroups(created, [group(1, { enabled: false }), group(2), created, group(4)])).toEqual(['app-v002']);
  });

  it('checks target percentages', () => {
    expect(targetPercentagesProblem([10, 25, 50, 100])).toBeUndefined();
    expect(targetPercentagesProblem([100])).toBeUndefined();
    expect(targetPercentagesProblem([])).toBe('must list at least one percentage (the last one 100)');
    expect(targetPercentagesProblem([0, 50, 100.5])).toBe('must be whole numbers from 1 to 100: 0, 100.5');
    expect(targetPercentagesProblem([50, 25, 100])).toBe('must increase: 25 follows 50');
    expect(targetPercentagesProblem([10, 50])).toBe('must end at 100 (the new group takes all traffic last), not 50');
  });
});
