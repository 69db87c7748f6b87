/** `global/instanceTemplates`: immutable; insert, get, list, delete (refused while a group uses it). */
import { isObject, type JsonObject } from '../../kubernetes/json';
import type { CollectionApi } from '../api';
import { alreadyExists, requiredField, resourceInUse } from '../errors';
import { GLOBAL, parseReference, relativeName, relativeOf, selfLink } from '../links';
import { timestamp } from '../store';
import { checkLabels, requireName } from '../validation';
import { listPage, ok, operation, pathName, requireBody, requireResource, withoutServerFields } from './common';

const COLLECTION = 'instanceTemplates';

/** Template URLs a managed instance group refers to (its template and its versions'). */
export function templatesOf(group: JsonObject): string[] {
  const links = typeof group.instanceTemplate === 'string' ? [group.instanceTemplate] : [];
  for (const version of Array.isArray(group.versions) ? group.versions : []) {
    if (isObject(version) && typeof version.instanceTemplate === 'string') links.push(version.instanceTemplate);
  }
  return links;
}

export const instanceTemplates: CollectionApi = {
  list: (context, request) => listPage(request, context, 'compute#instanceTemplateList', context.store.list(COLLECTION, GLOBAL)),

  get: (context, request) => ok(requireResource(context, COLLECTION, GLOBAL, pathName(request))),

  insert: (context, request) => {
    const body = requireBody(request);
    const name = requireName(body.name);
    if (!isObject(body.properties)) throw requiredField('resource.properties');
    if (typeof body.properties.machineType !== 'string' || body.properties.machineType === '') throw requiredField('resource.properties.machineType');
    checkLabels(body.properties.labels, 'resource.properties.labels');
    if (context.store.has(COLLECTION, GLOBAL, name)) throw alreadyExists(relativeName(context.project, GLOBAL, COLLECTION, name));
    const link = selfLink(context.project, GLOBAL, COLLECTION, name);
    const template: JsonObject = {
      ...withoutServerFields(body),
      kind: 'compute#instanceTemplate',
      id: context.store.newId(),
      creationTimestamp: timestamp(),
      name,
      selfLink: link,
    };
    context.store.put(COLLECTION, GLOBAL, template);
    return operation(context, request, { scope: GLOBAL, operationType: 'compute.instanceTemplates.insert', targetLink: link, targetId: String(template.id) });
  },

  delete: (context, request) => {
    const name = pathName(request);
    const template = requireResource(context, COLLECTION, GLOBAL, name);
    const what = relativeName(context.project, GLOBAL, COLLECTION, name);
    const user = context.store.list('instanceGroupManagers').find((group) =>
      templatesOf(group).some((link) => {
        const reference = parseReference(link, context.project);
        return reference?.collection === COLLECTION && reference.name === name && reference.project === context.project;
      }));
    if (user) throw resourceInUse('instance_template', what, relativeOf(String(user.selfLink)));
    context.store.remove(COLLECTION, GLOBAL, name);
    return operation(context, request, { scope: GLOBAL, operationType: 'compute.instanceTemplates.delete', targetLink: String(template.selfLink), targetId: String(template.id) });
  },
};
