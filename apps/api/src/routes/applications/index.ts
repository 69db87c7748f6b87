import type { ProviderRegistry, ServerGroup } from '@gantry/providers';
import { isUp, newestFirst } from '@gantry/strategies';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { onApplicationInPath } from '../../auth/resources';
import type { ClusterIndex } from './clusterIndex';
import { liveManifests } from './manifests';
import { checkClusterOf, listPlace, livePlaces, placesOf } from './places';
import { listClustersSchema, listServerGroupsSchema } from './schemas';

export { PostgresClusterIndex, emptyClusterIndex, type ClusterIndex, type ManifestPlace } from './clusterIndex';
export { rollbackRoutes, type RollbackRoutesOptions } from './rollback';
export { serverGroupActionRoutes, type ServerGroupActionRoutesOptions } from './serverGroupActions';

export interface ApplicationRoutesOptions {
  providers: Pick<ProviderRegistry, 'forAccount' | 'accounts'>;
  clusterIndex: ClusterIndex;
}

/** Live clusters and server groups of an application, read from the providers (Spinnaker's /applications/…/clusters). */
export const applicationRoutes: FastifyPluginAsyncZod<ApplicationRoutesOptions> = async (app, { providers, clusterIndex }) => {
  const read = onApplicationInPath('READ');
  app.get('/applications/:app/clusters', { schema: listClustersSchema, config: read }, async (request) => {
    const application = request.params.app;
    const configured = new Set(providers.accounts().map((account) => account.name));
    // Records outlive accounts removed from the configuration; those places cannot be asked.
    const places = (await clusterIndex.clustersOf(application)).filter((place) => configured.has(place.account));
    const [live, manifests] = await Promise.all([
      livePlaces(providers, places),
      clusterIndex.manifestPlacesOf(application).then((manifestPlaces) => liveManifests(providers, manifestPlaces, application)),
    ]);
    const clusters = live.map(({ place, serverGroups }) => ({
      name: place.cluster,
      account: place.account,
      location: place.location ?? null,
      serverGroups: newestFirst(serverGroups).map((group) => group.name),
    }));
    return { application, clusters, manifests };
  });

  app.get('/applications/:app/clusters/:cluster/serverGroups', { schema: listServerGroupsSchema, config: read }, async (request) => {
    const { app: application, cluster } = request.params;
    const { account, location } = request.query;
    checkClusterOf(application, cluster);
    // An unknown account is a 404 naming the configured ones (UnknownAccountError).
    if (account !== undefined) providers.forAccount(account);
    const places = await placesOf(providers, clusterIndex, cluster, { account, location });
    const byName = new Map<string, ServerGroup>();
    for (const groups of await Promise.all(places.map((place) => listPlace(providers, place)))) {
      for (const group of groups) byName.set(`${group.account}/${group.location ?? ''}/${group.name}`, group);
    }
    return { application, cluster, serverGroups: newestFirst([...byName.values()]).map(toView) };
  });
};

function toView(group: ServerGroup) {
  return {
    name: group.name,
    account: group.account,
    location: group.location ?? null,
    cluster: group.cluster,
    sequence: group.sequence,
    image: group.image,
    capacity: group.capacity,
    enabled: group.enabled,
    health: group.health,
    healthy: isUp(group),
    createdAt: group.createdAt,
    details: group.details ?? {},
  };
}
