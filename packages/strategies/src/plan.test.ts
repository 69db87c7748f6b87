import { describe, expect, it } from 'vitest';
import { canaryTasks } from './canary';
import { HIGHLANDER_STEPS, highlanderTasks } from './highlander';
import { planTasks, stepOrder } from './plan';
import { REDBLACK_STEPS, redBlackTasks } from './redBlack';
import { rollingRedBlackTasks } from './rollingRedBlack';

const plan = { first: 'a', second: 'b', third: 'c' } as const;
const none = { verify: false, delayBeforeDisable: false, scaleDown: false, delayBeforeScaleDown: false };
const all = { verify: true, delayBeforeDisable: true, scaleDown: true, delayBeforeScaleDown: true };

describe('strategy plans', () => {
  it('reads a plan in its order, from a step on, without the skipped steps', () => {
    expect(planTasks(plan)).toEqual(['a', 'b', 'c']);
    expect(planTasks(plan, { from: 'second' })).toEqual(['b', 'c']);
    expect(planTasks(plan, { skip: { second: true, third: false } })).toEqual(['a', 'c']);
    expect(stepOrder(plan)).toEqual(['first', 'second', 'third', 'done']);
  });

  it('orders each strategy by its plan, done last', () => {
    expect(HIGHLANDER_STEPS).toEqual(['waitHealthy', 'enable', 'disable', 'destroy', 'done']);
    expect(REDBLACK_STEPS).toEqual(['waitHealthy', 'verify', 'enable', 'delayBeforeDisable', 'disable', 'delayBeforeScaleDown', 'scaleDown', 'destroy', 'done']);
    expect(highlanderTasks()).toEqual(['waitForUpInstances', 'enableServerGroup', 'disableOldServerGroups', 'destroyOldServerGroups']);
  });

  it('plans only the optional red/black steps asked for; a delay before the scale-down only with a scale-down', () => {
    expect(redBlackTasks(none)).toEqual(['waitForUpInstances', 'enableServerGroup', 'disableOldServerGroups', 'shrinkCluster']);
    expect(redBlackTasks({ ...none, delayBeforeScaleDown: true })).toEqual(redBlackTasks(none));
    expect(redBlackTasks(all, 'disable')).toEqual(['disableOldServerGroups', 'waitBeforeScaleDown', 'scaleDownOldServerGroups', 'shrinkCluster']);
  });

  it('hands rolling red/black and the canary over to red/black at its disable step', () => {
    expect(rollingRedBlackTasks(all)).toEqual([
      'waitForUpInstances',
      'waitForJudgment',
      'rollTrafficInSteps',
      'disableOldServerGroups',
      'waitBeforeScaleDown',
      'scaleDownOldServerGroups',
      'shrinkCluster',
    ]);
    expect(canaryTasks({ ...none, scaleDown: true })).toEqual([
      'determineCanaryServerGroups',
      'createCanaryServerGroups',
      'runCanaryAnalysis',
      'promoteCanary',
      'waitForUpInstances',
      'completeCanaryPromotion',
      'disableOldServerGroups',
      'scaleDownOldServerGroups',
      'shrinkCluster',
    ]);
  });
});
