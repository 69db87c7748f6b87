/**
 * `global/images`: insert (from `sourceImage`, `rawDisk.source`, `sourceDisk` — an instance's disk,
 * once the instance is TERMINATED — or `sourceSnapshot`; PENDING until its operation is DONE, then
 * READY), get, list (with label filters), delete,
 * `family/{family}` (getFromFamily), `setLabels` (labelFingerprint checked), `deprecate`.
 */
import { arrayAt, stringAt, type JsonObject } from '../../kubernetes/json';
import type { ApiRequest, CollectionApi, FakeContext } from '../api';
import { alreadyExists, conditionNotMet, invalidField, notFound, requiredField, resourceInUse } from '../errors';
import { GLOBAL, parseReference, relativeName, relativeOf, selfLink } from '../links';
import { newFingerprint, timestamp } from '../store';
import { checkLabels, requireName } from '../validation';
import { listPage, ok, operation, pathName, requireBody, requireReference, requireResource, withoutServerFields } from './common';

const COLLECTION = 'images';
const DEPRECATION_STATES = ['ACTIVE', 'DEPRECATED', 'OBSOLETE', 'DELETED'];

function sourceOf(body: JsonObject): { field: string; value: string } | undefined {
  const sources = [
    { field: 'sourceImage', value: stringAt(body, 'sourceImage') },
    { field: 'rawDisk.source', value: stringAt(body, 'rawDisk', 'source') },
    { field: 'sourceDisk', value: stringAt(body, 'sourceDisk') },
    { field: 'sourceSnapshot', value: stringAt(body, 'sourceSnapshot') },
  ].filter((source): source is { field: string; value: string } => source.value !== undefined && source.value !== '');
  if (sources.length > 1) {
    throw invalidField('resource', sources.map((s) => s.field).join(', '), 'Only one of rawDisk.source, sourceImage, sourceDisk or sourceSnapshot may be specified.');
  }
  return sources[0];
}

/** A source image of this project must exist; other projects' public images are taken on trust. */
export function missingSourceImage(context: FakeContext, sourceImage: string): string | undefined {
  const reference = parseReference(sourceImage, context.project);
  if (!reference || reference.project !== context.project || reference.collection !== COLLECTION) return undefined;
  return context.store.has(COLLECTION, GLOBAL, reference.name) ? undefined : relativeName(context.project, GLOBAL, COLLECTION, reference.name);
}

interface SourceDisk {
  link: string;
  /** `projects/P/zones/Z/disks/D`, as a not-found error names it. */
  relative: string;
  /** Undefined when the disk does not exist. */
  disk: JsonObject | undefined;
}

/**
 * The disk an image is taken from (`zones/Z/disks/D` or its URL). While an instance that is not
 * TERMINATED uses it, GCE refuses at once (the image would catch a running file system) unless
 * `forceCreate=true`; a missing disk fails the operation.
 */
function sourceDiskOf(context: FakeContext, request: ApiRequest, value: string): SourceDisk {
  const reference = requireReference(context, value, 'disks', 'resource.sourceDisk');
  if (reference.scope.kind !== 'zone') throw invalidField('resource.sourceDisk', value, 'The URL is malformed.');
  const what = relativeName(reference.project, reference.scope, 'disks', reference.name);
  const disk = reference.project === context.project ? context.store.get('disks', reference.scope, reference.name) : undefined;
  const user = (arrayAt(disk, 'users') ?? []).find((link) => {
    const instance = typeof link === 'string' ? parseReference(link, context.project) : undefined;
    return instance !== undefined && context.store.get('instances', instance.scope, instance.name)?.status !== 'TERMINATED';
  });
  if (typeof user === 'string' && request.query.get('forceCreate') !== 'true') throw resourceInUse('disk', what, relativeOf(user));
  return { link: selfLink(reference.project, reference.scope, 'disks', reference.name), relative: what, disk };
}

function isDeprecated(image: JsonObject): boolean {
  const state = stringAt(image, 'deprecated', 'state');
  return state !== undefined && state !== 'ACTIVE';
}

