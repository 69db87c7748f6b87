import { describe, expect, it } from 'vitest';
import { check } from '../testSupport';
import { deployClusterOf, deployStage, type DeployFields } from './deploy';
import { judgesSteps, redBlackOptionsOf, strategyDelaysMs, targetPercentagesOf } from './strategyFields';

const cluster = {
  account: 'k8s-prod',
  namespace: 'checkout',
  application: 'checkout',
  stack: 'prod',
  image: 'registry.example.com/checkout@sha256:abc',
  capacity: { min: 1, max: 4, desired: 2 },
};

const NEW_GROUP = ['determineServerGroupName', 'createServerGroup', 'waitForUpInstances'];

function plan(extra: Record<string, unknown>): string[] {
  const result = check(deployStage, { cluster: { ...cluster, ...extra } });
  if (!result.ok) throw new Error(JSON.stringify(result.issues));
  return result.tasks;
}

describe('deploy stage with red/black and rolling red/black', () => {
  it('plans red/black (and its alias blue/green) with only the optional steps asked for', () => {
    const plain = [...NEW_GROUP, 'enableServerGroup', 'disableOldServerGroups', 'scaleDownOldServerGroups', 'shrinkCluster'];
    expect(plan({ strategy: 'redblack' })).toEqual(plain);
    expect(plan({ strategy: 'bluegreen' })).toEqual(plain);
    expect(
      plan({ strategy: 'redblack', judgment: { instructions: 'check v2' }, delayBeforeDisableSec: 30, delayBeforeScaleDownSec: '60' }),
    ).toEqual([
      ...NEW_GROUP,
      'waitForJudgment',
      'enableServerGroup',
      'waitBeforeDisable',
      'disableOldServerGroups',
      'waitBeforeScaleDown',
      'scaleDownOldServerGroups',
      'shrinkCluster',
    ]);
    // Without scaleDown there is no scale-down to delay.
    expect(plan({ strategy: 'redblack', scaleDown: false, delayBeforeScaleDownSec: 60 })).toEqual([
      ...NEW_GROUP,
      'enableServerGroup',
      'disableOldServerGroups',
      'shrinkCluster',
    ]);
  });

  it('plans rolling red/black: traffic in steps instead of one enable, then the same cleanup', () => {
    expect(plan({ strategy: 'rollingredblack', targetPercentages: [50, 100], judgment: {} })).toEqual([
      ...NEW_GROUP,
      'waitForJudgment',
      'rollTrafficInSteps',
      'disableOldServerGroups',
      'scaleDownOldServerGroups',
      'shrinkCluster',
    ]);
  });

  it('keeps the stage as written and applies the defaults when read', () => {
    const written = { ...cluster, strategy: 'rollingredblack' };
    const result = check(deployStage, { cluster: written });
    expect(result).toMatchObject({ ok: true, data: { cluster: written } });
    const parsed = deployClusterOf((result as { data: DeployFields }).data);
    expect(redBlackOptionsOf(parsed)).toEqual({ scaleDown: true, maxRemainingServerGroups: 2 });
    expect(targetPercentagesOf(parsed)).toEqual([10, 25, 50, 100]);
    expect(strategyDelaysMs(parsed)).toEqual({ beforeDisable: 0, beforeScaleDown: 0, beforeNextStep: 0 });
    expect(judgesSteps(parsed)).toBe(false);
    expect(judgesSteps({ judgment: { betweenSteps: true } })).toBe(true);
    expect(redBlackOptionsOf({ maxRemainingAsgs: 3, scaleDown: false })).toEqual({ scaleDown: false, maxRemainingServerGroups: 3 });
    expect(strategyDelaysMs({ delayBeforeDisableSec: 1.5, delayBeforeScaleDownSec: 2, delayBeforeNextStepSec: 3 })).toEqual({
      beforeDisable: 1_500,
      beforeScaleDown: 2_000,
      beforeNextStep: 3_000,
    });
  });

  it('names the field for bad options', () => {
    const issues = (extra: Record<string, unknown>) => {
      const result = check(deployStage, { cluster: { ...cluster, strategy: 'rollingredblack', ...extra } });
      return result.ok ? [] : result.issues;
    };
    expect(issues({ targetPercentages: [25, 10, 100] })).toEqual([{ path: ['cluster', 'targetPercentages'], message: 'must increase: 10 follows 25' }]);
    expect(issues({ targetPercentages: [10, 50] })).toEqual([
      { path: ['cluster', 'targetPercentages'], message: 'must end at 100 (the new group takes all traffic last), not 50' },
    ]);
    expect(issues({ targetPercentages: [0, 100] })).toEqual([{ path: ['cluster', 'targetPercentages'], message: 'must be whole numbers from 1 to 100: 0' }]);
    expect(issues({ delayBeforeScaleDownSec: -1 })).toMatchObject([{ path: ['cluster', 'delayBeforeScaleDownSec'] }]);
    expect(issues({ delayBeforeNextStepSec: 'soon' })).toMatchObject([{ path: ['cluster', 'delayBeforeNextStepSec'] }]);
    expect(issues({ maxRemainingServerGroups: 0 })).toMatchObject([{ path: ['cluster', 'maxRemainingServerGroups'] }]);
    expect(issues({ maxRemainingServerGroups: 2, maxRemainingAsgs: 3 })).toEqual([
      { path: ['cluster', 'maxRemainingAsgs'], message: 'says 3, maxRemainingServerGroups says 2: give one of them' },
    ]);
    expect(issues({ scaleDown: 'yes' })).toMatchObject([{ path: ['cluster', 'scaleDown'] }]);
    expect(issues({ judgment: { judgmentInputs: [{ value: '' }] } })).toMatchObject([{ path: ['cluster', 'judgment', 'judgmentInputs', 0, 'value'] }]);
    expect(issues({ judgment: { betweenSteps: 'yes' } })).toMatchObject([{ path: ['cluster', 'judgment', 'betweenSteps'] }]);
  });

  it('accepts expressions for the strategy options when saved', () => {
    const saved = { cluster: { ...cluster, strategy: 'rollingredblack', targetPercentages: '${parameters.steps}', delayBeforeNextStepSec: '${parameters.pause}' } };
    expect(deployStage.fields.safeParse(saved).success).toBe(true);
  });
});
