/**
 * Resource URLs. GCE names every resource by its `selfLink`
 * (`https://www.googleapis.com/compute/v1/projects/P/global/instanceTemplates/T`) and accepts a
 * reference in a request body as that full URL or any suffix of it starting at `projects/`, or at
 * `global/`, `regions/`, `zones/` within the caller's project.
 */
export const COMPUTE_BASE = 'https://www.googleapis.com/compute/v1/';

/** Where a resource lives: `global`, `regions/R` or `zones/Z`. */
export type Scope = { kind: 'global' } | { kind: 'region'; region: string } | { kind: 'zone'; zone: string };

export const GLOBAL: Scope = { kind: 'global' };

export function scopePath(scope: Scope): string {
  switch (scope.kind) {
    case 'global':
      return 'global';
    case 'region':
      return `regions/${scope.region}`;
    case 'zone':
      return `zones/${scope.zone}`;
  }
}

/** `projects/P/global/instanceTemplates/T`, as GCE's error messages name resources. */
export function relativeName(project: string, scope: Scope, collection: string, name?: string): string {
  const base = `projects/${project}/${scopePath(scope)}/${collection}`;
  return name === undefined ? base : `${base}/${name}`;
}

export function selfLink(project: string, scope: Scope, collection: string, name?: string): string {
  return `${COMPUTE_BASE}${relativeName(project, scope, collection, name)}`;
}

export function regionLink(project: string, region: string): string {
  return `${COMPUTE_BASE}projects/${project}/regions/${region}`;
}

export function zoneLink(project: string, zone: string): string {
  return `${COMPUTE_BASE}projects/${project}/zones/${zone}`;
}

/**
 * A reference from a request body as the full URL GCE stores it with, whatever form it was sent
 * in; one that is not a resource URL of a known shape (e.g. `global/images/family/F`) is kept whole.
 */
export function absoluteLink(reference: string, project: string): string {
  if (reference.startsWith('https://')) return reference;
  return `${COMPUTE_BASE}${reference.startsWith('projects/') ? '' : `projects/${project}/`}${reference}`;
}

export interface ResourceReference {
  project: string;
  scope: Scope;
  collection: string;
  name: string;
}

/** A reference from a request body, or undefined when it is not a resource URL. */
export function parseReference(reference: string, defaultProject: string): ResourceReference | undefined {
  let path = reference.startsWith(COMPUTE_BASE) ? reference.slice(COMPUTE_BASE.length) : reference;
  // Other API versions (beta, alpha) name the same resources.
  path = path.replace(/^https:\/\/(www|compute)\.googleapis\.com\/compute\/[a-z0-9]+\//, '');
  const parts = path.split('/');
  let project = defaultProject;
  if (parts[0] === 'projects') {
    project = parts[1] ?? '';
    parts.splice(0, 2);
  }
  const [where, ...rest] = parts;
  let scope: Scope;
  if (where === 'global') {
    scope = GLOBAL;
  } else if ((where === 'regions' || where === 'zones') && rest.length > 0) {
    const place = rest.shift() ?? '';
    scope = where === 'regions' ? { kind: 'region', region: place } : { kind: 'zone', zone: place };
  } else {
    return undefined;
  }
  const [collection, name, ...extra] = rest;
  if (!project || !collection || !name || extra.length > 0) return undefined;
  return { project, scope, collection, name };
}

/** `projects/P/…` from a full resource URL, as GCE's messages name the resource. */
export function relativeOf(link: string): string {
  return link.replace(/^https:\/\/[^/]+\/compute\/[a-z0-9]+\//, '');
}

/** The last path segment of a URL, which is how GCE's own tools shorten a resource URL. */
export function lastSegment(link: string): string {
  return link.slice(link.lastIndexOf('/') + 1);
}
