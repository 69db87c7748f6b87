import { isPlainObject } from '../celValues';
import { annotationsOf, manifestNameOf } from './manifest';
import { stabilityOf } from './stability';
import { MONIKER_ANNOTATIONS } from './versioning';

/**
 * A deployed object as the clusters view shows it beside server groups. Like clouddriver's
 * Kubernetes provider, an object belongs to the application its `moniker.spinnaker.io/application`
 * annotation names (whatever pipeline deployed it), its cluster is `moniker.spinnaker.io/cluster`
 * (Spinnaker's default: `"<kind> <name>"` before versioning) and its version the `…/sequence`.
 */
export interface ManifestView {
  kind: string;
  apiVersion: string;
  name: string;
  /** Absent for cluster-scoped kinds. */
  namespace?: string;
  account: string;
  cluster: string;
  /** The `-vNNN` of a versioned object; absent for unversioned ones. */
  version?: number;
  stable: boolean;
  /** What it waits for or why it failed, by the same per-kind rules as the stages' wait for stable. */
  status: string;
  createdAt?: string;
}

/** The view of a live object of `application`, or undefined when the object belongs to another application. */
export function manifestView(object: Record<string, unknown>, application: string, account: string): ManifestView | undefined {
  const annotations = annotationsOf(object);
  if (annotations[MONIKER_ANNOTATIONS.application] !== application) return undefined;
  const metadata = isPlainObject(object.metadata) ? object.metadata : {};
  const kind = typeof object.kind === 'string' ? object.kind : '';
  const name = typeof metadata.name === 'string' ? metadata.name : '';
  const sequence = Number.parseInt(annotations[MONIKER_ANNOTATIONS.sequence] ?? '', 10);
  const stability = stabilityOf(object);
  return {
    kind,
    apiVersion: typeof object.apiVersion === 'string' ? object.apiVersion : '',
    name,
    ...(typeof metadata.namespace === 'string' ? { namespace: metadata.namespace } : {}),
    account,
    cluster: annotations[MONIKER_ANNOTATIONS.cluster] ?? manifestNameOf(kind, name),
    ...(Number.isInteger(sequence) ? { version: sequence } : {}),
    stable: stability.state === 'stable',
    status: stability.state === 'stable' ? 'stable' : `${stability.state}: ${stability.reason}`,
    ...(typeof metadata.creationTimestamp === 'string' ? { createdAt: metadata.creationTimestamp } : {}),
  };
}
