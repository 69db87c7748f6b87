import { isPlainObject } from '../celValues';
import type { ManifestCriteria } from '../stages/manifest/fields';

/**
 * `mode: dynamic`: which object of a cluster (the objects whose `moniker.spinnaker.io/cluster`
 * is the stage's `cluster`) the stage acts on, by Spinnaker's criteria. Undefined if none fits.
 */
export function pickByCriteria<T extends Record<string, unknown>>(candidates: readonly T[], criteria: ManifestCriteria): T | undefined {
  const created = (object: T) => Date.parse(String(isPlainObject(object.metadata) ? object.metadata.creationTimestamp : ''));
  const replicas = (object: T) => (isPlainObject(object.spec) && typeof object.spec.replicas === 'number' ? object.spec.replicas : 0);
  const byAge = [...candidates].sort((a, b) => created(b) - created(a));
  const bySize = [...candidates].sort((a, b) => replicas(b) - replicas(a));
  switch (criteria) {
    case 'newest': return byAge[0];
    case 'second_newest': return byAge[1];
    case 'oldest': return byAge[byAge.length - 1];
    case 'largest': return bySize[0];
    case 'smallest': return bySize[bySize.length - 1];
  }
}
