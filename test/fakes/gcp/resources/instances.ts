/**
 * `zones/Z/instances`: insert, get, list, delete. An instance is created with its boot disk
 * (`zones/Z/disks/{initializeParams.diskName, else the instance's name}`, from
 * `initializeParams.sourceImage`); the zonal instance controller moves its `status` on
 * (zonalInstances.ts), and runs a `startup-script` that ends by powering the machine off.
 */
import { arrayAt, isObject, stringAt, type Json, type JsonObject } from '../../kubernetes/json';
import type { ApiRequest, CollectionApi, FakeContext } from '../api';
import { alreadyExists, badRequest, invalidField, notFound, requiredField } from '../errors';
import { absoluteLink, relativeName, selfLink, zoneLink, type Scope } from '../links';
import { newFingerprint, timestamp } from '../store';
import { checkLabels, requireCount, requireName } from '../validation';
import { missingSourceImage } from './images';
import { listPage, ok, operation, pathName, requireBody, requireReference, requireResource, withoutServerFields } from './common';

const COLLECTION = 'instances';
const METADATA_KEY = /^[a-zA-Z0-9_-]{1,128}$/;
/** The last command of a script that powers the machine off. */
const POWER_OFF = /^(shutdown( -[hP])? now|poweroff|halt -p)$/;
const DEFAULT_DISK_SIZE_GB = '10';

function zoneOf(scope: Scope): string {
  return scope.kind === 'zone' ? scope.zone : '';
}

/** A `startup-script` whose last command (blank lines and comments aside) powers the machine off. */
export function scriptPowersOff(script: string | undefined): boolean {
  const lines = (script ?? '').split('\n').map((line) => line.trim()).filter((line) => line !== '' && !line.startsWith('#'));
  return POWER_OFF.test(lines[lines.length - 1] ?? '');
}

/** `zones/Z/machineTypes/T` or its full URL, in the instance's zone; stored as the full URL. */
function checkMachineType(context: FakeContext, value: Json | undefined, zone: string): string {
  if (value === undefined || value === null || value === '') throw requiredField('resource.machineType');
  const reference = requireReference(context, value, 'machineTypes', 'resource.machineType');
  if (reference.scope.kind !== 'zone' || reference.scope.zone !== zone) {
    throw invalidField('resource.machineType', String(value), `Machine type specified '${reference.name}' is in a different scope than the instance.`);
  }
  return selfLink(reference.project, reference.scope, 'machineTypes', reference.name);
}

interface BootDisk {
  name: string;
  sourceImage: string;
  sizeGb: string;
  type: string;
  autoDelete: boolean;
  deviceName: string;
}

/** The one disk served: a boot disk made from `initializeParams.sourceImage`. */
function checkBootDisk(context: FakeContext, body: JsonObject, instanceName: string, zone: string): BootDisk {
  const disks = arrayAt(body, 'disks') ?? [];
  const boots = disks.filter((disk) => isObject(disk) && disk.boot === true);
  if (boots.length === 0) throw invalidField('resource.disks', '', 'Boot disk must be specified.');
  if (boots.length > 1) throw invalidField('resource.disks', '', 'Only one boot disk is allowed.');
  if (disks.length > 1) throw badRequest('The fake serves instances with a boot disk only: attach no other disks (see test/fakes/gcp/README.md).');
  const boot = boots[0] as JsonObject;
  const sourceImage = stringAt(boot, 'initializeParams', 'sourceImage');
  if (sourceImage === undefined || sourceImage === '') throw requiredField('resource.disks[0].initializeParams.sourceImage');
  const diskName = stringAt(boot, 'initializeParams', 'diskName');
  const size = isObject(boot.initializeParams) ? boot.initializeParams.diskSizeGb : undefined;
  return {
    name: diskName === undefined ? instanceName : requireName(diskName, 'resource.disks[0].initializeParams.diskName'),
    sourceImage,
    sizeGb: size === undefined || size === null ? DEFAULT_DISK_SIZE_GB : String(requireCount(size, 'resource.disks[0].initializeParams.diskSizeGb')),
    type: absoluteLink(stringAt(boot, 'initializeParams', 'diskType') ?? `zones/${zone}/diskTypes/pd-balanced`, context.project),
    // The API's default, unlike gcloud's: a boot disk outlives its instance unless told otherwise.
    autoDelete: boot.autoDelete === true,
    deviceName: stringAt(boot, 'deviceName') ?? 'persistent-disk-0',
  };
}

type MetadataItem = { key: string; value: string };

/** `metadata.items[{key, value}]`: keys of GCE's shape, each once. */
function checkMetadata(body: JsonObject): MetadataItem[] {
  const items = arrayAt(body, 'metadata', 'items') ?? [];
  const seen = new Set<string>();
  return items.map((item, index) => {
    const key = isObject(item) ? item.key : undefined;
    if (typeof key !== 'string' || !METADATA_KEY.test(key)) {
      throw invalidField(`resource.metadata.items[${index}].key`, String(key ?? ''), "Must be a match of regex '[a-zA-Z0-9-_]{1,128}'");
    }
    if (seen.has(key)) throw invalidField(`resource.metadata.items[${index}].key`, key, 'Duplicate metadata key.');
    seen.add(key);
    const value = isObject(item) ? item.value : undefined;
    if (value !== undefined && value !== null && typeof value !== 'string') throw invalidField(`resource.metadata.items[${index}].value`, String(value), 'Must be a string.');
    return { key, value: value ?? '' };
  });
}

