/**
 * `global/backendServices` and `regions/R/backendServices`: insert, get, list, delete, patch,
 * update (both check `fingerprint` when sent: 412 conditionNotMet on a stale one), and
 * `getHealth` for one backend group: an instance is HEALTHY once RUNNING and verified healthy by
 * the controller, UNHEALTHY before that or while failing.
 */
import { isObject, type Json, type JsonObject } from '../../kubernetes/json';
import type { ApiRequest, ApiResponse, CollectionApi, FakeContext } from '../api';
import { alreadyExists, badRequest, conditionNotMet, invalidField, notFound, resourceInUse } from '../errors';
import { regionLink, relativeName, relativeOf, scopePath, selfLink, type Scope } from '../links';
import { newFingerprint, timestamp } from '../store';
import { requireName } from '../validation';
import { listPage, ok, operation, pathName, requireBody, requireReference, requireResource, withoutServerFields } from './common';

const COLLECTION = 'backendServices';
const BALANCING_MODES = ['UTILIZATION', 'RATE', 'CONNECTION', 'CUSTOM_METRICS'];

function groupKey(scope: Scope, name: string): string {
  return `${scopePath(scope)}/${name}`;
}

/** Checks and normalizes `backends`: each group must be an existing instance group, once. */
function normalizeBackends(context: FakeContext, value: Json | undefined): JsonObject[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) throw invalidField('resource.backends', JSON.stringify(value), 'Must be a list of backends.');
  const seen = new Set<string>();
  return value.map((backend, index) => {
    const field = `resource.backends[${index}]`;
    if (!isObject(backend)) throw invalidField(field, JSON.stringify(backend), 'Must be a backend object.');
    const reference = requireReference(context, backend.group, 'instanceGroups', `${field}.group`);
    if (reference.project !== context.project || !context.store.has('instanceGroups', reference.scope, reference.name)) {
      throw notFound(relativeName(reference.project, reference.scope, 'instanceGroups', reference.name));
    }
    const key = groupKey(reference.scope, reference.name);
    if (seen.has(key)) throw invalidField(`${field}.group`, String(backend.group), 'Duplicate backend group.');
    seen.add(key);
    const balancingMode = backend.balancingMode ?? 'UTILIZATION';
    if (typeof balancingMode !== 'string' || !BALANCING_MODES.includes(balancingMode)) {
      throw invalidField(`${field}.balancingMode`, String(balancingMode), `Must be one of ${BALANCING_MODES.join(', ')}.`);
    }
    const capacityScaler = backend.capacityScaler ?? 1;
    if (typeof capacityScaler !== 'number' || !(capacityScaler === 0 || (capacityScaler >= 0.1 && capacityScaler <= 1))) {
      throw invalidField(`${field}.capacityScaler`, String(capacityScaler), 'Must be 0 or between 0.1 and 1.0.');
    }
    const normalized: JsonObject = {
      ...backend,
      group: selfLink(reference.project, reference.scope, 'instanceGroups', reference.name),
      balancingMode,
      capacityScaler,
    };
    if (balancingMode === 'UTILIZATION') normalized.maxUtilization = backend.maxUtilization ?? 0.8;
    return normalized;
  });
}

function checkFingerprint(current: JsonObject, body: JsonObject): void {
  if (body.fingerprint !== undefined && body.fingerprint !== current.fingerprint) {
    throw conditionNotMet('Invalid fingerprint.');
  }
}

/** The writable fields of `body` on top of `base`, with the server's fields and checks applied. */
function write(context: FakeContext, request: ApiRequest, base: JsonObject, body: JsonObject, operationType: string): ApiResponse {
  const updated: JsonObject = {
    ...base,
    ...withoutServerFields(body),
    name: base.name ?? null,
    backends: normalizeBackends(context, body.backends ?? base.backends),
    fingerprint: newFingerprint(),
  };
  context.store.put(COLLECTION, request.scope, updated);
  return operation(context, request, { scope: request.scope, operationType, targetLink: String(updated.selfLink), targetId: String(updated.id) });
}

