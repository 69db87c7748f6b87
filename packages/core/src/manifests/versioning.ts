import { isPlainObject } from '../celValues';
import { annotationsOf, deepCopy, sameKind, type Manifest } from './manifest';

/**
 * Spinnaker's resource versioning (clouddriver's Kubernetes provider): these kinds are deployed
 * as `<name>-vNNN`, a new version on every change of content, so a Deployment rolling to a new
 * ConfigMap can be rolled back to the old one. `strategy.spinnaker.io/versioned` turns it on or
 * off for one manifest.
 */
export const VERSIONED_KINDS = ['ConfigMap', 'Secret', 'ReplicaSet', 'Pod'] as const;

export const STRATEGY_ANNOTATIONS = {
  versioned: 'strategy.spinnaker.io/versioned',
  maxVersionHistory: 'strategy.spinnaker.io/max-version-history',
  useSourceCapacity: 'strategy.spinnaker.io/use-source-capacity',
  recreate: 'strategy.spinnaker.io/recreate',
  replace: 'strategy.spinnaker.io/replace',
} as const;

export const ARTIFACT_ANNOTATIONS = {
  name: 'artifact.spinnaker.io/name',
  type: 'artifact.spinnaker.io/type',
  location: 'artifact.spinnaker.io/location',
  version: 'artifact.spinnaker.io/version',
} as const;

export const MONIKER_ANNOTATIONS = {
  application: 'moniker.spinnaker.io/application',
  cluster: 'moniker.spinnaker.io/cluster',
  sequence: 'moniker.spinnaker.io/sequence',
} as const;

export function isVersioned(manifest: Manifest): boolean {
  const flag = annotationsOf(manifest)[STRATEGY_ANNOTATIONS.versioned];
  if (flag !== undefined) return flag === 'true';
  return VERSIONED_KINDS.some((kind) => sameKind(kind, manifest.kind));
}

/** `strategy.spinnaker.io/max-version-history`: how many versions to keep (undefined: all). */
export function maxVersionHistory(manifest: Manifest): number | undefined {
  const text = annotationsOf(manifest)[STRATEGY_ANNOTATIONS.maxVersionHistory];
  if (text === undefined) return undefined;
  const value = Number(text);
  return Number.isInteger(value) && value > 0 ? value : undefined;
}

export type DeployStrategy = 'apply' | 'recreate' | 'replace';

/**
 * How a manifest is deployed (clouddriver's DeployStrategy.fromAnnotations): `recreate: "true"`
 * deletes the live object before creating it anew, `replace: "true"` writes the whole object
 * (PUT, `kubectl replace`), dropping fields other managers own; otherwise server-side apply.
 * Clouddriver does not refuse both on one manifest: recreate wins, and so it does here. Values
 * are read as Java's Boolean.parseBoolean does (`"True"` counts, anything else is false).
 */
export function deployStrategy(manifest: Manifest): DeployStrategy {
  const annotations = annotationsOf(manifest);
  const flag = (key: string): boolean => annotations[key]?.toLowerCase() === 'true';
  if (flag(STRATEGY_ANNOTATIONS.recreate)) return 'recreate';
  if (flag(STRATEGY_ANNOTATIONS.replace)) return 'replace';
  return 'apply';
}

export function versionedName(base: string, sequence: number): string {
  return `${base}-v${String(sequence).padStart(3, '0')}`;
}

/** The sequence of `name` if it is a version of `base` (`web-v007` → 7), else undefined. */
export function versionOf(name: string, base: string): number | undefined {
  if (!name.startsWith(`${base}-v`)) return undefined;
  const rest = name.slice(base.length + 2);
  return /^\d{3,}$/.test(rest) ? Number(rest) : undefined;
}

export interface ExistingVersion {
  name: string;
  /** The content hash recorded when Gantry deployed it, if it did. */
  contentHash: string | undefined;
}

export type VersionDecision = { name: string; sequence: number; reuse: boolean };

/**
 * The version to deploy: an existing version with the same content is reused (nothing is
 * redeployed: this is also what makes a re-run after a crash idempotent), otherwise the next
 * sequence after the highest, wrapping after 999 as Spinnaker's does.
 */
export function decideVersion(base: string, contentHash: string, existing: readonly ExistingVersion[]): VersionDecision {
  const versions = existing
    .map((version) => ({ ...version, sequence: versionOf(version.name, base) }))
    .filter((version): version is ExistingVersion & { sequence: number } => version.sequence !== undefined)
    .sort((a, b) => b.sequence - a.sequence);
  const same = versions.find((version) => version.contentHash === contentHash);
  if (same) return { name: same.name, sequence: same.sequence, reuse: true };
  const sequence = versions.length === 0 ? 0 : ((versions[0]?.sequence ?? -1) + 1) % 1000;
  return { name: versionedName(base, sequence), sequence, reuse: false };
}

/** Old versions past `max` (newest kept), to delete after a deploy. */
export function versionsToPrune(base: string, names: readonly string[], max: number | undefined): string[] {
  if (max === undefined) return [];
  return names
    .map((name) => ({ name, sequence: versionOf(name, base) }))
    .filter((version): version is { name: string; sequence: number } => version.sequence !== undefined)
    .sort((a, b) => b.sequence - a.sequence)
    .slice(max)
    .map((version) => version.name);
}

