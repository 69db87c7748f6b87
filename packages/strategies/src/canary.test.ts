import { describe, expect, it } from 'vitest';
import {
  canaryWeights,
  checkCanarySteps,
  continueAfterJudgment,
  nextCanaryAbortStep,
  nextCanaryAction,
  recordVerdict,
  type CanaryAnalysisPlan,
  type CanaryGroups,
  type CanaryProgress,
} from './canary';
import { group } from './testSupport';

const plan: CanaryAnalysisPlan = { steps: [10, 50], warmupMs: 1_000, intervalMs: 10_000, onMarginal: 'fail' };
const starting = { health: { desired: 2, up: 0, down: 0, unknown: 2 } };

function groups(overrides: Partial<CanaryGroups> = {}): CanaryGroups {
  return { production: group(1), baseline: group(2, { enabled: false }), canary: group(3, { enabled: false }), ...overrides };
}

describe('nextCanaryAction', () => {
  it('waits for baseline and canary, then steps the traffic, collects, judges and passes', () => {
    let progress: CanaryProgress = { step: 0, verdicts: [] };
    expect(nextCanaryAction(plan, groups({ canary: group(3, starting) }), progress, 0)).toEqual({ kind: 'waitHealthy', serverGroups: ['app-v003'] });
    expect(nextCanaryAction(plan, groups(), progress, 0)).toEqual({
      kind: 'setWeights',
      step: 0,
      weights: { 'app-v001': 80, 'app-v002': 10, 'app-v003': 10 },
    });
    progress = { ...progress, stepStartedAt: 5_000 };
    expect(nextCanaryAction(plan, groups(), progress, 10_000)).toEqual({ kind: 'collect', untilMs: 16_000 });
    expect(nextCanaryAction(plan, groups(), progress, 16_000)).toEqual({ kind: 'judge', step: 0, startMs: 6_000, endMs: 16_000 });
    progress = recordVerdict(progress, 'pass');
    expect(progress).toEqual({ step: 1, verdicts: ['pass'] });
    expect(nextCanaryAction(plan, groups(), progress, 16_000)).toMatchObject({ kind: 'setWeights', weights: { 'app-v001': 0, 'app-v002': 50, 'app-v003': 50 } });
    progress = recordVerdict({ ...progress, stepStartedAt: 20_000 }, 'pass');
    expect(nextCanaryAction(plan, groups(), progress, 40_000)).toEqual({ kind: 'passed' });
  });

  it('rolls back on a failed step: production takes all traffic, baseline and canary go', () => {
    const progress = recordVerdict({ step: 0, stepStartedAt: 0, verdicts: [] }, 'fail');
    expect(nextCanaryAction(plan, groups(), progress, 20_000)).toEqual({
      kind: 'rollback',
      weights: { 'app-v001': 100 },
      destroy: ['app-v002', 'app-v003'],
      reason: 'step 1 failed the canary analysis',
    });
    const failed = { ...progress, failed: 'step 1 failed the canary analysis' };
    expect(nextCanaryAction(plan, groups({ baseline: null }), failed, 20_000)).toMatchObject({ kind: 'rollback', destroy: ['app-v003'] });
    expect(nextCanaryAction(plan, groups({ baseline: null, canary: null }), failed, 20_000)).toEqual({
      kind: 'failed',
      reason: 'step 1 failed the canary analysis',
    });
  });

  it('asks for a judgment on a marginal step when told to, else fails it', () => {
    const marginal = recordVerdict({ step: 0, stepStartedAt: 0, verdicts: [] }, 'marginal');
    expect(nextCanaryAction({ ...plan, onMarginal: 'judgment' }, groups(), marginal, 20_000)).toEqual({ kind: 'awaitJudgment', step: 0 });
    expect(nextCanaryAction(plan, groups(), marginal, 20_000)).toMatchObject({ kind: 'rollback', reason: 'step 1 was marginal' });
    const through = continueAfterJudgment(marginal);
    expect(nextCanaryAction({ ...plan, onMarginal: 'judgment' }, groups(), through, 20_000)).toMatchObject({ kind: 'setWeights', step: 1 });
  });

  it('fails a canary whose groups go down or vanish once they take traffic', () => {
    const running: CanaryProgress = { step: 0, stepStartedAt: 0, verdicts: [] };
    expect(nextCanaryAction(plan, groups({ canary: group(3, { health: { desired: 2, up: 1, down: 1, unknown: 0 } }) }), running, 1)).toMatchObject({
      kind: 'rollback',
      reason: 'app-v003 went down during the analysis',
    });
    expect(nextCanaryAction(plan, groups({ canary: null }), running, 1)).toMatchObject({
      kind: 'rollback',
      destroy: ['app-v002'],
      reason: 'the canary server group disappeared during the analysis',
    });
  });
});

describe('canary steps', () => {
  it('gives baseline and canary the same share, production the rest', () => {
    expect(canaryWeights({ production: 'p', baseline: 'b', canary: 'c' }, 25)).toEqual({ p: 50, b: 25, c: 25 });
  });

  it('accepts increasing shares up to half the traffic', () => {
    expect(checkCanarySteps([1, 10, 25, 50])).toBeUndefined();
    expect(checkCanarySteps([])).toBe('give at least one step');
    expect(checkCanarySteps([10, 60])).toMatch(/step 1 \(60 %\) must be more than 0 and at most 50/);
    expect(checkCanarySteps([2.5])).toBe('step 0 (2.5 %) must be a whole percentage');
    expect(checkCanarySteps([10, 10])).toMatch(/step 1 \(10 %\) must be more than the step before it \(10 %\)/);
  });
});

describe('nextCanaryAbortStep', () => {
  it('puts production back alone, whatever step the traffic was at, then is done', () => {
    // At a 50 % step production's weight is 0: it is out of traffic, yet still the group to go back to.
    const atHalf = groups({ production: group(1, { enabled: false }), baseline: group(2), canary: group(3) });
    expect(nextCanaryAbortStep(atHalf, false)).toEqual({ kind: 'restore', weights: { 'app-v001': 100 }, destroy: ['app-v002', 'app-v003'] });
    expect(nextCanaryAbortStep(groups({ canary: null }), false)).toEqual({ kind: 'restore', weights: { 'app-v001': 100 }, destroy: ['app-v002'] });
    expect(nextCanaryAbortStep(groups({ production: group(1, { enabled: false }), baseline: null, canary: null }), false)).toEqual({
      kind: 'restore',
      weights: { 'app-v001': 100 },
      destroy: [],
    });
    expect(nextCanaryAbortStep(groups({ baseline: null, canary: null }), false)).toEqual({ kind: 'done', restored: true });
  });

  it('after the promotion finished, keeps the canary and only removes the baseline', () => {
    const promoted = groups({ production: group(1, { enabled: false }), baseline: group(2, { enabled: false }), canary: group(3) });
    expect(nextCanaryAbortStep(promoted, true)).toEqual({ kind: 'destroyBaseline', serverGroup: 'app-v002' });
    expect(nextCanaryAbortStep({ ...promoted, baseline: null }, true)).toEqual({ kind: 'done', restored: false });
  });

  it('with production gone, leaves traffic where it is: nothing is safe to route to', () => {
    expect(nextCanaryAbortStep({ production: null, baseline: group(2), canary: group(3) }, false)).toEqual({ kind: 'done', restored: false });
  });
});
