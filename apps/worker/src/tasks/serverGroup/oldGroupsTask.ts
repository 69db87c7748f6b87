import { nullIfNotFound, type CloudProvider, type ServerGroup } from '@gantry/providers';
import { describeHealth, type HighlanderStep, type RedBlackStep, type TrafficRemoval } from '@gantry/strategies';
import { z } from 'zod';
import type { TaskContext, TaskImplementation, TaskResult } from '../Task';
import { chosenServerGroup, clusterRefOf, describeServerGroup, providerFor, refOf, type ChosenServerGroup } from '../cloud/context';
import { serverGroupTask } from '../cloud/failures';
import { TaskFailure } from '../Task';
import { ACT_AGAIN_MS } from '../cloud/poll';
import { forgetServerGroups, rebaseServerGroups } from './desiredState';
import { guardTrafficRemoval } from './trafficGuard';

/**
 * The deploy steps on the old server groups (disable, scale down, destroy), shared by every
 * strategy: each run reads the cluster afresh, asks the strategy for the next step, carries out
 * that one step and polls again; the task is done once the strategy's step is past its own.
 * Nothing about progress is kept but the cloud's state, so a crash anywhere repeats at most one
 * idempotent step (a group already disabled, scaled or gone is no longer a step's target).
 * No task touches old groups unless the new group is up and in traffic: the strategies' order
 * says so, and a new group that turned unhealthy since it was checked must not be left serving
 * alone.
 */

/** Every step a strategy can ask of these tasks (highlander's are a subset of red/black's). */
export type OldGroupsStep = HighlanderStep | RedBlackStep;
export type OldGroupsAction = 'disable' | 'scaleDown' | 'destroy';

/** The new group and the cluster as the provider shows them now. */
export interface LiveCluster {
  newServerGroup: ServerGroup;
  serverGroups: ServerGroup[];
}

/** Disabling, resizing and deleting are quick; this only bounds a provider that never reflects them. */
export const OLD_GROUPS_TIMEOUT_MS = 10 * 60_000;

const progressState = z.object({ acted: z.array(z.string()).default([]) });

/** One strategy's step `S` as a task: `decide` asks the strategy, `isPast` reads its order. */
export interface OldGroupsTaskSpec<Name extends string, S extends OldGroupsStep> {
  name: Name;
  /** The step this task carries out. */
  until: OldGroupsAction & S['kind'];
  /** The stage output that lists the groups it acted on. */
  output: string;
  decide(live: LiveCluster, ctx: TaskContext): S;
  isPast(step: S, kind: S['kind']): boolean;
}

export function oldGroupsTask<Name extends string, S extends OldGroupsStep>(spec: OldGroupsTaskSpec<Name, S>): TaskImplementation<Name> {
  return serverGroupTask({
    name: spec.name,
    timeoutMs: OLD_GROUPS_TIMEOUT_MS,
    async run(ctx) {
      const chosen = chosenServerGroup(ctx);
      const { provider } = providerFor(ctx, chosen.account);
      const live = await readCluster(provider, chosen);
      const step = spec.decide(live, ctx);
      // Which groups this task acted on, across runs, for the stage outputs.
      const acted = progressState.safeParse(ctx.task.state).data?.acted ?? [];
      if (step.kind === 'done' || spec.isPast(step, spec.until)) return { status: 'SUCCEEDED', outputs: { [spec.output]: acted } };
      const result = await act(ctx, provider, chosen, live, step);
      // Recorded only for this task's own step: a later task may first repeat an earlier one.
      const names = step.kind === spec.until && 'serverGroups' in step ? [...new Set([...acted, ...step.serverGroups])] : acted;
      return { ...result, state: { acted: names } };
    },
  });
}