/**
 * Where a pod spec names a ConfigMap or Secret (volumes, projected sources, envFrom, env
 * valueFrom, imagePullSecrets): the key holding the name, by the object's key in its parent.
 */
const REFERENCES: Record<string, { kind: 'ConfigMap' | 'Secret'; key: string }> = {
  configMap: { kind: 'ConfigMap', key: 'name' },
  configMapRef: { kind: 'ConfigMap', key: 'name' },
  configMapKeyRef: { kind: 'ConfigMap', key: 'name' },
  secret: { kind: 'Secret', key: 'secretName' },
  secretRef: { kind: 'Secret', key: 'name' },
  secretKeyRef: { kind: 'Secret', key: 'name' },
};

export interface Renamed {
  kind: string;
  from: string;
  to: string;
}

/**
 * Calls `visit` with each place in `value` that names a ConfigMap or Secret: the object holding
 * the name and the key it is under, so callers can read or replace it.
 */
function visitReferences(value: unknown, visit: (kind: 'ConfigMap' | 'Secret', holder: Record<string, unknown>, key: string) => void, parentKey?: string): void {
  if (Array.isArray(value)) {
    for (const item of value) {
      if (parentKey === 'imagePullSecrets' && isPlainObject(item)) visit('Secret', item, 'name');
      visitReferences(item, visit);
    }
    return;
  }
  if (!isPlainObject(value)) return;
  const reference = parentKey === undefined ? undefined : REFERENCES[parentKey];
  if (reference && typeof value[reference.key] === 'string') visit(reference.kind, value, reference.key);
  for (const [key, child] of Object.entries(value)) visitReferences(child, visit, key);
}

/**
 * A copy of `manifest` whose references to the renamed ConfigMaps and Secrets name their new
 * versions, as Spinnaker rewrites the other manifests of the same stage.
 */
export function rewriteReferences(manifest: Manifest, renamed: readonly Renamed[]): Manifest {
  const copy = deepCopy(manifest);
  visitReferences(copy, (kind, holder, key) => {
    const to = renamed.find((r) => sameKind(r.kind, kind) && r.from === holder[key])?.to;
    if (to !== undefined) holder[key] = to;
  });
  return copy;
}

/** The ConfigMaps and Secrets a manifest refers to, each once. */
export function referencedObjects(manifest: Record<string, unknown>): { kind: 'ConfigMap' | 'Secret'; name: string }[] {
  const found = new Map<string, { kind: 'ConfigMap' | 'Secret'; name: string }>();
  visitReferences(manifest, (kind, holder, key) => {
    const name = String(holder[key]);
    found.set(`${kind}/${name}`, { kind, name });
  });
  return [...found.values()];
}

/** Calls `visit` with every container and init container (with an image) in `value`. */
function visitContainers(value: unknown, visit: (container: Record<string, unknown> & { image: string }) => void, parentKey?: string): void {
  if (Array.isArray(value)) {
    for (const item of value) {
      if ((parentKey === 'containers' || parentKey === 'initContainers') && isPlainObject(item) && typeof item.image === 'string') visit(item as Record<string, unknown> & { image: string });
      visitContainers(item, visit);
    }
  } else if (isPlainObject(value)) {
    for (const [key, child] of Object.entries(value)) visitContainers(child, visit, key);
  }
}

/** The images of a manifest's containers and init containers, in order, each once. */
export function containerImages(manifest: Record<string, unknown>): string[] {
  const images = new Set<string>();
  visitContainers(manifest, (container) => images.add(container.image));
  return [...images];
}

export interface BoundImage {
  /** The image repository, e.g. `gcr.io/project/app`. */
  name: string;
  /** The full reference to deploy, e.g. `gcr.io/project/app:1.2.3` or `…@sha256:…`. */
  reference: string;
}

/** Whether `image` (as a container names it) is of repository `name`, with any tag or digest or none. */
function isImageOf(image: string, name: string): boolean {
  return image === name || image.startsWith(`${name}:`) || image.startsWith(`${name}@`);
}

/**
 * Spinnaker's artifact binding for docker images: each container (and init container) whose
 * image is of a bound artifact's repository gets the artifact's reference. Returns the images
 * bound, for the outputs.
 */
export function bindImages(manifest: Manifest, images: readonly BoundImage[]): { manifest: Manifest; bound: string[] } {
  const copy = deepCopy(manifest);
  const bound: string[] = [];
  visitContainers(copy, (container) => {
    const match = images.find((candidate) => isImageOf(container.image, candidate.name));
    if (match) {
      container.image = match.reference;
      bound.push(match.reference);
    }
  });
  return { manifest: copy, bound };
}

/** `gcr.io/x/app:1.2` → name `gcr.io/x/app`, version `1.2`; digests (`@sha256:…`) are versions too. */
export function imageArtifactOf(image: string): { type: 'docker/image'; name: string; reference: string; version?: string } {
  const at = image.indexOf('@');
  const tagAt = image.lastIndexOf(':');
  const split = at !== -1 ? at : tagAt > image.lastIndexOf('/') ? tagAt : -1;
  if (split === -1) return { type: 'docker/image', name: image, reference: image };
  return { type: 'docker/image', name: image.slice(0, split), reference: image, version: image.slice(split + 1) };
}
