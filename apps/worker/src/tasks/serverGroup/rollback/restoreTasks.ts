import { restoreFieldsSchema, waitForUpTimeoutMs } from '@gantry/core';
import { nullIfNotFound, type CloudProvider, type ServerGroupRef } from '@gantry/providers';
import { describeHealth, isRollbackPast, nextRollbackStep, type RollbackStep } from '@gantry/strategies';
import type { TaskContext, TaskResult } from '../../Task';
import { clusterRefOf, providerFor, refOf } from '../../cloud/context';
import { readFields } from '../../readFields';
import { serverGroupTask } from '../../cloud/failures';
import { TaskFailure } from '../../Task';
import { ACT_AGAIN_MS, nextPollMs, timeLeftMs } from '../../cloud/poll';
import { describePlace, recordedPlan, type RollbackPlan } from './rollbackPlan';
import { rebaseServerGroups } from '../desiredState';

/**
 * The restore, steps 2 and 3 of every rollback: bring the restored group back (enable, resize to
 * the load, wait until its instances are up), then take the rolled back group out of traffic.
 *
 * Like highlander's tasks, each run reads the cluster afresh, asks the strategy for the next step
 * and carries out that one step: a crash repeats at most one idempotent provider call. The bad
 * group keeps its traffic until the restored one could take all of it.
 */

/** The recorded plan, and the step the cluster is at now; null when the rollback was skipped. */
async function observe(ctx: TaskContext): Promise<{ plan: RollbackPlan; provider: CloudProvider; step: RollbackStep; timeoutMs: number } | null> {
  const plan = recordedPlan(ctx);
  if (plan === null) return null;
  const fields = readFields(restoreFieldsSchema, ctx);
  const { provider } = providerFor(ctx, plan.account);
  const step = await nextStep(provider, plan, fields.targetHealthyRollbackPercentage);
  return { plan, provider, step, timeoutMs: waitForUpTimeoutMs(fields) };
}

async function nextStep(provider: CloudProvider, plan: RollbackPlan, healthyPercentage: number | undefined): Promise<RollbackStep> {
  const groups = await provider.listServerGroups(clusterRefOf(plan));
  const restore = groups.find((group) => group.name === plan.restoredServerGroup);
  if (restore === undefined) throw new TaskFailure(`the server group to restore, ${plan.restoredServerGroup}, no longer exists in ${describePlace(plan)}`);
  const rollBack = groups.find((group) => group.name === plan.rolledBackServerGroup) ?? null;
  return nextRollbackStep({
    restore,
    rollBack,
    capacity: plan.rollbackCapacity,
    ...(healthyPercentage === undefined ? {} : { healthyPercentage }),
  });
}

function refIn(plan: RollbackPlan, name: string): ServerGroupRef {
  return refOf({ ...plan, serverGroupName: name });
}

async function act(provider: CloudProvider, plan: RollbackPlan, step: Exclude<RollbackStep, { kind: 'done' | 'waitHealthy' }>): Promise<void> {
  switch (step.kind) {
    case 'enable':
      return provider.enable(refIn(plan, step.serverGroup));
    case 'resize':
      return provider.resize(refIn(plan, step.serverGroup), step.capacity);
    case 'disable':
      // Deleted meanwhile: it takes no traffic, which is the goal.
      await nullIfNotFound(provider.disable(refIn(plan, step.serverGroup)));
  }
}

/** Enable, resize and wait: done once the restored group could carry the traffic alone. */
export const restoreServerGroupTask = serverGroupTask({
  name: 'restoreServerGroup',
  async run(ctx) {
    const observed = await observe(ctx);
    if (observed === null) return { status: 'SUCCEEDED' };
    const { plan, provider, step } = observed;
    if (step.kind === 'done' || isRollbackPast(step, 'waitHealthy')) return { status: 'SUCCEEDED' };
    if (step.kind !== 'waitHealthy') {
      await act(provider, plan, step);
      // The restored group's capacity is what Gantry wants of it now: drift compares with it.
      const effect = step.kind === 'resize' ? await rebaseServerGroups(ctx, provider, [refIn(plan, step.serverGroup)]) : undefined;
      return { status: 'RUNNING', retryAfterMs: ACT_AGAIN_MS, ...(effect === undefined ? {} : { effect }) };
    }
    return waitOrGiveUp(ctx, provider, plan, observed.timeoutMs);
  },
});

async function waitOrGiveUp(ctx: TaskContext, provider: CloudProvider, plan: RollbackPlan, timeoutMs: number): Promise<TaskResult> {
  const remainingMs = timeLeftMs(ctx.task, timeoutMs);
  if (remainingMs > 0) return { status: 'RUNNING', retryAfterMs: nextPollMs(ctx.task.polls, remainingMs) };
  const group = await provider.getServerGroup(refIn(plan, plan.restoredServerGroup));
  const health = group === null ? 'gone' : describeHealth(group.health);
  return {
    status: 'TERMINAL',
    error: `the restored server group ${plan.restoredServerGroup} in ${describePlace(plan)} did not have its instances up within ${timeoutMs / 1000} s (waitForUpTimeoutSec): ${health}; ${plan.rolledBackServerGroup} keeps the traffic`,
  };
}

/**
 * Traffic back: the rolled back group leaves traffic, which the restored group now carries alone.
 * Refuses while the restored group is not serving and up (it turned unhealthy since it was
 * checked): the bad group is then still better than nothing.
 */
export const disableRolledBackServerGroupTask = serverGroupTask({
  name: 'disableRolledBackServerGroup',
  async run(ctx) {
    const observed = await observe(ctx);
    if (observed === null) return { status: 'SUCCEEDED' };
    const { plan, provider, step } = observed;
    switch (step.kind) {
      case 'done': {
        const durationMs = Math.max(0, Date.now() - new Date(plan.rollbackRequestedAt).getTime());
        return { status: 'SUCCEEDED', outputs: { rollbackDurationMs: durationMs, trafficRestoredAt: new Date().toISOString() } };
      }
      case 'disable':
        await act(provider, plan, step);
        return { status: 'RUNNING', retryAfterMs: ACT_AGAIN_MS };
      default:
        throw new TaskFailure(
          `the restored server group ${plan.restoredServerGroup} is not ready to take the traffic (next step: ${step.kind}); refusing to take ${plan.rolledBackServerGroup} out of traffic`,
        );
    }
  },
});
