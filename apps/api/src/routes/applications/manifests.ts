import { manifestView, type ManifestView } from '@gantry/core';
import { isProviderError, loadManifests, type ProviderRegistry } from '@gantry/providers';
import type { ManifestPlace } from './clusterIndex';

type Providers = Pick<ProviderRegistry, 'forAccount' | 'accounts'>;

/**
 * The application's live Kubernetes objects in the places its manifest stages acted on, read from
 * the clusters now (docs/architecture.md "Kubernetes manifests"). Places of accounts no longer
 * configured, or no longer Kubernetes, cannot be asked and are left out.
 */
export async function liveManifests(providers: Providers, places: readonly ManifestPlace[], application: string): Promise<ManifestView[]> {
  const accounts = new Map(providers.accounts().filter((account) => account.provider === 'kubernetes').map((account) => [account.name, account]));
  const listed = await Promise.all(
    places.map(async (place) => {
      const account = accounts.get(place.account);
      if (account === undefined) return [];
      const client = await loadManifests(account);
      let resource;
      try {
        resource = await client.resourceFor(place.kind, place.apiVersion);
      } catch (error) {
        // A kind the cluster no longer serves (its CRD deleted) has no objects left to show.
        if (isProviderError(error, 'Fatal')) return [];
        throw error;
      }
      const objects = await client.list(resource, resource.namespaced ? place.namespace : undefined).catch((error: unknown) => {
        if (isProviderError(error, 'NotFound')) return []; // the namespace is gone
        throw error;
      });
      return objects.flatMap((object) => manifestView(object, application, place.account) ?? []);
    }),
  );
  const unique = new Map<string, ManifestView>();
  for (const view of listed.flat()) unique.set(`${view.account}/${view.namespace ?? ''}/${view.apiVersion}/${view.kind}/${view.name}`, view);
  return [...unique.values()].sort(
    (a, b) =>
      a.account.localeCompare(b.account) ||
      (a.namespace ?? '').localeCompare(b.namespace ?? '') ||
      a.cluster.localeCompare(b.cluster) ||
      (b.version ?? -1) - (a.version ?? -1) ||
      a.name.localeCompare(b.name),
  );
}
