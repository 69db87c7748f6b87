import { applicationOfCluster, ValidationError } from '@gantry/core';
import { isProviderError, type ProviderRegistry, type ServerGroup } from '@gantry/providers';
import { isUp, newestFirst } from '@gantry/strategies';
import type { FastifyReply } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { ClusterIndex, ClusterLocation } from './clusterIndex';
import { listClustersSchema, listServerGroupsSchema } from './schemas';

export { PostgresClusterIndex, emptyClusterIndex, type ClusterIndex, type ClusterLocation } from './clusterIndex';

export interface ApplicationRoutesOptions {
  providers: Pick<ProviderRegistry, 'forAccount' | 'accounts'>;
  clusterIndex: ClusterIndex;
}

/** Live clusters and server groups of an application, read from the providers (Spinnaker's /applications/…/clusters). */
export const applicationRoutes: FastifyPluginAsyncZod<ApplicationRoutesOptions> = async (app, { providers, clusterIndex }) => {
  /** One cluster in one place, as the provider lists it now (location left to the account's default when unknown). */
  const listPlace = async (place: ClusterLocation): Promise<ServerGroup[]> => {
    const { provider } = providers.forAccount(place.account);
    return provider.listServerGroups({
      account: place.account,
      application: applicationOfCluster(place.cluster),
      cluster: place.cluster,
      ...(place.location === undefined ? {} : { location: place.location }),
    });
  };

  app.get('/applications/:app/clusters', { schema: listClustersSchema }, async (request, reply) => {
    const application = request.params.app;
    const configured = new Set(providers.accounts().map((account) => account.name));
    // Records outlive accounts removed from the configuration; those places cannot be asked.
    const places = (await clusterIndex.clustersOf(application)).filter((place) => configured.has(place.account));
    return withProviderErrors(reply, async () => {
      const listed = await Promise.all(places.map(async (place) => ({ place, groups: await listPlace(place) })));
      const clusters = new Map<string, { name: string; account: string; location: string | null; serverGroups: string[] }>();
      for (const { place, groups } of listed) {
        if (groups.length === 0) continue;
        const location = groups[0]?.location ?? place.location ?? null;
        // A record without a location and one with the account's default are the same place.
        clusters.set(`${place.account}/${location ?? ''}/${place.cluster}`, {
          name: place.cluster,
          account: place.account,
          location,
          serverGroups: newestFirst(groups).map((group) => group.name),
        });
      }
      return { application, clusters: [...clusters.values()] };
    });
  });

  app.get('/applications/:app/clusters/:cluster/serverGroups', { schema: listServerGroupsSchema }, async (request, reply) => {
    const { app: application, cluster } = request.params;
    const { account, location } = request.query;
    if (applicationOfCluster(cluster) !== application) {
      const message = `cluster ${cluster} does not belong to application ${application} (its name must start with "${application}")`;
      throw new ValidationError(message, [{ path: ['cluster'], message }]);
    }
    // An unknown account is a 404 naming the configured ones (UnknownAccountError).
    if (account !== undefined) providers.forAccount(account);
    const places = await placesOf(cluster, { account, location });
    return withProviderErrors(reply, async () => {
      const byName = new Map<string, ServerGroup>();
      for (const groups of await Promise.all(places.map(listPlace))) {
        for (const group of groups) byName.set(`${group.account}/${group.location ?? ''}/${group.name}`, group);
      }
      return { application, cluster, serverGroups: newestFirst([...byName.values()]).map(toView) };
    });
  });

  /**
   * Where to look for a cluster: the account asked for (at the location asked for, or its
   * default), else every configured account at its default location plus every place Gantry's
   * records know for this cluster.
   */
  async function placesOf(cluster: string, filter: { account?: string; location?: string }): Promise<ClusterLocation[]> {
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
  };
}

/**
 * Provider failures in the API's error shape: NotFound → 404; Throttled/Transient (after the
 * registry's retries) → 503, worth retrying; Fatal/Conflict → 502 with the provider's message.
 */
async function withProviderErrors<T>(reply: FastifyReply, read: () => Promise<T>): Promise<T | FastifyReply> {
  try {
    return await read();
  } catch (error) {
    if (!isProviderError(error)) throw error;
    const [status, code] = error.kind === 'NotFound' ? [404, 'NOT_FOUND'] : error.retryable ? [503, 'PROVIDER_UNAVAILABLE'] : [502, 'PROVIDER_ERROR'];
    return reply.code(status).send({ error: { code, message: error.message, details: error.toJSON() } });
  }
}
