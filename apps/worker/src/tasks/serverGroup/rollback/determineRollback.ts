import { rollbackClusterFieldsSchema, rollbackRequestOf } from '@gantry/core';
import type { TaskContext } from '../../Task';
import { chosenServerGroup, clusterPlaceFor, providerFor, refOf } from '../../cloud/context';
import { readFields } from '../../readFields';
import { serverGroupTask } from '../../cloud/failures';
import { ROLLBACK_SKIPPED, planOutputs, planRollback } from './rollbackPlan';

/**
 * `rollbackCluster`, step 1: decides once which group goes back into traffic (the one named, or
 * the newest older one known healthy) and which leaves it (the current one), and records both
 * with the place, so the outputs also say where the stage acted (the cluster index reads them).
 */
export const determineRollbackServerGroupsTask = serverGroupTask({
  name: 'determineRollbackServerGroups',
  async run(ctx) {
    const request = rollbackRequestOf(readFields(rollbackClusterFieldsSchema, ctx));
    const { provider, place } = clusterPlaceFor(ctx, request);
    const plan = await planRollback(ctx, provider, place, {
      ...(request.restore === undefined ? {} : { restore: request.restore }),
      requestedAt: requestTime(ctx),
    });
    return { status: 'SUCCEEDED', outputs: planOutputs(plan) };
  },
});

/**
 * A rollback asked for through the API runs from the moment of the request (its trigger says
 * when); one in a pipeline from the moment its stage started.
 */
function requestTime(ctx: TaskContext): Date {
  const { trigger } = ctx.execution;
  const requested = trigger.type === 'rollback' && typeof trigger.requestedAt === 'string' ? new Date(trigger.requestedAt) : undefined;
  return requested !== undefined && !Number.isNaN(requested.getTime()) ? requested : ctx.stage.startTime;
}

/**
 * A deploy's `rollback.onFailure`, step 1, run by the engine once a task of the deploy failed:
 * the deploy's new group is rolled back in favour of the newest older group known healthy. A
 * deploy that failed before its group existed has nothing to undo.
 */
export const determineDeployRollbackTask = serverGroupTask({
  name: 'determineDeployRollback',
  async run(ctx) {
    if (typeof ctx.stage.outputs.serverGroupName !== 'string') {
      return { status: 'SUCCEEDED', outputs: { [ROLLBACK_SKIPPED]: 'the deploy failed before it named its server group' } };
    }
    const created = chosenServerGroup(ctx);
    const { provider } = providerFor(ctx, created.account);
    if ((await provider.getServerGroup(refOf(created))) === null) {
      return { status: 'SUCCEEDED', outputs: { [ROLLBACK_SKIPPED]: `${created.serverGroupName} was never created` } };
    }
    // This task starts the moment the deploy failed: the rollback's clock starts with it.
    const plan = await planRollback(ctx, provider, created, { rollBack: created.serverGroupName, requestedAt: ctx.task.startTime });
    return { status: 'SUCCEEDED', outputs: planOutputs(plan) };
  },
});
