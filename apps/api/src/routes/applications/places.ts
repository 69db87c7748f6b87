import { ValidationError, applicationOfCluster, clusterOfServerGroup } from '@gantry/core';
import type { ProviderRegistry, ServerGroup } from '@gantry/providers';
import type { ClusterPlace } from '@gantry/store';
import type { ClusterIndex } from './clusterIndex';

type Providers = Pick<ProviderRegistry, 'forAccount' | 'accounts'>;

/** One cluster in one place, as the provider lists it now (location left to the account's default when unknown). */
export function listPlace(providers: Providers, place: ClusterPlace): Promise<ServerGroup[]> {
  const { provider } = providers.forAccount(place.account);
  return provider.listServerGroups({
    account: place.account,
    application: applicationOfCluster(place.cluster),
    cluster: place.cluster,
    ...(place.location === undefined ? {} : { location: place.location }),
  });
}

export interface LivePlace {
  /** With the location the provider reports (the account's default when the place named none). */
  place: ClusterPlace;
  serverGroups: ServerGroup[];
}

/** The places where their cluster has server groups now, each once: a place without a location and one with the account's default are the same place. */
export async function livePlaces(providers: Providers, places: readonly ClusterPlace[]): Promise<LivePlace[]> {
  const listed = await Promise.all(places.map(async (place) => ({ place, serverGroups: await listPlace(providers, place) })));
  const live = new Map<string, LivePlace>();
  for (const { place, serverGroups } of listed) {
    if (serverGroups.length === 0) continue;
    const location = serverGroups[0]?.location ?? place.location;
    live.set(`${place.account}/${location ?? ''}/${place.cluster}`, {
      place: { account: place.account, cluster: place.cluster, ...(location === undefined ? {} : { location }) },
      serverGroups,
    });
  }
  return [...live.values()];
}

/**
 * Where to look for a cluster: the account asked for (at the location asked for, or its
 * default), else every configured account at its default location plus every place Gantry's
 * records know for this cluster.
 */
export async function placesOf(
  providers: Providers,
  clusterIndex: ClusterIndex,
  cluster: string,
  filter: { account?: string; location?: string },
): Promise<ClusterPlace[]> {
  const at = filter.location === undefined ? {} : { location: filter.location };
  if (filter.account !== undefined) return [{ account: filter.account, cluster, ...at }];
  const configured = providers.accounts().map((account) => account.name);
  const known = (await clusterIndex.clustersOf(applicationOfCluster(cluster))).filter(
    (place) =>
      place.cluster === cluster &&
      configured.includes(place.account) &&
      (filter.location === undefined || place.location === filter.location),
  );
  return [...configured.map((account) => ({ account, cluster, ...at })), ...known];
}

/** A cluster is named after its application: `checkout-prod` belongs to `checkout`. */
export function checkClusterOf(application: string, cluster: string): void {
  if (applicationOfCluster(cluster) === application) return;
  const message = `cluster ${cluster} does not belong to application ${application} (its name must start with "${application}")`;
  throw new ValidationError(message, [{ path: ['cluster'], message }]);
}

/** `serverGroup` must be a versioned group of `cluster` (`<cluster>-vNNN`); `field` names where it came from. */
export function checkServerGroupOf(cluster: string, serverGroup: string, field: string): void {
  if (clusterOfServerGroup(serverGroup) === cluster) return;
  const message = `${serverGroup} is not a server group of cluster ${cluster}`;
  throw new ValidationError(message, [{ path: [field], message }]);
}
