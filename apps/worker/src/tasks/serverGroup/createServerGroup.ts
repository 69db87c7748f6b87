import { deployClusterOf, deployFieldsSchema, type DeployCluster } from '@gantry/core';
import type { Capacity, ServerGroupSpec } from '@gantry/providers';
import type { TaskContext, TaskImplementation } from '../Task';
import { chosenServerGroup, providerFor, readFields, type ChosenServerGroup } from './context';
import { serverGroupTask } from './failures';

/**
 * `deploy`, step 2: creates the server group under the name step 1 recorded. Providers create
 * idempotently by name, so a re-run after a crash (the group made, the success not yet committed)
 * gets the existing group back; one with that name but another image is a Conflict, TERMINAL.
 * The group is created out of traffic: it is enabled only once all its instances are up.
 */
export const createServerGroupTask: TaskImplementation = serverGroupTask({
  name: 'createServerGroup',
  async run(ctx) {
    const chosen = chosenServerGroup(ctx);
    const cluster = deployClusterOf(readFields(deployFieldsSchema, ctx));
    const { provider } = providerFor(ctx, chosen.account);
    const group = await provider.createServerGroup(newServerGroupSpec(ctx, cluster, chosen));
    // The provider may have pinned the image (a tag resolved to a digest): report what runs.
    return { status: 'SUCCEEDED', outputs: group.image === '' ? {} : { image: group.image } };
  },
});

/**
 * `group` as a new member of the deploy's cluster: out of traffic, with the cluster's image and
 * capacity unless told otherwise, and tagged with the stage that made it.
 */
export function newServerGroupSpec(
  ctx: TaskContext,
  cluster: DeployCluster,
  group: ChosenServerGroup,
  overrides: { image?: string; capacity?: Capacity; tags?: Record<string, string> } = {},
): ServerGroupSpec {
  const capacity = overrides.capacity ?? cluster.capacity;
  return {
    account: group.account,
    ...(group.location === undefined ? {} : { location: group.location }),
    application: cluster.application,
    cluster: group.cluster,
    name: group.serverGroupName,
    image: overrides.image ?? cluster.image,
    capacity: { min: capacity.min, max: capacity.max, desired: capacity.desired },
    enabled: false,
    ...(cluster.settings === undefined ? {} : { settings: cluster.settings }),
    tags: { 'gantry.io/execution-id': ctx.execution.id, 'gantry.io/stage': ctx.stage.refId, ...overrides.tags },
  };
}
