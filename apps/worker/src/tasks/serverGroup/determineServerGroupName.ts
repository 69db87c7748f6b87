import { clusterName, locationOf, nextSequence, serverGroupName } from '@gantry/core';
import { selectTarget } from '@gantry/strategies';
import { chosenOutputs, clusterPlaceFor, clusterRefOf, spinnakerDeployOutputs, type ChosenServerGroup } from '../cloud/context';
import { deployClusterFor } from './cloneServerGroup';
import { serverGroupTask } from '../cloud/failures';

/**
 * `deploy`, step 1: decides the new server group's name, `cluster-vNNN` with the next free
 * sequence, and records it in the stage outputs before anything is created. That record is what
 * makes the deploy resumable: the engine commits it with this task's success, and every later task
 * (create, wait, enable, …) reads the name from there, so a worker killed mid-create resumes with
 * the same name and createServerGroup (idempotent by name) finds the group instead of making a
 * second one. Running this task again before it succeeded is harmless: it only reads.
 */
export const determineServerGroupNameTask = serverGroupTask({
  name: 'determineServerGroupName',
  async run(ctx) {
    const cluster = deployClusterFor(ctx);
    const name = clusterName(cluster.application, cluster.stack, cluster.freeFormDetails);
    const { provider, place } = clusterPlaceFor(ctx, { account: cluster.account, cluster: name, location: locationOf(cluster) });
    const existing = await provider.listServerGroups(clusterRefOf(place));
    const chosen: ChosenServerGroup = { ...place, serverGroupName: serverGroupName(name, nextSequence(existing.map((group) => group.sequence))) };
    const previous = selectTarget(existing, 'current');
    return {
      status: 'SUCCEEDED',
      outputs: {
        ...chosenOutputs(chosen),
        previousServerGroup: previous.ok ? previous.serverGroup.name : null,
        image: cluster.image,
        ...spinnakerDeployOutputs(chosen),
      },
    };
  },
});
