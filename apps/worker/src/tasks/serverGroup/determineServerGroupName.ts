import { clusterName, deployClusterOf, deployFieldsSchema, locationOf, nextSequence, serverGroupName } from '@gantry/core';
import { selectTarget } from '@gantry/strategies';
import type { TaskImplementation } from '../Task';
import { chosenOutputs, clusterRefOf, defaultLocationOf, providerFor, readFields, type ChosenServerGroup } from './context';
import { serverGroupTask } from './failures';

/**
 * `deploy`, step 1: decides the new server group's name, `cluster-vNNN` with the next free
 * sequence, and records it in the stage outputs before anything is created. That record is what
 * makes the deploy resumable: the engine commits it with this task's success, and every later task
 * (create, wait, enable, …) reads the name from there, so a worker killed mid-create resumes with
 * the same name and createServerGroup (idempotent by name) finds the group instead of making a
 * second one. Running this task again before it succeeded is harmless: it only reads.
 */
export const determineServerGroupNameTask: TaskImplementation = serverGroupTask({
  name: 'determineServerGroupName',
  async run(ctx) {
    const fields = readFields(deployFieldsSchema, ctx);
    const cluster = deployClusterOf(fields);
    const { account, provider } = providerFor(ctx, cluster.account);
    const location = locationOf(cluster) ?? defaultLocationOf(account);
    const name = clusterName(cluster.application, cluster.stack, cluster.freeFormDetails);
    const existing = await provider.listServerGroups(clusterRefOf({ account: account.name, location, cluster: name }));
    const chosen: ChosenServerGroup = {
      serverGroupName: serverGroupName(name, nextSequence(existing.map((group) => group.sequence))),
      account: account.name,
      cluster: name,
      ...(location === undefined ? {} : { location }),
    };
    const previous = selectTarget(existing, 'current');
    return {
      status: 'SUCCEEDED',
      outputs: {
        ...chosenOutputs(chosen),
        previousServerGroup: previous.ok ? previous.serverGroup.name : null,
        image: cluster.image,
        // Spinnaker's keys, for expressions written against its deploy stage. A provider without
        // locations (local) is keyed by its account, so the map always has exactly one entry.
        'deploy.account.name': account.name,
        'deploy.server.groups': { [location ?? account.name]: [chosen.serverGroupName] },
      },
    };
  },
});