/** The cluster now; the new group must exist, or nothing old may be touched. */
export async function readCluster(provider: CloudProvider, chosen: ChosenServerGroup): Promise<LiveCluster> {
  const serverGroups = await provider.listServerGroups(clusterRefOf(chosen));
  // A list may lag behind a just-created group; the group itself is the authority on it.
  const newServerGroup = serverGroups.find((group) => group.name === chosen.serverGroupName) ?? (await provider.getServerGroup(refOf(chosen)));
  if (newServerGroup === null) throw new TaskFailure(`the new server group ${describeServerGroup(chosen)} no longer exists; refusing to touch the old ones`);
  return { newServerGroup, serverGroups };
}

async function act(
  ctx: TaskContext,
  provider: CloudProvider,
  chosen: ChosenServerGroup,
  live: LiveCluster,
  step: Exclude<OldGroupsStep, { kind: 'done' }>,
): Promise<TaskResult> {
  const refuse = (why: string) => new TaskFailure(`the new server group ${describeServerGroup(chosen)} ${why}; refusing to touch the old server groups`);
  switch (step.kind) {
    case 'waitHealthy':
      // Instances not yet known healthy are normal right after the group takes traffic (a load
      // balancer's first health checks): wait, old groups still serving. Instances down are not.
      if (live.newServerGroup.health.down > 0) throw refuse(`is not up (${describeHealth(live.newServerGroup.health)})`);
      return { status: 'RUNNING', retryAfterMs: ACT_AGAIN_MS };
    case 'verify':
    case 'enable':
      throw refuse('takes no traffic');
    case 'delayBeforeDisable':
    case 'delayBeforeScaleDown':
      // Not returned here: the plan runs each delay's task before these, and gatesBefore counts it passed.
      throw new TaskFailure(`the deploy's ${step.kind}Sec has not passed; refusing to touch the old server groups`);
    case 'disable':
      guardOldGroups(ctx, chosen, live, 'disable', step.serverGroups);
      // A group deleted meanwhile (by a parallel run or a person) takes no traffic and has no instances: the goal is met.
      for (const name of step.serverGroups) await nullIfNotFound(provider.disable({ ...refOf(chosen), name }));
      break;
    case 'scaleDown': {
      guardOldGroups(ctx, chosen, live, 'resize to 0', step.serverGroups);
      for (const name of step.serverGroups) {
        const max = live.serverGroups.find((group) => group.name === name)?.capacity.max ?? 0;
        // Max is kept, so a rollback can size the group back up within its old bounds.
        await nullIfNotFound(provider.resize({ ...refOf(chosen), name }, { min: 0, max, desired: 0 }));
      }
      // Scaled down on purpose: drift compares the groups with their new capacity from now on.
      const effect = await rebaseServerGroups(ctx, provider, step.serverGroups.map((name) => ({ ...refOf(chosen), name })));
      return { status: 'RUNNING', retryAfterMs: ACT_AGAIN_MS, ...(effect === undefined ? {} : { effect }) };
    }
    case 'destroy': {
      guardOldGroups(ctx, chosen, live, 'destroy', step.serverGroups);
      for (const name of step.serverGroups) await provider.destroy({ ...refOf(chosen), name });
      const effect = forgetServerGroups(provider, step.serverGroups.map((name) => ({ ...refOf(chosen), name })));
      return { status: 'RUNNING', retryAfterMs: ACT_AGAIN_MS, ...(effect === undefined ? {} : { effect }) };
    }
  }
  // Look again shortly to see the effect: the next run moves on, or repeats an idempotent call.
  return { status: 'RUNNING', retryAfterMs: ACT_AGAIN_MS };
}

/** The strategies' own steps respect the traffic guards too: the cluster they read is the one checked. */
function guardOldGroups(ctx: TaskContext, chosen: ChosenServerGroup, live: LiveCluster, operation: TrafficRemoval['operation'], serverGroups: string[]): void {
  const listing = live.serverGroups.some((group) => group.name === live.newServerGroup.name) ? live.serverGroups : [...live.serverGroups, live.newServerGroup];
  guardTrafficRemoval(ctx, chosen, listing, { operation, serverGroups });
}
