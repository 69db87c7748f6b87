/** `global/healthChecks`: insert, get, list, delete (refused while a backend service uses it). */
import type { JsonObject } from '../../kubernetes/json';
import type { CollectionApi } from '../api';
import { alreadyExists, invalidField, resourceInUse } from '../errors';
import { GLOBAL, parseReference, relativeName, relativeOf, selfLink } from '../links';
import { timestamp } from '../store';
import { requireName } from '../validation';
import { listPage, ok, operation, pathName, requireBody, requireResource, withoutServerFields } from './common';

const COLLECTION = 'healthChecks';
const TYPES = ['TCP', 'SSL', 'HTTP', 'HTTPS', 'HTTP2', 'GRPC'];

export const healthChecks: CollectionApi = {
  list: (context, request) => listPage(request, context, 'compute#healthCheckList', context.store.list(COLLECTION, GLOBAL)),

  get: (context, request) => ok(requireResource(context, COLLECTION, GLOBAL, pathName(request))),

  insert: (context, request) => {
    const body = requireBody(request);
    const name = requireName(body.name);
    const type = body.type ?? 'TCP';
    if (typeof type !== 'string' || !TYPES.includes(type)) throw invalidField('resource.type', String(type), `Must be one of ${TYPES.join(', ')}.`);
    if (context.store.has(COLLECTION, GLOBAL, name)) throw alreadyExists(relativeName(context.project, GLOBAL, COLLECTION, name));
    const check: JsonObject = {
      checkIntervalSec: 5,
      timeoutSec: 5,
      healthyThreshold: 2,
      unhealthyThreshold: 2,
      ...withoutServerFields(body),
      kind: 'compute#healthCheck',
      id: context.store.newId(),
      creationTimestamp: timestamp(),
      name,
      type,
      selfLink: selfLink(context.project, GLOBAL, COLLECTION, name),
    };
    context.store.put(COLLECTION, GLOBAL, check);
    return operation(context, request, { scope: GLOBAL, operationType: 'insert', targetLink: String(check.selfLink), targetId: String(check.id) });
  },

  delete: (context, request) => {
    const name = pathName(request);
    const check = requireResource(context, COLLECTION, GLOBAL, name);
    const user = context.store.list('backendServices').find((service) =>
      (Array.isArray(service.healthChecks) ? service.healthChecks : []).some((link) => {
        const reference = typeof link === 'string' ? parseReference(link, context.project) : undefined;
        return reference?.collection === COLLECTION && reference.scope.kind === 'global' && reference.name === name;
      }));
    if (user) throw resourceInUse('health_check', relativeName(context.project, GLOBAL, COLLECTION, name), relativeOf(String(user.selfLink)));
    context.store.remove(COLLECTION, GLOBAL, name);
    return operation(context, request, { scope: GLOBAL, operationType: 'delete', targetLink: String(check.selfLink), targetId: String(check.id) });
  },
};
