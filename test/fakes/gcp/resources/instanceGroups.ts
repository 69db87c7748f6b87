/**
 * `regions/R/instanceGroups`: the instance groups managed groups create (get, list,
 * `listInstances`, `setNamedPorts`). `size` counts the group's instances not being deleted.
 */
import { isObject, type JsonObject } from '../../kubernetes/json';
import type { CollectionApi, FakeContext } from '../api';
import { conditionNotMet, invalidField } from '../errors';
import type { Scope } from '../links';
import { newFingerprint } from '../store';
import { listPage, ok, operation, pathName, requireBody, requireResource } from './common';

const COLLECTION = 'instanceGroups';
const INSTANCE_STATES = ['ALL', 'RUNNING'];

function view(context: FakeContext, scope: Scope, group: JsonObject): JsonObject {
  const instances = context.controller.instancesOfGroupLink(scope, String(group.name)) ?? [];
  return { ...group, size: instances.filter((instance) => instance.deletingAt === undefined).length };
}

export const instanceGroups: CollectionApi = {
  list: (context, request) =>
    listPage(request, context, 'compute#regionInstanceGroupList', context.store.list(COLLECTION, request.scope).map((group) => view(context, request.scope, group))),

  get: (context, request) => ok(view(context, request.scope, requireResource(context, COLLECTION, request.scope, pathName(request)))),

  verbs: {
    listInstances: {
      method: 'POST',
      handle: (context, request) => {
        const group = requireResource(context, COLLECTION, request.scope, pathName(request));
        const state = request.body?.instanceState ?? 'ALL';
        if (typeof state !== 'string' || !INSTANCE_STATES.includes(state)) {
          throw invalidField('instanceState', String(state), `Must be one of ${INSTANCE_STATES.join(', ')}.`);
        }
        const now = Date.now();
        const items = (context.controller.instancesOfGroupLink(request.scope, String(group.name)) ?? [])
          .map((instance) => ({ instance: context.controller.instanceLink(instance), status: context.controller.phase(instance, now).instanceStatus, namedPorts: group.namedPorts ?? [] }))
          .filter((item) => state === 'ALL' || item.status === 'RUNNING');
        return listPage(request, context, 'compute#regionInstanceGroupsListInstances', items);
      },
    },
    setNamedPorts: {
      method: 'POST',
      handle: (context, request) => {
        const group = requireResource(context, COLLECTION, request.scope, pathName(request));
        const body = requireBody(request);
        if (body.fingerprint !== undefined && body.fingerprint !== group.fingerprint) throw conditionNotMet();
        const namedPorts = Array.isArray(body.namedPorts) ? body.namedPorts.filter(isObject) : [];
        context.store.put(COLLECTION, request.scope, { ...group, namedPorts, fingerprint: newFingerprint() });
        const manager = context.store.get('instanceGroupManagers', request.scope, String(group.name));
        if (manager) context.store.put('instanceGroupManagers', request.scope, { ...manager, namedPorts });
        return operation(context, request, { scope: request.scope, operationType: 'compute.regionInstanceGroups.setNamedPorts', targetLink: String(group.selfLink), targetId: String(group.id) });
      },
    },
  },
};
