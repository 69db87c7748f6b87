import { clusterRefOf, describeServerGroup, providerFor, refOf } from '../cloud/context';
import { serverGroupTask } from '../cloud/failures';
import { TaskFailure } from '../Task';
import { ACT_AGAIN_MS } from '../cloud/poll';
import { canaryFields, canaryStageGroups, liveCanaryGroups } from './canaryGroups';

/**
 * `canary`, step 4: the canary passed and becomes production: it grows to the cluster's capacity
 * (waitForUpInstances, the next task, waits for it). Resizing to the same capacity again is a
 * no-op, so a re-run is harmless.
 */
export const promoteCanaryTask = serverGroupTask({
  name: 'promoteCanary',
  async run(ctx) {
    const { cluster } = canaryFields(ctx);
    const { canary } = canaryStageGroups(ctx);
    const { provider } = providerFor(ctx, canary.account);
    const { min, max, desired } = cluster.capacity;
    await provider.resize(refOf(canary), { min, max, desired });
    return { status: 'SUCCEEDED', outputs: { promotedServerGroup: canary.serverGroupName } };
  },
});

/**
 * `canary`, step 6: all traffic to the promoted canary; production and baseline leave it, and the
 * baseline (only ever a yardstick) is destroyed. The old production group stays, disabled, for a
 * rollback, until red/black's clean-up tasks that follow deal with it. Done once the cloud shows it, so a crash in between repeats idempotent calls.
 */
export const completeCanaryPromotionTask = serverGroupTask({
  name: 'completeCanaryPromotion',
  async run(ctx) {
    const groups = canaryStageGroups(ctx);
    const { provider } = providerFor(ctx, groups.canary.account);
    const live = await liveCanaryGroups(provider, groups);
    if (live.canary === null) throw new TaskFailure(`the promoted canary ${describeServerGroup(groups.canary)} no longer exists`);
    const done = live.canary.enabled && live.baseline === null && live.production?.enabled !== true;
    if (done) return { status: 'SUCCEEDED', outputs: { baselineDestroyed: true, canaryPromoted: true } };
    await provider.setTrafficWeights(clusterRefOf(groups.canary), { [groups.canary.serverGroupName]: 100 });
    await provider.destroy({ ...refOf(groups.canary), name: groups.baseline });
    return { status: 'RUNNING', retryAfterMs: ACT_AGAIN_MS };
  },
});
