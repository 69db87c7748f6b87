import { chosenServerGroup, newServerGroupSpec, providerFor } from '../cloud/context';
import { deployClusterFor } from './cloneServerGroup';
import { serverGroupTask } from '../cloud/failures';
import { recordServerGroup } from './desiredState';

/**
 * `deploy`, step 2: creates the server group under the name step 1 recorded. Providers create
 * idempotently by name, so a re-run after a crash (the group made, the success not yet committed)
 * gets the existing group back; one with that name but another image is a Conflict, TERMINAL.
 * The group is created out of traffic: it is enabled only once all its instances are up. What it
 * made becomes the group's desired state for drift, with the result.
 */
export const createServerGroupTask = serverGroupTask({
  name: 'createServerGroup',
  async run(ctx) {
    const chosen = chosenServerGroup(ctx);
    const cluster = deployClusterFor(ctx);
    const { provider } = providerFor(ctx, chosen.account);
    const group = await provider.createServerGroup(newServerGroupSpec(ctx, cluster, chosen));
    // The provider may have pinned the image (a tag resolved to a digest): report what runs.
    const effect = recordServerGroup(ctx, provider, group);
    return { status: 'SUCCEEDED', outputs: group.image === '' ? {} : { image: group.image }, ...(effect === undefined ? {} : { effect }) };
  },
});