export const images: CollectionApi = {
  list: (context, request) => listPage(request, context, 'compute#imageList', context.store.list(COLLECTION, GLOBAL)),

  get: (context, request) => ok(requireResource(context, COLLECTION, GLOBAL, pathName(request))),

  insert: (context, request) => {
    const body = requireBody(request);
    const name = requireName(body.name);
    const source = sourceOf(body);
    if (!source) throw requiredField('resource.rawDisk.source');
    if (body.family !== undefined) requireName(body.family, 'resource.family');
    const labels = checkLabels(body.labels, 'resource.labels');
    if (context.store.has(COLLECTION, GLOBAL, name)) throw alreadyExists(relativeName(context.project, GLOBAL, COLLECTION, name));
    const link = selfLink(context.project, GLOBAL, COLLECTION, name);
    const sourceDisk = source.field === 'sourceDisk' ? sourceDiskOf(context, request, source.value) : undefined;
    const missing = source.field === 'sourceImage' ? missingSourceImage(context, source.value) : sourceDisk && !sourceDisk.disk ? sourceDisk.relative : undefined;
    if (missing) {
      return operation(context, request, { scope: GLOBAL, operationType: 'insert', targetLink: link, failure: notFound(missing) });
    }
    const image: JsonObject = {
      ...withoutServerFields(body),
      kind: 'compute#image',
      id: context.store.newId(),
      creationTimestamp: timestamp(),
      name,
      sourceType: 'RAW',
      status: 'PENDING',
      archiveSizeBytes: '1073741824',
      diskSizeGb: '10',
      storageLocations: ['us'],
      labels,
      labelFingerprint: newFingerprint(),
      selfLink: link,
    };
    if (sourceDisk?.disk) {
      image.sourceDisk = sourceDisk.link;
      image.sourceDiskId = String(sourceDisk.disk.id);
      image.diskSizeGb = String(sourceDisk.disk.sizeGb);
    }
    context.store.put(COLLECTION, GLOBAL, image);
    return operation(context, request, {
      scope: GLOBAL,
      operationType: 'insert',
      targetLink: link,
      targetId: String(image.id),
      onDone: () => {
        const stored = context.store.get(COLLECTION, GLOBAL, name);
        if (stored?.id === image.id) context.store.put(COLLECTION, GLOBAL, { ...stored, status: 'READY' });
      },
    });
  },

  delete: (context, request) => {
    const image = requireResource(context, COLLECTION, GLOBAL, pathName(request));
    context.store.remove(COLLECTION, GLOBAL, pathName(request));
    return operation(context, request, { scope: GLOBAL, operationType: 'delete', targetLink: String(image.selfLink), targetId: String(image.id) });
  },

  collectionVerbs: {
    family: {
      method: 'GET',
      handle: (context, request) => {
        const family = pathName(request);
        const newest = context.store.list(COLLECTION, GLOBAL)
          .filter((image) => image.family === family && image.status === 'READY' && !isDeprecated(image))
          .sort((a, b) => String(b.creationTimestamp).localeCompare(String(a.creationTimestamp)) || (BigInt(String(b.id)) > BigInt(String(a.id)) ? 1 : -1))[0];
        if (!newest) throw notFound(`projects/${context.project}/global/images/family/${family}`);
        return ok(newest);
      },
    },
  },

  verbs: {
    setLabels: {
      method: 'POST',
      handle: (context, request) => {
        const image = requireResource(context, COLLECTION, GLOBAL, pathName(request));
        const body = requireBody(request);
        const labels = checkLabels(body.labels, 'labels');
        if (typeof body.labelFingerprint !== 'string' || body.labelFingerprint === '') throw requiredField('labelFingerprint');
        if (body.labelFingerprint !== image.labelFingerprint) {
          throw conditionNotMet('Labels fingerprint either invalid or resource labels have changed');
        }
        context.store.put(COLLECTION, GLOBAL, { ...image, labels, labelFingerprint: newFingerprint() });
        return operation(context, request, { scope: GLOBAL, operationType: 'setLabels', targetLink: String(image.selfLink), targetId: String(image.id) });
      },
    },
    deprecate: {
      method: 'POST',
      handle: (context, request) => {
        const image = requireResource(context, COLLECTION, GLOBAL, pathName(request));
        const body = requireBody(request);
        const state = body.state ?? 'ACTIVE';
        if (typeof state !== 'string' || !DEPRECATION_STATES.includes(state)) {
          throw invalidField('deprecationStatus.state', String(state), `Must be one of ${DEPRECATION_STATES.join(', ')}.`);
        }
        const updated: JsonObject = { ...image };
        if (state === 'ACTIVE') delete updated.deprecated;
        else updated.deprecated = { ...body, state };
        context.store.put(COLLECTION, GLOBAL, updated);
        return operation(context, request, { scope: GLOBAL, operationType: 'deprecate', targetLink: String(image.selfLink), targetId: String(image.id) });
      },
    },
  },
};
