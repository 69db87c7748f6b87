import type { TaskImplementation } from '../Task';
import { providerFor } from '../serverGroup/context';
import { serverGroupTask } from '../serverGroup/failures';
import { canaryFields, canaryStageGroups } from './canaryGroups';

/**
 * `canary`, step 2: the baseline (production's image) and the canary (the new image), same size,
 * both out of traffic. Creation is idempotent by name, so a re-run finds what a crashed run made.
 */
export const createCanaryServerGroupsTask: TaskImplementation = serverGroupTask({
  name: 'createCanaryServerGroups',
  async run(ctx) {
    const fields = canaryFields(ctx);
    const groups = canaryStageGroups(ctx);
    const { cluster } = fields;
    const { provider } = providerFor(ctx, groups.canary.account);
    const capacity = fields.canaryCapacity ?? cluster.capacity;
    const common = {
      account: groups.canary.account,
      ...(groups.canary.location === undefined ? {} : { location: groups.canary.location }),
      application: cluster.application,
      cluster: groups.canary.cluster,
      capacity: { min: capacity.min, max: capacity.max, desired: capacity.desired },
      enabled: false,
      ...(cluster.settings === undefined ? {} : { settings: cluster.settings }),
    };
    const tags = (role: string) => ({ 'gantry.io/execution-id': ctx.execution.id, 'gantry.io/stage': ctx.stage.refId, 'gantry.io/canary-role': role });
    await provider.createServerGroup({ ...common, name: groups.baseline, image: groups.productionImage, tags: tags('baseline') });
    const canary = await provider.createServerGroup({ ...common, name: groups.canary.serverGroupName, image: cluster.image, tags: tags('canary') });
    return { status: 'SUCCEEDED', outputs: canary.image === '' ? {} : { image: canary.image } };
  },
});
