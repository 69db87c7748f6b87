import { clusterName, locationOf, nextSequence, serverGroupName } from '@gantry/core';
import { selectTarget } from '@gantry/strategies';
import { chosenOutputs, clusterPlaceFor, clusterRefOf, spinnakerDeployOutputs, type ChosenServerGroup } from '../cloud/context';
import { serverGroupTask } from '../cloud/failures';
import { TaskFailure } from '../Task';
import { canaryFields } from './canaryGroups';

/**
 * `canary`, step 1: names the baseline and canary groups (the next two sequences of the cluster)
 * and records which group is production, before anything exists, so every later task and any
 * re-run after a crash acts on the same three groups.
 */
export const determineCanaryServerGroupsTask = serverGroupTask({
  name: 'determineCanaryServerGroups',
  async run(ctx) {
    const { cluster } = canaryFields(ctx);
    const name = clusterName(cluster.application, cluster.stack, cluster.freeFormDetails);
    const { provider, place } = clusterPlaceFor(ctx, { account: cluster.account, cluster: name, location: locationOf(cluster) });
    const existing = await provider.listServerGroups(clusterRefOf(place));
    const production = selectTarget(existing, 'current');
    if (!production.ok) throw new TaskFailure(`a canary needs a production server group to compare with: ${production.reason} in cluster ${name}`);
    const next = nextSequence(existing.map((group) => group.sequence));
    const canary: ChosenServerGroup = { ...place, serverGroupName: serverGroupName(name, nextSequence([...existing.map((group) => group.sequence), next])) };
    return {
      status: 'SUCCEEDED',
      outputs: {
        ...chosenOutputs(canary),
        baselineServerGroup: serverGroupName(name, next),
        productionServerGroup: production.serverGroup.name,
        previousServerGroup: production.serverGroup.name,
        productionImage: production.serverGroup.image,
        image: cluster.image,
        ...spinnakerDeployOutputs(canary),
      },
    };
  },
});
