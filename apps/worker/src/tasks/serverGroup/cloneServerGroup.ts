import { cloneServerGroupFieldsSchema, clonedCluster, deployClusterOf, deployClusterSchema, deployFieldsSchema, targetOf, type CloneSource, type DeployCluster } from '@gantry/core';
import { describeTarget, selectTarget } from '@gantry/strategies';
import { z } from 'zod';
import { chosenServerGroup, clusterPlaceFor, clusterRefOf, providerFor, refOf } from '../cloud/context';
import { serverGroupTask } from '../cloud/failures';
import { ACT_AGAIN_MS, DESTROY_TIMEOUT_MS } from '../cloud/poll';
import { describeIssues, readFields } from '../readFields';
import { forgetServerGroups } from './desiredState';
import { TaskFailure, type TaskContext } from '../Task';

const cloneSourceSchema = z.object({
  image: z.string().min(1),
  capacity: z.object({ min: z.number(), max: z.number(), desired: z.number() }),
});

/**
 * `cloneServerGroup`, step 1: reads the source group through its account's provider and records
 * what the clone copies (its image and capacity) before anything is created, so every later deploy
 * task builds the same group even if the source changes or goes meanwhile. Only reads: a re-run is
 * harmless. A source that does not exist fails the stage TERMINAL, naming it.
 */
export const determineCloneSourceTask = serverGroupTask({
  name: 'determineCloneSource',
  async run(ctx) {
    const target = targetOf(readFields(cloneServerGroupFieldsSchema, ctx).source);
    const { provider, place } = clusterPlaceFor(ctx, target);
    const where = `account ${place.account}${place.location === undefined ? '' : `, location ${place.location}`}`;
    let group;
    if (typeof target.selector === 'object') {
      group = await provider.getServerGroup({ account: place.account, name: target.selector.name, ...(place.location === undefined ? {} : { location: place.location }) });
      if (group === null) throw new TaskFailure(`source server group ${target.selector.name} does not exist (${where})`);
    } else {
      const selected = selectTarget(await provider.listServerGroups(clusterRefOf(place)), target.selector);
      if (!selected.ok) throw new TaskFailure(`no ${describeTarget(target.selector)} source server group in cluster ${place.cluster} (${where}): ${selected.reason}`);
      group = selected.serverGroup;
    }
    const { min, max, desired } = group.capacity;
    const source: CloneSource = { image: group.image, capacity: { min, max, desired } };
    return {
      status: 'SUCCEEDED',
      outputs: { cloneSource: { serverGroupName: group.name, account: place.account, ...(place.location === undefined ? {} : { location: place.location }), ...source } },
    };
  },
});

/**
 * The cluster deploy's tasks deploy: a deploy stage's own, or a clone's, built from what
 * `determineCloneSource` recorded and checked with deploy's cluster schema.
 */
export function deployClusterFor(ctx: TaskContext): DeployCluster {
  if (ctx.stage.type !== 'cloneServerGroup') return deployClusterOf(readFields(deployFieldsSchema, ctx));
  const recorded = cloneSourceSchema.safeParse(ctx.stage.outputs.cloneSource);
  if (!recorded.success) throw new TaskFailure(`${ctx.task.name}: no clone source was recorded for this stage (the cloneSource output of determineCloneSource is missing)`);
  const parsed = deployClusterSchema.safeParse(clonedCluster(readFields(cloneServerGroupFieldsSchema, ctx), recorded.data));
  if (!parsed.success) throw new TaskFailure(`invalid cloneServerGroup stage: ${describeIssues(parsed.error, '(cluster)')}`);
  return parsed.data;
}

/**
 * `cloneServerGroup`'s on-failure and cancel cleanup: a clone that failed or was canceled after
 * its group was created leaves no half-made group. The group is destroyed (one idempotent call per
 * run, then a look until it is gone) unless it is the only group of the cluster in traffic (the
 * strategy had already moved traffic to it and out of the others), where destroying it would drop
 * traffic: it is kept and the outputs say why. Spinnaker keeps a failed clone's group whatever
 * its state (only `rollback.onFailure` acts, and it puts the previous group back).
 */
export const destroyFailedCloneTask = serverGroupTask({
  name: 'destroyFailedClone',
  timeoutMs: DESTROY_TIMEOUT_MS,
  async run(ctx) {
    // Failed before it named its group (the source was missing): it made nothing.
    if (typeof ctx.stage.outputs.serverGroupName !== 'string') return { status: 'SUCCEEDED', outputs: { cloneCleanup: 'nothing was created' } };
    const clone = chosenServerGroup(ctx);
    const { provider } = providerFor(ctx, clone.account);
    const group = await provider.getServerGroup(refOf(clone));
    if (group === null) return { status: 'SUCCEEDED', outputs: { cloneCleanup: ctx.task.state.destroyed === true ? `destroyed ${clone.serverGroupName}` : 'nothing was created' } };
    if (group.enabled) {
      const others = (await provider.listServerGroups(clusterRefOf(clone))).filter((other) => other.name !== clone.serverGroupName && other.enabled);
      if (others.length === 0) return { status: 'SUCCEEDED', outputs: { cloneCleanup: `kept ${clone.serverGroupName}: it is the only server group of ${clone.cluster} in traffic` } };
    }
    await provider.destroy(refOf(clone));
    const forgotten = forgetServerGroups(provider, [refOf(clone)]);
    return { status: 'RUNNING', retryAfterMs: ACT_AGAIN_MS, state: { destroyed: true }, ...(forgotten === undefined ? {} : { effect: forgotten }) };
  },
});