export const backendServices: CollectionApi = {
  list: (context, request) => listPage(request, context, 'compute#backendServiceList', context.store.list(COLLECTION, request.scope)),

  get: (context, request) => ok(requireResource(context, COLLECTION, request.scope, pathName(request))),

  insert: (context, request) => {
    const body = requireBody(request);
    const name = requireName(body.name);
    if (context.store.has(COLLECTION, request.scope, name)) throw alreadyExists(relativeName(context.project, request.scope, COLLECTION, name));
    const base: JsonObject = {
      kind: 'compute#backendService',
      id: context.store.newId(),
      creationTimestamp: timestamp(),
      name,
      protocol: 'HTTP',
      port: 80,
      portName: 'http',
      timeoutSec: 30,
      loadBalancingScheme: 'EXTERNAL',
      sessionAffinity: 'NONE',
      connectionDraining: { drainingTimeoutSec: 300 },
      selfLink: selfLink(context.project, request.scope, COLLECTION, name),
    };
    if (request.scope.kind === 'region') base.region = regionLink(context.project, request.scope.region);
    return write(context, request, base, body, 'insert');
  },

  update: (context, request) => {
    const current = requireResource(context, COLLECTION, request.scope, pathName(request));
    const body = requireBody(request);
    checkFingerprint(current, body);
    if (body.name !== undefined && body.name !== current.name) throw invalidField('resource.name', String(body.name), 'The name of a backend service cannot be changed.');
    const keep: JsonObject = {};
    for (const field of ['kind', 'id', 'creationTimestamp', 'name', 'selfLink', 'region']) if (current[field] !== undefined) keep[field] = current[field] ?? null;
    return write(context, request, keep, { backends: [], ...body }, 'update');
  },

  patch: (context, request) => {
    const current = requireResource(context, COLLECTION, request.scope, pathName(request));
    const body = requireBody(request);
    checkFingerprint(current, body);
    if (body.name !== undefined && body.name !== current.name) throw invalidField('resource.name', String(body.name), 'The name of a backend service cannot be changed.');
    return write(context, request, current, body, 'patch');
  },

  delete: (context, request) => {
    const current = requireResource(context, COLLECTION, request.scope, pathName(request));
    // A URL map that sends requests to the service keeps it (its default, a path matcher's, a route rule's).
    const link = String(current.selfLink);
    const user = context.store.list('urlMaps', request.scope).find((map) => JSON.stringify(map).includes(JSON.stringify(link)));
    if (user) throw resourceInUse('backend_service', relativeOf(link), relativeOf(String(user.selfLink)));
    context.store.remove(COLLECTION, request.scope, pathName(request));
    return operation(context, request, { scope: request.scope, operationType: 'delete', targetLink: String(current.selfLink), targetId: String(current.id) });
  },

  verbs: {
    getHealth: {
      method: 'POST',
      handle: (context, request) => {
        const service = requireResource(context, COLLECTION, request.scope, pathName(request));
        const body = requireBody(request);
        const reference = requireReference(context, body.group, 'instanceGroups', 'resource.group');
        const isBackend = (Array.isArray(service.backends) ? service.backends : []).some((backend) => {
          const group = isObject(backend) && typeof backend.group === 'string' ? backend.group : '';
          return group === selfLink(reference.project, reference.scope, 'instanceGroups', reference.name);
        });
        if (!isBackend) throw badRequest(`Instance group '${String(body.group)}' is not a backend of backend service '${String(service.name)}'.`);
        const instances = context.controller.instancesOfGroupLink(reference.scope, reference.name) ?? [];
        const healthStatus = instances.filter((instance) => instance.deletingAt === undefined).map((instance) => {
          const running = context.controller.phase(instance).instanceStatus === 'RUNNING';
          return {
            instance: context.controller.instanceLink(instance),
            ipAddress: instance.ipAddress,
            port: typeof service.port === 'number' ? service.port : 80,
            healthState: running && instance.healthy ? 'HEALTHY' : 'UNHEALTHY',
          };
        });
        const answer: JsonObject = { kind: 'compute#backendServiceGroupHealth' };
        // GCE leaves `healthStatus` out when the group has no instances.
        if (healthStatus.length > 0) answer.healthStatus = healthStatus;
        return ok(answer);
      },
    },
  },
};
