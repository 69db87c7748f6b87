/**
 * `regions/R/instanceGroupManagers` (regional managed instance groups): insert, get, list, delete
 * (done once its instances are gone; refused while its instance group is a backend), patch,
 * `resize?size=N`, `listManagedInstances`, `recreateInstances`, `setInstanceTemplate`. Inserting one also creates its
 * regional instance group of the same name; the controller keeps `targetSize` instances.
 */
import { isObject, numberAt, type Json, type JsonObject } from '../../kubernetes/json';
import type { ApiRequest, ApiResponse, CollectionApi, FakeContext } from '../api';
import { alreadyExists, conditionNotMet, invalidField, notFound, requiredField, resourceInUse, type GcpError } from '../errors';
import { groupZones } from '../controller';
import { lastSegment, regionLink, relativeName, relativeOf, selfLink, zoneLink, type Scope } from '../links';
import { newFingerprint, timestamp } from '../store';
import { requireCount, requireName } from '../validation';
import { listPage, ok, operation, pathName, requireBody, requireReference, requireResource } from './common';

const COLLECTION = 'instanceGroupManagers';
const BASE_INSTANCE_NAME = /^[a-z]([-a-z0-9]{0,57})$/;
const PATCHABLE = ['description', 'targetSize', 'instanceTemplate', 'versions', 'namedPorts', 'autoHealingPolicies', 'updatePolicy', 'instanceLifecyclePolicy'];

function regionOf(scope: Scope): string {
  return scope.kind === 'region' ? scope.region : '';
}

/** The template a group's new instances use: `instanceTemplate`, else its first version's. */
function templateField(body: JsonObject): { value: Json | undefined; field: string } {
  if (body.instanceTemplate !== undefined) return { value: body.instanceTemplate, field: 'resource.instanceTemplate' };
  const first = Array.isArray(body.versions) ? body.versions[0] : undefined;
  return { value: isObject(first) ? first.instanceTemplate : undefined, field: 'resource.versions[0].instanceTemplate' };
}

/** The normalized template URL, or the error its operation fails with when the template is missing. */
function resolveTemplate(context: FakeContext, value: Json | undefined, field: string): { link: string; missing: GcpError | undefined } {
  const reference = requireReference(context, value, 'instanceTemplates', field);
  const link = selfLink(reference.project, reference.scope, 'instanceTemplates', reference.name);
  const exists = reference.project === context.project && context.store.has('instanceTemplates', reference.scope, reference.name);
  return { link, missing: exists ? undefined : notFound(relativeName(reference.project, reference.scope, 'instanceTemplates', reference.name)) };
}

function checkZones(context: FakeContext, body: JsonObject, region: string): JsonObject | undefined {
  const policy = body.distributionPolicy;
  if (policy === undefined || policy === null) return undefined;
  if (!isObject(policy)) throw invalidField('resource.distributionPolicy', JSON.stringify(policy), 'Must be an object.');
  const zones = Array.isArray(policy.zones) ? policy.zones : [];
  return {
    ...policy,
    targetShape: policy.targetShape ?? 'EVEN',
    zones: zones.map((entry, index) => {
      const zone = isObject(entry) && typeof entry.zone === 'string' ? entry.zone : '';
      const name = lastSegment(zone);
      if (!name.startsWith(`${region}-`)) {
        throw invalidField(`resource.distributionPolicy.zones[${index}].zone`, zone, `Zone must be in region ${region}.`);
      }
      return { zone: zoneLink(context.project, name) };
    }),
  };
}

/** The stored group with what the controller knows now: actions, stability, target reached. */
export function groupView(context: FakeContext, stored: JsonObject): JsonObject {
  const region = lastSegment(String(stored.region ?? ''));
  const name = String(stored.name);
  const actions = context.controller.currentActions(region, name);
  const instances = context.controller.instances(region, name);
  const settled = instances.length === (numberAt(stored, 'targetSize') ?? 0) && instances.length === (actions.none ?? 0);
  const onTemplate = instances.every((instance) => instance.instanceTemplate === stored.instanceTemplate);
  return {
    ...stored,
    currentActions: actions,
    status: {
      isStable: settled,
      allInstancesConfig: { effective: true },
      versionTarget: { isReached: onTemplate },
      stateful: { hasStatefulConfig: false, perInstanceConfigs: { allEffective: true } },
    },
  };
}

