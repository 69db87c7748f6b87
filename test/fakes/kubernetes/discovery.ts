/**
 * Discovery documents (the legacy, non-aggregated format), which is how kubectl maps
 * `deploy`/`svc`/`po` to REST paths and finds the Scale subresource's group and version.
 * Aggregated discovery (`Accept: ...;as=APIGroupDiscoveryList`) is answered with these plain
 * documents and `Content-Type: application/json`, which tells clients to fall back.
 */
import type { JsonObject } from './json';
import { apiGroups, RESOURCES, type ResourceType } from './resources';

export const SERVER_VERSION: JsonObject = {
  major: '1',
  minor: '32',
  gitVersion: 'v1.32.0-gantry-fake',
  gitCommit: '0000000000000000000000000000000000000000',
  gitTreeState: 'clean',
  buildDate: '2025-01-01T00:00:00Z',
  goVersion: 'go1.23.4',
  compiler: 'gc',
  platform: 'linux/amd64',
};

export function apiVersions(host: string): JsonObject {
  return { kind: 'APIVersions', versions: ['v1'], serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress: host }] };
}

export function apiGroupList(): JsonObject {
  return {
    kind: 'APIGroupList',
    apiVersion: 'v1',
    groups: apiGroups().map(({ name, version }) => {
      const groupVersion = { groupVersion: `${name}/${version}`, version };
      return { name, versions: [groupVersion], preferredVersion: groupVersion };
    }),
  };
}

export function apiGroup(group: string): JsonObject | undefined {
  const found = apiGroups().find((g) => g.name === group);
  if (!found) return undefined;
  const groupVersion = { groupVersion: `${found.name}/${found.version}`, version: found.version };
  return { kind: 'APIGroup', apiVersion: 'v1', name: found.name, versions: [groupVersion], preferredVersion: groupVersion };
}

function entries(resource: ResourceType): JsonObject[] {
  const main: JsonObject = {
    name: resource.name,
    singularName: resource.singular,
    namespaced: resource.namespaced,
    kind: resource.kind,
    verbs: [...resource.verbs],
  };
  if (resource.shortNames.length > 0) main.shortNames = [...resource.shortNames];
  if (resource.categories.length > 0) main.categories = [...resource.categories];
  const result = [main];
  if (resource.subresources.status) {
    result.push({ name: `${resource.name}/status`, singularName: '', namespaced: resource.namespaced, kind: resource.kind, verbs: ['get', 'patch', 'update'] });
  }
  if (resource.subresources.scale) {
    // group/version name the Scale kind: kubectl's scale client reads them to build its request.
    result.push({ name: `${resource.name}/scale`, singularName: '', namespaced: resource.namespaced, group: 'autoscaling', version: 'v1', kind: 'Scale', verbs: ['get', 'patch', 'update'] });
  }
  return result;
}

/** The APIResourceList for `v1` (core) or `group/version`, or undefined if not served. */
export function apiResourceList(group: string, version: string): JsonObject | undefined {
  const resources = RESOURCES.filter((r) => r.group === group && r.version === version);
  if (resources.length === 0) return undefined;
  return {
    kind: 'APIResourceList',
    apiVersion: 'v1',
    groupVersion: group ? `${group}/${version}` : version,
    resources: resources.flatMap(entries),
  };
}