/** The interfaces as GCE stores them: full network URLs, a name and an internal address each. */
function networkInterfaces(context: FakeContext, body: JsonObject): JsonObject[] {
  const given = arrayAt(body, 'networkInterfaces') ?? [];
  const interfaces = given.length > 0 ? given : [{ network: 'global/networks/default' }];
  return interfaces.map((nic, index) => {
    if (!isObject(nic)) throw invalidField(`resource.networkInterfaces[${index}]`, JSON.stringify(nic), 'Must be an object.');
    const stored: JsonObject = {
      ...nic,
      kind: 'compute#networkInterface',
      name: `nic${index}`,
      network: absoluteLink(stringAt(nic, 'network') ?? 'global/networks/default', context.project),
      networkIP: stringAt(nic, 'networkIP') ?? context.controller.nextAddress(),
      fingerprint: newFingerprint(),
    };
    const subnetwork = stringAt(nic, 'subnetwork');
    if (subnetwork !== undefined) stored.subnetwork = absoluteLink(subnetwork, context.project);
    return stored;
  });
}

function insert(context: FakeContext, request: ApiRequest) {
  const body = requireBody(request);
  const zone = zoneOf(request.scope);
  const scope = request.scope;
  const name = requireName(body.name);
  const machineType = checkMachineType(context, body.machineType, zone);
  const boot = checkBootDisk(context, body, name, zone);
  const items = checkMetadata(body);
  const labels = checkLabels(body.labels, 'resource.labels');
  const interfaces = networkInterfaces(context, body);
  if (context.store.has(COLLECTION, scope, name)) throw alreadyExists(relativeName(context.project, scope, COLLECTION, name));
  const link = selfLink(context.project, scope, COLLECTION, name);
  // Found once the call is accepted, as GCE does: the operation fails and nothing is created.
  const missingImage = missingSourceImage(context, boot.sourceImage);
  const failure = missingImage
    ? notFound(missingImage)
    : context.store.has('disks', scope, boot.name)
      ? alreadyExists(relativeName(context.project, scope, 'disks', boot.name))
      : undefined;
  if (failure) return operation(context, request, { scope, operationType: 'insert', targetLink: link, failure });

  const created = timestamp();
  const diskLink = selfLink(context.project, scope, 'disks', boot.name);
  context.store.put('disks', scope, {
    kind: 'compute#disk',
    id: context.store.newId(),
    creationTimestamp: created,
    name: boot.name,
    sizeGb: boot.sizeGb,
    zone: zoneLink(context.project, zone),
    status: 'READY',
    sourceImage: absoluteLink(boot.sourceImage, context.project),
    type: boot.type,
    users: [link],
    labelFingerprint: newFingerprint(),
    selfLink: diskLink,
  });
  const instance: JsonObject = {
    ...withoutServerFields(body),
    kind: 'compute#instance',
    id: context.store.newId(),
    creationTimestamp: created,
    name,
    machineType,
    status: 'PROVISIONING',
    zone: zoneLink(context.project, zone),
    networkInterfaces: interfaces,
    disks: [{ kind: 'compute#attachedDisk', type: 'PERSISTENT', mode: 'READ_WRITE', source: diskLink, deviceName: boot.deviceName, index: 0, boot: true, autoDelete: boot.autoDelete, diskSizeGb: boot.sizeGb }],
    metadata: { kind: 'compute#metadata', fingerprint: newFingerprint(), ...(items.length > 0 ? { items } : {}) },
    labels,
    labelFingerprint: newFingerprint(),
    fingerprint: newFingerprint(),
    selfLink: link,
  };
  context.store.put(COLLECTION, scope, instance);
  context.zonalInstances.launch(zone, instance, scriptPowersOff(items.find((item) => item.key === 'startup-script')?.value));
  return operation(context, request, { scope, operationType: 'insert', targetLink: link, targetId: String(instance.id) });
}

export const instances: CollectionApi = {
  list: (context, request) => listPage(request, context, 'compute#instanceList', context.store.list(COLLECTION, request.scope)),

  get: (context, request) => ok(requireResource(context, COLLECTION, request.scope, pathName(request))),

  insert,

  delete: (context, request) => {
    const zone = zoneOf(request.scope);
    const name = pathName(request);
    const instance = requireResource(context, COLLECTION, request.scope, name);
    const id = String(instance.id);
    context.zonalInstances.delete(zone, name);
    return operation(context, request, {
      scope: request.scope,
      operationType: 'delete',
      targetLink: String(instance.selfLink),
      targetId: id,
      until: () => context.zonalInstances.isGone(zone, name, id),
    });
  },
};
