import { newServerGroupSpec, providerFor } from '../cloud/context';
import { serverGroupTask } from '../cloud/failures';
import { canaryFields, canaryStageGroups } from './canaryGroups';

/**
 * `canary`, step 2: the baseline (production's image) and the canary (the new image), same size,
 * both out of traffic. Creation is idempotent by name, so a re-run finds what a crashed run made.
 */
export const createCanaryServerGroupsTask = serverGroupTask({
  name: 'createCanaryServerGroups',
  async run(ctx) {
    const fields = canaryFields(ctx);
    const groups = canaryStageGroups(ctx);
    const { cluster } = fields;
    const { provider } = providerFor(ctx, groups.canary.account);
    const capacity = fields.canaryCapacity ?? cluster.capacity;
    const role = (name: string) => ({ 'gantry.io/canary-role': name });
    await provider.createServerGroup(
      newServerGroupSpec(ctx, cluster, { ...groups.canary, serverGroupName: groups.baseline }, { image: groups.productionImage, capacity, tags: role('baseline') }),
    );
    const canary = await provider.createServerGroup(newServerGroupSpec(ctx, cluster, groups.canary, { capacity, tags: role('canary') }));
    return { status: 'SUCCEEDED', outputs: canary.image === '' ? {} : { image: canary.image } };
  },
});
