import { applicationOfCluster, describeTrafficGuard, matchingTrafficGuard } from '@gantry/core';
import type { CloudProvider, ServerGroup } from '@gantry/providers';
import { checkTrafficRemoval, type TrafficRemoval } from '@gantry/strategies';
import { TaskFailure, type TaskContext } from '../Task';
import { clusterRefOf, type ClusterPlace } from '../cloud/context';

/**
 * The deploy policy's traffic guards at the edge: before a step disables, destroys or sizes to 0
 * groups of a protected cluster, the cluster as the provider lists it must keep a serving group
 * afterwards (the decision is @gantry/strategies' checkTrafficRemoval). A refusal fails the stage
 * naming the guard; nothing has changed by then.
 */
export function guardTrafficRemoval(ctx: TaskContext, place: ClusterPlace, listing: readonly ServerGroup[], removal: TrafficRemoval): void {
  const application = applicationOfCluster(place.cluster);
  const guard = matchingTrafficGuard(ctx.services.policy.trafficGuards, { ...place, location: place.location });
  if (guard === undefined) return;
  const verdict = checkTrafficRemoval(listing, removal);
  if (verdict.allowed) return;
  const where = `cluster ${place.cluster} (account ${place.account}${place.location === undefined ? '' : `, location ${place.location}`})`;
  throw new TaskFailure(`the ${describeTrafficGuard(application, guard)} protects ${where}: ${verdict.reason}`);
}

/** The same check for a step that has not listed the cluster: lists it only when a guard protects it. */
export async function guardedByListing(ctx: TaskContext, provider: CloudProvider, place: ClusterPlace, removal: TrafficRemoval): Promise<void> {
  if (matchingTrafficGuard(ctx.services.policy.trafficGuards, { ...place, location: place.location }) === undefined) return;
  guardTrafficRemoval(ctx, place, await provider.listServerGroups(clusterRefOf(place)), removal);
}
