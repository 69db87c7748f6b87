import { createHash } from 'node:crypto';

/**
 * Names, labels and resource URLs of what Gantry makes in Compute Engine. GCE names are
 * `[a-z]([-a-z0-9]{0,61}[a-z0-9])?`; label keys and values are lower-case `[a-z0-9_-]`, at most 63.
 */

/** On the instance template's properties (so every instance carries them too). MIGs have no labels. */
export const LABELS = {
  application: 'gantry-application',
  cluster: 'gantry-cluster',
  serverGroup: 'gantry-server-group',
  managedBy: 'gantry-managed-by',
} as const;

export const MANAGED_BY = 'gantry';

/** Instance metadata keys Gantry owns; Spinnaker's names, so its tooling reads them too. */
export const METADATA = {
  startupScript: 'startup-script',
  /** The global backend services the group joins when enabled. */
  backendServices: 'backend-service-names',
  /** The regional backend services (in the group's region) it joins when enabled. */
  regionBackendServices: 'region-backend-service-names',
  /** The URL map (in the backend service's scope) whose route rules carry an A/B experiment. */
  urlMap: 'gantry-url-map',
} as const;

/** On baked images: what they hold, and the hash of the bake's inputs that finds them again. */
export const BAKE_LABELS = {
  package: 'package',
  version: 'version',
  bakeKey: 'gantry-bake-key',
} as const;

export const MAX_NAME_LENGTH = 63;
/** A MIG names its instances `<base>-xxxx`; GCE caps the base at 58 characters. */
const MAX_BASE_INSTANCE_NAME_LENGTH = 58;
const HASH_LENGTH = 8;

export function sha256Hex(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/** JSON with object keys sorted, so equal content always hashes the same. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, item: unknown) =>
    item !== null && typeof item === 'object' && !Array.isArray(item)
      ? Object.fromEntries(Object.entries(item as Record<string, unknown>).sort(([a], [b]) => a.localeCompare(b)))
      : item,
  );
}

/**
 * `<server group>-<8 hex of the template's content>`: deterministic, so a re-run after a crash
 * inserts the same name and finds what the first run made (409), and a different image can never
 * be mistaken for it. Long group names are cut so the whole fits 63 characters.
 */
export function templateName(serverGroup: string, content: unknown): string {
  return `${templateNamePrefix(serverGroup)}-${sha256Hex(canonicalJson(content)).slice(0, HASH_LENGTH)}`;
}

/** What every template name of this group starts with (before `-<hash>`). */
export function templateNamePrefix(serverGroup: string): string {
  return serverGroup.slice(0, MAX_NAME_LENGTH - HASH_LENGTH - 1).replace(/-+$/, '');
}

export function baseInstanceName(serverGroup: string): string {
  return serverGroup.slice(0, MAX_BASE_INSTANCE_NAME_LENGTH).replace(/-+$/, '');
}

/** A label value from any text: lower-case, other characters as `-`, at most 63. */
export function labelValue(text: string): string {
  return text
    .toLowerCase()
    .replace(/[^a-z0-9_-]/g, '-')
    .slice(0, MAX_NAME_LENGTH);
}

/** `projects/p/regions/r/instanceGroups/x` from any form of a resource URL (API host, version, fake host). */
export function resourcePath(url: string): string {
  const index = url.indexOf('projects/');
  return index === -1 ? url : url.slice(index);
}

/** The last path segment: a resource's name from its URL. */
export function nameOf(url: string | null | undefined): string {
  if (!url) return '';
  return url.slice(url.lastIndexOf('/') + 1);
}

export function sameResource(a: string | null | undefined, b: string | null | undefined): boolean {
  return !!a && !!b && resourcePath(a) === resourcePath(b);
}

export function instanceGroupPath(project: string, region: string, name: string): string {
  return `projects/${project}/regions/${region}/instanceGroups/${name}`;
}

export function instanceTemplatePath(project: string, name: string): string {
  return `projects/${project}/global/instanceTemplates/${name}`;
}

/** A name given alone is the project's own; anything with a `/` is a path or URL already. */
export function imagePath(project: string, image: string): string {
  return image.includes('/') ? image : `projects/${project}/global/images/${image}`;
}

/** Which image a reference means: by name, or the newest of a family, in which project. */
export type ImageReference = { project: string; image: string } | { project: string; family: string };

export function parseImageReference(project: string, image: string): ImageReference | undefined {
  const path = imagePath(project, resourcePath(image));
  const family = /^projects\/([^/]+)\/global\/images\/family\/([^/]+)$/.exec(path);
  if (family) return { project: family[1] ?? '', family: family[2] ?? '' };
  const named = /^projects\/([^/]+)\/global\/images\/([^/]+)$/.exec(path);
  return named ? { project: named[1] ?? '', image: named[2] ?? '' } : undefined;
}

export function networkPath(project: string, network: string): string {
  return network.includes('/') ? network : `projects/${project}/global/networks/${network}`;
}

export function subnetworkPath(project: string, region: string, subnetwork: string): string {
  return subnetwork.includes('/') ? subnetwork : `projects/${project}/regions/${region}/subnetworks/${subnetwork}`;
}

export function zonePath(project: string, zone: string): string {
  return zone.includes('/') ? zone : `projects/${project}/zones/${zone}`;
}
