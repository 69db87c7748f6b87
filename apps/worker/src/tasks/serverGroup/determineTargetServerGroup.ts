import { targetFieldsSchema, targetOf } from '@gantry/core';
import { describeTarget, selectTarget } from '@gantry/strategies';
import { chosenOutputs, clusterPlaceFor, clusterRefOf, type ChosenServerGroup } from '../cloud/context';
import { readFields } from '../readFields';
import { serverGroupTask } from '../cloud/failures';
import { TaskFailure } from '../Task';

/**
 * resize/enable/disable/destroy, step 1: resolves `target` (current, previous, oldest, largest…)
 * or `serverGroupName` to one group and records it in the stage outputs. It must be decided once:
 * after "destroy current" ran, "current" is another group, and a re-run must not destroy that too.
 * An exact name is recorded as given; the step that acts reports a group that does not exist.
 */
export const determineTargetServerGroupTask = serverGroupTask({
  name: 'determineTargetServerGroup',
  async run(ctx) {
    const target = targetOf(readFields(targetFieldsSchema, ctx));
    const { provider, place: where } = clusterPlaceFor(ctx, target);
    let serverGroupName: string;
    if (typeof target.selector === 'object') {
      serverGroupName = target.selector.name;
    } else {
      const groups = await provider.listServerGroups(clusterRefOf(where));
      const selected = selectTarget(groups, target.selector);
      if (!selected.ok) {
        const place = `cluster ${where.cluster} (account ${where.account}${where.location === undefined ? '' : `, location ${where.location}`})`;
        throw new TaskFailure(`no ${describeTarget(target.selector)} server group in ${place}: ${selected.reason}`);
      }
      serverGroupName = selected.serverGroup.name;
    }
    const chosen: ChosenServerGroup = { ...where, serverGroupName };
    return { status: 'SUCCEEDED', outputs: chosenOutputs(chosen) };
  },
});