function groupUser(context: FakeContext, groupLink: string): JsonObject | undefined {
  return context.store.list('backendServices').find((service) =>
    (Array.isArray(service.backends) ? service.backends : []).some((backend) => isObject(backend) && backend.group === groupLink));
}

/** Stores a change to a group (new fingerprint) and answers with its operation. */
function change(context: FakeContext, request: ApiRequest, group: JsonObject, operationType: string, failure?: GcpError): ApiResponse {
  if (!failure) context.store.put(COLLECTION, request.scope, { ...group, fingerprint: newFingerprint() });
  return operation(context, request, { scope: request.scope, operationType, targetLink: String(group.selfLink), targetId: String(group.id), failure });
}

export function managedInstances(context: FakeContext, region: string, group: JsonObject): JsonObject[] {
  const now = Date.now();
  return context.controller.instances(region, String(group.name)).map((instance) => {
    const phase = context.controller.phase(instance, now);
    return {
      instance: context.controller.instanceLink(instance),
      id: instance.id,
      name: instance.name,
      instanceStatus: phase.instanceStatus,
      currentAction: phase.currentAction,
      version: { instanceTemplate: instance.instanceTemplate },
    };
  });
}

export const instanceGroupManagers: CollectionApi = {
  list: (context, request) =>
    listPage(request, context, 'compute#regionInstanceGroupManagerList', context.store.list(COLLECTION, request.scope).map((group) => groupView(context, group))),

  get: (context, request) => ok(groupView(context, requireResource(context, COLLECTION, request.scope, pathName(request)))),

  insert: (context, request) => {
    const body = requireBody(request);
    const region = regionOf(request.scope);
    const name = requireName(body.name);
    const baseInstanceName = body.baseInstanceName;
    if (baseInstanceName === undefined || baseInstanceName === '') throw requiredField('resource.baseInstanceName');
    if (typeof baseInstanceName !== 'string' || !BASE_INSTANCE_NAME.test(baseInstanceName)) {
      throw invalidField('resource.baseInstanceName', String(baseInstanceName), "Must be a match of regex '[a-z]([-a-z0-9]{0,57})'");
    }
    const template = templateField(body);
    if (template.value === undefined || template.value === '') throw requiredField('resource.instanceTemplate');
    const { link: templateLink, missing } = resolveTemplate(context, template.value, template.field);
    const targetSize = requireCount(body.targetSize, 'resource.targetSize');
    const distributionPolicy = checkZones(context, body, region) ?? {
      targetShape: 'EVEN',
      zones: groupZones({}, region).map((zone) => ({ zone: zoneLink(context.project, zone) })),
    };
    if (context.store.has(COLLECTION, request.scope, name)) throw alreadyExists(relativeName(context.project, request.scope, COLLECTION, name));
    const link = selfLink(context.project, request.scope, COLLECTION, name);
    if (missing) return operation(context, request, { scope: request.scope, operationType: 'compute.regionInstanceGroupManagers.insert', targetLink: link, failure: missing });

    const groupLink = selfLink(context.project, request.scope, 'instanceGroups', name);
    const created = timestamp();
    const group: JsonObject = {
      kind: 'compute#instanceGroupManager',
      id: context.store.newId(),
      creationTimestamp: created,
      name,
      region: regionLink(context.project, region),
      distributionPolicy,
      instanceTemplate: templateLink,
      versions: [{ instanceTemplate: templateLink }],
      instanceGroup: groupLink,
      baseInstanceName,
      targetSize,
      fingerprint: newFingerprint(),
      updatePolicy: { type: 'OPPORTUNISTIC', instanceRedistributionType: 'PROACTIVE', minimalAction: 'REPLACE', replacementMethod: 'SUBSTITUTE' },
      listManagedInstancesResults: 'PAGELESS',
      selfLink: link,
    };
    for (const field of ['description', 'namedPorts', 'autoHealingPolicies', 'instanceLifecyclePolicy']) if (body[field] !== undefined) group[field] = body[field] ?? null;
    context.store.put(COLLECTION, request.scope, group);
    const instanceGroup: JsonObject = {
      kind: 'compute#instanceGroup',
      id: context.store.newId(),
      creationTimestamp: created,
      name,
      description: `This instance group is controlled by Regional Instance Group Manager '${name}'. To modify instances in this group, use the Regional Instance Group Manager API: https://cloud.google.com/compute/docs/reference/latest/regionInstanceGroupManagers`,
      fingerprint: newFingerprint(),
      region: group.region ?? null,
      selfLink: groupLink,
    };
    if (body.namedPorts !== undefined) instanceGroup.namedPorts = body.namedPorts ?? null;
    context.store.put('instanceGroups', request.scope, instanceGroup);
    context.controller.reconcile();
    return operation(context, request, { scope: request.scope, operationType: 'compute.regionInstanceGroupManagers.insert', targetLink: link, targetId: String(group.id) });
  },

  delete: (context, request) => {
    const region = regionOf(request.scope);
    const name = pathName(request);
    const group = requireResource(context, COLLECTION, request.scope, name);
    const user = groupUser(context, String(group.instanceGroup));
    if (user) throw resourceInUse('instance_group', relativeOf(String(group.instanceGroup)), relativeOf(String(user.selfLink)));
    context.controller.deleteGroup(region, name);
    return operation(context, request, {
      scope: request.scope,
      operationType: 'compute.regionInstanceGroupManagers.delete',
      targetLink: String(group.selfLink),
      targetId: String(group.id),
      until: () => context.controller.isGone(region, name),
    });
  },

  patch: (context, request) => {
    const group = requireResource(context, COLLECTION, request.scope, pathName(request));
    const body = requireBody(request);
    if (body.fingerprint !== undefined && body.fingerprint !== group.fingerprint) throw conditionNotMet();
    for (const field of ['name', 'baseInstanceName', 'region']) {
      if (body[field] !== undefined && body[field] !== group[field]) throw invalidField(`resource.${field}`, String(body[field]), 'This field cannot be changed.');
    }
    const updated: JsonObject = { ...group };
    for (const field of PATCHABLE) if (body[field] !== undefined) updated[field] = body[field] ?? null;
    if (body.targetSize !== undefined) updated.targetSize = requireCount(body.targetSize, 'resource.targetSize');
    let failure: GcpError | undefined;
    if (body.instanceTemplate !== undefined || body.versions !== undefined) {
      const template = templateField(body);
      const resolved = resolveTemplate(context, template.value, template.field);
      failure = resolved.missing;
      updated.instanceTemplate = resolved.link;
      updated.versions = [{ instanceTemplate: resolved.link }];
    }
    return change(context, request, updated, 'compute.regionInstanceGroupManagers.patch', failure);
  },

  verbs: {
    resize: {
      method: 'POST',
      handle: (context, request) => {
        const group = requireResource(context, COLLECTION, request.scope, pathName(request));
        const size = requireCount(request.query.get('size') ?? undefined, 'size');
        return change(context, request, { ...group, targetSize: size }, 'compute.regionInstanceGroupManagers.resize');
      },
    },
    setInstanceTemplate: {
      method: 'POST',
      handle: (context, request) => {
        const group = requireResource(context, COLLECTION, request.scope, pathName(request));
        const body = requireBody(request);
        if (body.instanceTemplate === undefined || body.instanceTemplate === '') throw requiredField('instanceTemplate');
        const { link, missing } = resolveTemplate(context, body.instanceTemplate, 'instanceTemplate');
        return change(context, request, { ...group, instanceTemplate: link, versions: [{ instanceTemplate: link }] }, 'compute.regionInstanceGroupManagers.setInstanceTemplate', missing);
      },
    },
    recreateInstances: {
      method: 'POST',
      handle: (context, request) => {
        const group = requireResource(context, COLLECTION, request.scope, pathName(request));
        const body = requireBody(request);
        const links = Array.isArray(body.instances) ? body.instances.map(String) : [];
        if (links.length === 0) throw requiredField('instances');
        const missing = context.controller.recreate(regionOf(request.scope), String(group.name), links);
        if (missing !== null) throw invalidField('instances', missing, 'The instance is not a member of the instance group.');
        return operation(context, request, { scope: request.scope, operationType: 'compute.regionInstanceGroupManagers.recreateInstances', targetLink: String(group.selfLink), targetId: String(group.id) });
      },
    },
    listManagedInstances: {
      method: 'POST',
      handle: (context, request) => {
        const group = requireResource(context, COLLECTION, request.scope, pathName(request));
        const items = managedInstances(context, regionOf(request.scope), group);
        // GCE leaves `managedInstances` out when the group has none.
        return ok(items.length > 0 ? { managedInstances: items } : {});
      },
    },
  },
};
