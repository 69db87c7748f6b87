/**
 * Maps `/compute/v1/projects/{project}/(global|regions/{region}|zones/{zone})/{collection}[/{name}[/{verb}]]`
 * onto a collection's method, as the REST rules of the Compute API define them.
 */
import type { CollectionApi, Handler } from './api';
import { notFound, unknownPath } from './errors';
import { GLOBAL, type Scope } from './links';
import { backendServices } from './resources/backendServices';
import { urlMaps } from './resources/urlMaps';
import { disks } from './resources/disks';
import { healthChecks } from './resources/healthChecks';
import { images } from './resources/images';
import { instanceGroupManagers } from './resources/instanceGroupManagers';
import { instanceGroups } from './resources/instanceGroups';
import { instances } from './resources/instances';
import { instanceTemplates } from './resources/instanceTemplates';
import { operations } from './resources/operations';
import { checkPathName } from './validation';

const GLOBAL_COLLECTIONS: Record<string, CollectionApi> = { instanceTemplates, images, backendServices, healthChecks, urlMaps, operations };
const REGIONAL_COLLECTIONS: Record<string, CollectionApi> = { instanceGroupManagers, instanceGroups, backendServices, urlMaps, operations };
const ZONAL_COLLECTIONS: Record<string, CollectionApi> = { instances, disks, operations };
const PREFIX = ['compute', 'v1', 'projects'];
const REGION = /^[a-z]+(-[a-z]+)+\d+$/;
/** A zone is its region's name and a letter: `us-central1-a`. */
const ZONE = /^[a-z]+(-[a-z]+)+\d+-[a-z]$/;

export interface Route {
  project: string;
  scope: Scope;
  collection: string;
  name: string | undefined;
  handler: Handler;
}

function methodFor(api: CollectionApi, method: string, hasName: boolean): Handler | undefined {
  if (!hasName) return method === 'GET' ? api.list : method === 'POST' ? api.insert : undefined;
  switch (method) {
    case 'GET':
      return api.get;
    case 'DELETE':
      return api.delete;
    case 'PATCH':
      return api.patch;
    case 'PUT':
      return api.update;
    default:
      return undefined;
  }
}

export function route(method: string, path: string, project: string): Route {
  const segments = path.split('/').filter((s) => s !== '').map(decodeURIComponent);
  if (!PREFIX.every((part, i) => segments[i] === part)) throw unknownPath(method, path);
  const [pathProject, where, ...rest] = segments.slice(PREFIX.length);
  if (pathProject === undefined) throw unknownPath(method, path);
  if (pathProject !== project) throw notFound(`projects/${pathProject}`);
  let scope: Scope;
  let collections: Record<string, CollectionApi>;
  if (where === 'global') {
    scope = GLOBAL;
    collections = GLOBAL_COLLECTIONS;
  } else if (where === 'regions' && rest[0] !== undefined) {
    const region = rest.shift() ?? '';
    if (!REGION.test(region)) throw notFound(`projects/${project}/regions/${region}`);
    scope = { kind: 'region', region };
    collections = REGIONAL_COLLECTIONS;
  } else if (where === 'zones' && rest[0] !== undefined) {
    const zone = rest.shift() ?? '';
    if (!ZONE.test(zone)) throw notFound(`projects/${project}/zones/${zone}`);
    scope = { kind: 'zone', zone };
    collections = ZONAL_COLLECTIONS;
  } else {
    throw unknownPath(method, path);
  }
  const [collection, name, verb, ...extra] = rest;
  const api = collection === undefined ? undefined : collections[collection];
  if (api === undefined || collection === undefined || extra.length > 0) throw unknownPath(method, path);
  const base = { project, scope, collection };
  const collectionVerb = name === undefined ? undefined : api.collectionVerbs?.[name];
  if (collectionVerb && verb !== undefined && collectionVerb.method === method) return { ...base, name: verb, handler: collectionVerb.handle };
  if (name !== undefined) checkPathName(name, 'resourceId');
  if (verb !== undefined) {
    const custom = api.verbs?.[verb];
    if (!custom || custom.method !== method) throw unknownPath(method, path);
    return { ...base, name, handler: custom.handle };
  }
  const handler = methodFor(api, method, name !== undefined);
  if (!handler) throw unknownPath(method, path);
  return { ...base, name, handler };
}
