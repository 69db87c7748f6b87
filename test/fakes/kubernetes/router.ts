/** Maps a request path onto a discovery document or a resource, collection or subresource. */
import { apiGroup, apiGroupList, apiResourceList, apiVersions, SERVER_VERSION } from './discovery';
import type { JsonObject } from './json';
import { findResource, type ResourceType } from './resources';
import { methodNotAllowed, notFound, unknownPath } from './status';

export type Route =
  | { kind: 'document'; body: JsonObject }
  | { kind: 'health' }
  | {
    kind: 'resource';
    resource: ResourceType;
    namespace: string | undefined;
    name: string | undefined;
    subresource: 'status' | 'scale' | 'log' | undefined;
  };

function resourceRoute(group: string, version: string, rest: string[]): Route {
  const [first, second, third, fourth, fifth, ...extra] = rest;
  if (first === undefined || extra.length > 0) throw unknownPath();
  // `namespaces/<ns>/<plural>...` addresses a namespaced resource; `namespaces/<name>` the namespace itself.
  if (first === 'namespaces' && second !== undefined && third !== undefined && !(group === '' && ['status', 'finalize'].includes(third))) {
    const resource = findResource(group, version, third);
    if (!resource || !resource.namespaced) throw unknownPath();
    return withSubresource(resource, second, fourth, fifth);
  }
  const resource = findResource(group, version, first);
  if (!resource) throw unknownPath();
  if (resource.namespaced && second !== undefined) throw unknownPath();
  return withSubresource(resource, undefined, second, third);
}

function withSubresource(resource: ResourceType, namespace: string | undefined, name: string | undefined, sub: string | undefined): Route {
  // A pod's `log` is what `kubectl logs` reads (text, not JSON; served by server.ts).
  if (sub === 'log' && resource.name === 'pods' && name !== undefined) return { kind: 'resource', resource, namespace, name, subresource: sub };
  if (sub !== undefined && sub !== 'status' && sub !== 'scale') throw notFound(resource, name ?? '');
  if (sub === 'scale' && !resource.subresources.scale) throw notFound(resource, name ?? '');
  return { kind: 'resource', resource, namespace, name, subresource: sub };
}

/** `serverAddress` is host:port as clients reach us, for the APIVersions document. */
export function route(method: string, path: string, query: URLSearchParams, serverAddress: string): Route {
  const segments = path.split('/').filter((s) => s !== '').map(decodeURIComponent);
  const [root, a, b, ...rest] = segments;
  if (['healthz', 'readyz', 'livez'].includes(root ?? '')) return { kind: 'health' };
  const document = (body: JsonObject | undefined): Route => {
    if (!body) throw unknownPath();
    if (method !== 'GET') throw methodNotAllowed(`${method} ${path}`);
    return { kind: 'document', body };
  };
  if (root === 'version' && a === undefined) return document(SERVER_VERSION);
  // Watches need a streaming protocol this fake does not speak; say so instead of hanging.
  if (a === 'watch' || b === 'watch' || (root === 'apis' && rest[0] === 'watch') || ['true', '1'].includes(query.get('watch') ?? '')) {
    throw methodNotAllowed('watch is not supported by the fake Kubernetes API server');
  }
  if (root === 'api') {
    if (a === undefined) return document(apiVersions(serverAddress));
    if (b === undefined) return document(apiResourceList('', a));
    return resourceRoute('', a, [b, ...rest]);
  }
  if (root === 'apis') {
    if (a === undefined) return document(apiGroupList());
    if (b === undefined) return document(apiGroup(a));
    if (rest.length === 0) return document(apiResourceList(a, b));
    return resourceRoute(a, b, rest);
  }
  // Includes /openapi/v2 and /openapi/v3: kubectl copes without them for what Gantry does.
  throw unknownPath();
}
