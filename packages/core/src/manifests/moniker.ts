import { isPlainObject } from '../celValues';
import { deepCopy, manifestNameOf, type Manifest } from './manifest';
import { MONIKER_ANNOTATIONS } from './versioning';

export const MANAGED_BY_LABEL = 'app.kubernetes.io/managed-by';
export const APP_NAME_LABEL = 'app.kubernetes.io/name';

export interface Moniker {
  app: string;
  /** Default: the manifest's own `"<kind> <name>"` (before versioning), as Spinnaker's. */
  cluster?: string;
  sequence?: number;
}

function ensureMap(parent: Record<string, unknown>, key: string): Record<string, unknown> {
  const existing = parent[key];
  if (isPlainObject(existing)) return existing;
  const created: Record<string, unknown> = {};
  parent[key] = created;
  return created;
}

/** Where a workload keeps its pod template, if it has one. */
function podTemplateMetadata(manifest: Manifest): Record<string, unknown> | undefined {
  const spec = manifest.spec;
  if (!isPlainObject(spec)) return undefined;
  const template = isPlainObject(spec.template) ? spec.template : isPlainObject(spec.jobTemplate) && isPlainObject(spec.jobTemplate.spec) && isPlainObject(spec.jobTemplate.spec.template) ? spec.jobTemplate.spec.template : undefined;
  return template === undefined ? undefined : ensureMap(template, 'metadata');
}

/**
 * The manifest with Spinnaker's moniker annotations (`moniker.spinnaker.io/application`,
 * `…/cluster`, `…/sequence` for versions) and the recommended `app.kubernetes.io/name` and
 * `app.kubernetes.io/managed-by` labels, on the object and its pod template. Labels a manifest
 * already sets win: selectors must keep matching.
 */
export function withMoniker(manifest: Manifest, moniker: Moniker, managedBy: string): Manifest {
  const copy = deepCopy(manifest);
  const cluster = moniker.cluster ?? manifestNameOf(manifest.kind, manifest.metadata.name);
  const annotations: Record<string, string> = {
    [MONIKER_ANNOTATIONS.application]: moniker.app,
    [MONIKER_ANNOTATIONS.cluster]: cluster,
    ...(moniker.sequence === undefined ? {} : { [MONIKER_ANNOTATIONS.sequence]: String(moniker.sequence) }),
  };
  const labels: Record<string, string> = { [APP_NAME_LABEL]: moniker.app, [MANAGED_BY_LABEL]: managedBy };
  for (const metadata of [copy.metadata, podTemplateMetadata(copy)]) {
    if (metadata === undefined) continue;
    Object.assign(ensureMap(metadata, 'annotations'), annotations);
    const existing = ensureMap(metadata, 'labels');
    for (const [key, value] of Object.entries(labels)) if (existing[key] === undefined) existing[key] = value;
  }
  return copy;
}
