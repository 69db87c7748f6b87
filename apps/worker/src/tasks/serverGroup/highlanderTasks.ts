import { isProviderError, type CloudProvider } from '@gantry/providers';
import { describeHealth, isPast, nextHighlanderStep, type HighlanderStep, type HighlanderStepKind } from '@gantry/strategies';
import { z } from 'zod';
import type { TaskImplementation, TaskResult } from '../Task';
import { chosenServerGroup, clusterRefOf, describeServerGroup, providerFor, refOf, type ChosenServerGroup } from './context';
import { TaskFailure, serverGroupTask } from './failures';

/**
 * `deploy` (highlander), steps 5 and 6: take the old groups out of traffic, then destroy them.
 *
 * Each run reads the cluster afresh, asks the strategy for the next step, carries out that one
 * step and polls again; the task is done once the strategy's step is past its own. Nothing about
 * progress is kept but the cloud's state, so a crash anywhere repeats at most one idempotent
 * step (a group already disabled or already gone is simply no longer listed as a step's target).
 * Both tasks refuse to touch old groups unless the new group is up and in traffic: the strategy's
 * order says so, and a new group that turned unhealthy since it was checked must not be left
 * serving alone.
 */

const ACT_AGAIN_MS = 200;
/** Disabling and deleting are quick; this only bounds a provider that never reflects them. */
export const OLD_GROUPS_TIMEOUT_MS = 10 * 60_000;

const progressState = z.object({ acted: z.array(z.string()).default([]) });

function highlanderTask(name: string, until: Exclude<HighlanderStepKind, 'waitHealthy' | 'enable' | 'done'>, output: string): TaskImplementation {
  return serverGroupTask({
    name,
    timeoutMs: OLD_GROUPS_TIMEOUT_MS,
    async run(ctx) {
      const chosen = chosenServerGroup(ctx);
      const { provider } = providerFor(ctx, chosen.account);
      const step = await nextStep(provider, chosen);
      // Which groups this task acted on, across runs, for the stage outputs.
      const acted = progressState.safeParse(ctx.task.state).data?.acted ?? [];
      if (step.kind === 'done' || isPast(step, until)) return { status: 'SUCCEEDED', outputs: { [output]: acted } };
      const result = await act(provider, chosen, step);
      // Recorded only for this task's own step: the destroy task may first re-disable a group.
      const names = step.kind === until && 'serverGroups' in step ? [...new Set([...acted, ...step.serverGroups])] : acted;
      return { ...result, state: { acted: names } };
    },
  });
}

async function nextStep(provider: CloudProvider, chosen: ChosenServerGroup): Promise<HighlanderStep> {
  const serverGroups = await provider.listServerGroups(clusterRefOf(chosen));
  // A list may lag behind a just-created group; the group itself is the authority on it.
  const newServerGroup = serverGroups.find((group) => group.name === chosen.serverGroupName) ?? (await provider.getServerGroup(refOf(chosen)));
  if (newServerGroup === null) throw new TaskFailure(`the new server group ${describeServerGroup(chosen)} no longer exists; refusing to touch the old ones`);
  return nextHighlanderStep({ newServerGroup, serverGroups });
}

async function act(provider: CloudProvider, chosen: ChosenServerGroup, step: Exclude<HighlanderStep, { kind: 'done' }>): Promise<TaskResult> {
  switch (step.kind) {
    case 'waitHealthy': {
      const group = await provider.getServerGroup(refOf(chosen));
      const health = group === null ? 'gone' : describeHealth(group.health);
      throw new TaskFailure(`the new server group ${describeServerGroup(chosen)} is not up (${health}); refusing to touch the old server groups`);
    }
    case 'enable':
      throw new TaskFailure(`the new server group ${describeServerGroup(chosen)} takes no traffic; refusing to touch the old server groups`);
    case 'disable':
      for (const name of step.serverGroups) await tolerateGone(() => provider.disable({ ...refOf(chosen), name }));
      break;
    case 'destroy':
      for (const name of step.serverGroups) await provider.destroy({ ...refOf(chosen), name });
      break;
  }
  // Look again shortly to see the effect: the next run moves on, or repeats an idempotent call.
  return { status: 'RUNNING', retryAfterMs: ACT_AGAIN_MS };
}

/** A group deleted meanwhile (by a parallel run or a person) takes no traffic: the goal is met. */
async function tolerateGone(call: () => Promise<void>): Promise<void> {
  try {
    await call();
  } catch (error) {
    if (!isProviderError(error, 'NotFound')) throw error;
  }
}

export const disableOldServerGroupsTask = highlanderTask('disableOldServerGroups', 'disable', 'disabledServerGroups');
export const destroyOldServerGroupsTask = highlanderTask('destroyOldServerGroups', 'destroy', 'destroyedServerGroups');
