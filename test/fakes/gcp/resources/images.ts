/**
 * `global/images`: insert (from `sourceImage`, `rawDisk.source`, `sourceDisk` or `sourceSnapshot`;
 * PENDING until its operation is DONE, then READY), get, list (with label filters), delete,
 * `family/{family}` (getFromFamily), `setLabels` (labelFingerprint checked), `deprecate`.
 */
import { stringAt, type JsonObject } from '../../kubernetes/json';
import type { CollectionApi, FakeContext } from '../api';
import { alreadyExists, conditionNotMet, invalidField, notFound, requiredField } from '../errors';
import { GLOBAL, parseReference, relativeName, selfLink } from '../links';
import { newFingerprint, timestamp } from '../store';
import { checkLabels, requireName } from '../validation';
import { listPage, ok, operation, pathName, requireBody, requireResource, withoutServerFields } from './common';

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
function missingSourceImage(context: FakeContext, sourceImage: string): string | undefined {
  const reference = parseReference(sourceImage, context.project);
  if (!reference || reference.project !== context.project || reference.collection !== COLLECTION) return undefined;
  return context.store.has(COLLECTION, GLOBAL, reference.name) ? undefined : relativeName(context.project, GLOBAL, COLLECTION, reference.name);
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
    const missing = source.field === 'sourceImage' ? missingSourceImage(context, source.value) : undefined;
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
