/**
 * The verbs on a resource collection or object: list, create, get, replace, patch, delete, and
 * the status subresource. Scale lives in scale.ts.
 */
import { randomNameSuffix } from './generatedNames';
import { isObject, stringAt, stringMap, type JsonObject } from './json';
import { APPLY_PATCH, applyConfiguration, applyPatch, mergeApplied } from './patching';
import { fieldSet, keptEntries, managedEntries, removeDropped, unionOf, withApplyEntry } from './ssa';
import { PROTOBUF } from './protobuf';
import { bodyText, isDryRun, parseJson, parseObjectBody, type ApiResponse, type ResourceRequest } from './request';
import { apiVersionOf, RESOURCES, resourceByName, type Verb } from './resources';
import { matchesFields, matchesRequirements, parseFieldSelector, parseLabelSelector } from './selectors';
import { alreadyExists, badRequest, conflict, KubeError, methodNotAllowed, notFound } from './status';
import { nameOf, type KubeObject, type ObjectStore } from './store';
import { admit, checkEnvelope, checkNamespace, checkResourceVersion, commit, prepareUpdate } from './writes';

const NAMESPACES = resourceByName('namespaces');
/** The real server refuses to delete these. */
const PROTECTED_NAMESPACES = new Set(['default', 'kube-system', 'kube-public']);

export function requireObject(store: ObjectStore, request: ResourceRequest): KubeObject {
  const found = store.get(request.resource, request.namespace ?? '', request.name ?? '');
  if (!found) throw notFound(request.resource, request.name ?? '');
  return found;
}

function requireNamespace(store: ObjectStore, request: ResourceRequest): void {
  if (request.resource.namespaced && !store.get(NAMESPACES, '', request.namespace ?? '')) {
    throw notFound(NAMESPACES, request.namespace ?? '');
  }
}

export function list(store: ObjectStore, request: ResourceRequest): ApiResponse {
  const labels = parseLabelSelector(request.query.get('labelSelector') ?? '');
  const fields = parseFieldSelector(request.query.get('fieldSelector') ?? '');
  const items = store
    .list(request.resource, request.namespace)
    .filter((object) => matchesRequirements(stringMap(object.metadata.labels), labels) && matchesFields(object, fields));
  return {
    status: 200,
    body: {
      kind: `${request.resource.kind}List`,
      apiVersion: apiVersionOf(request.resource),
      metadata: { resourceVersion: store.resourceVersion() },
      items,
    },
  };
}

export function create(store: ObjectStore, request: ResourceRequest): ApiResponse {
  const { resource } = request;
  const object = checkEnvelope(resource, parseObjectBody(request));
  checkNamespace(resource, object, request.namespace);
  const metadata = object.metadata;
  if (typeof metadata.resourceVersion === 'string' && metadata.resourceVersion !== '') {
    throw badRequest('resourceVersion should not be set on objects to be created');
  }
  if (stringAt(object, 'metadata', 'name') === undefined && typeof metadata.generateName === 'string') {
    metadata.name = `${metadata.generateName}${randomNameSuffix()}`;
  }
  requireNamespace(store, request);
  if (store.get(resource, request.namespace ?? '', nameOf(object))) throw alreadyExists(resource, nameOf(object));
  delete metadata.uid;
  delete metadata.deletionTimestamp;
  metadata.generation = 1;
  // A client cannot create status for a type whose status is written through its subresource.
  if (resource.subresources.status) delete object.status;
  admit(resource, object, undefined);
  if (isDryRun(request)) return { status: 201, body: object };
  return { status: 201, body: store.create(resource, object) };
}

export function get(store: ObjectStore, request: ResourceRequest): ApiResponse {
  return { status: 200, body: requireObject(store, request) };
}

export function replace(store: ObjectStore, request: ResourceRequest): ApiResponse {
  const { resource } = request;
  const old = requireObject(store, request);
  const incoming = checkEnvelope(resource, parseObjectBody(request));
  checkNamespace(resource, incoming, request.namespace);
  const name = stringAt(incoming, 'metadata', 'name');
  if (name !== request.name) {
    throw badRequest(`the name of the object (${name ?? ''}) does not match the name on the URL (${request.name ?? ''})`);
  }
  const next = prepareUpdate(resource, incoming, old);
  if (next.metadata.managedFields === undefined && old.metadata.managedFields !== undefined) next.metadata.managedFields = keptEntries(old, next);
  return { status: 200, body: commit(store, resource, next, old, isDryRun(request)) };
}

export function patch(store: ObjectStore, request: ResourceRequest): ApiResponse {
  const { resource } = request;
  const existing = store.get(resource, request.namespace ?? '', request.name ?? '');
  if (request.contentType === APPLY_PATCH) {
    const applied = applyConfiguration(request);
    if (stringAt(applied, 'metadata', 'name') !== request.name) {
      throw badRequest(`the name of the object (${stringAt(applied, 'metadata', 'name') ?? ''}) does not match the name on the URL (${request.name ?? ''})`);
    }
    const manager = request.query.get('fieldManager') ?? '';
    const fields = fieldSet(applied);
    const managed = withApplyEntry(existing ?? {}, manager, apiVersionOf(resource), fields);
    // Server-side apply creates the object when it does not exist yet.
    if (!existing) {
      const created = { ...applied, metadata: { ...(isObject(applied.metadata) ? applied.metadata : {}), managedFields: managed } };
      return create(store, { ...request, contentType: 'application/json', body: Buffer.from(JSON.stringify(created)) });
    }
    const before = managedEntries(existing).find((entry) => entry.manager === manager && entry.operation === 'Apply')?.fieldsV1 ?? {};
    const others = unionOf(managedEntries(existing).filter((entry) => entry.manager !== manager).map((entry) => entry.fieldsV1));
    const merged = mergeApplied(resource, removeDropped(existing, before, fields, others), applied);
    if (!isObject(merged)) throw badRequest('the apply configuration did not produce an object');
    const next = checkEnvelope(resource, merged);
    next.metadata.managedFields = managed;
    return { status: 200, body: commit(store, resource, prepareUpdate(resource, next, existing), existing, isDryRun(request)) };
  }
  const old = requireObject(store, request);
  const patched = applyPatch(resource, old, request);
  if (!isObject(patched)) throw badRequest('the patch did not produce an object');
  const incoming = checkEnvelope(resource, patched);
  if (stringAt(incoming, 'metadata', 'name') !== request.name || (resource.namespaced && stringAt(incoming, 'metadata', 'namespace') !== request.namespace)) {
    throw badRequest('a patch cannot change metadata.name or metadata.namespace');
  }
  const next = prepareUpdate(resource, incoming, old);
  return { status: 200, body: commit(store, resource, next, old, isDryRun(request)) };
}

/** PUT/PATCH on `/status`: only `status` changes, and no spec validation runs (as in the real server). */
export function writeStatus(store: ObjectStore, request: ResourceRequest): ApiResponse {
  const { resource } = request;
  const old = requireObject(store, request);
  const incoming = request.method === 'PATCH' ? applyPatch(resource, old, request) : parseObjectBody(request);
  if (!isObject(incoming)) throw badRequest('the request did not produce an object');
  checkResourceVersion(resource, request.name ?? '', stringAt(incoming, 'metadata', 'resourceVersion'), old);
  const next: KubeObject = { ...old };
  if (incoming.status === undefined) delete next.status;
  else next.status = incoming.status;
  return { status: 200, body: commit(store, resource, next, old, isDryRun(request)) };
}

function deleteOptions(request: ResourceRequest): JsonObject {
  const text = bodyText(request);
  // kubectl may send DeleteOptions as protobuf; the options matter little here, so they are skipped.
  if (text.trim() === '' || request.contentType === PROTOBUF) return {};
  const parsed = parseJson(text);
  return isObject(parsed) ? parsed : {};
}

export function remove(store: ObjectStore, request: ResourceRequest): ApiResponse {
  const { resource } = request;
  const old = requireObject(store, request);
  const name = request.name ?? '';
  const options = deleteOptions(request);
  const policy = request.query.get('propagationPolicy') ?? options.propagationPolicy;
  if (policy !== undefined && policy !== null && !['Orphan', 'Background', 'Foreground'].includes(String(policy))) {
    throw badRequest(`propagationPolicy: Unsupported value: ${JSON.stringify(policy)}: supported values: "Foreground", "Background", "Orphan"`);
  }
  const preconditions = isObject(options.preconditions) ? options.preconditions : {};
  if (typeof preconditions.uid === 'string' && preconditions.uid !== old.metadata.uid) {
    throw conflict(resource, name, `Precondition failed: UID in precondition: ${preconditions.uid}, UID in object meta: ${String(old.metadata.uid)}`);
  }
  if (typeof preconditions.resourceVersion === 'string' && preconditions.resourceVersion !== old.metadata.resourceVersion) {
    throw conflict(resource, name, `Precondition failed: ResourceVersion in precondition: ${preconditions.resourceVersion}, ResourceVersion in object meta: ${String(old.metadata.resourceVersion)}`);
  }
  if (resource.name === 'namespaces' && PROTECTED_NAMESPACES.has(name)) {
    throw new KubeError(403, 'Forbidden', `namespaces "${name}" is forbidden: this namespace may not be deleted`, { name, kind: 'namespaces' });
  }
  if (!isDryRun(request)) {
    store.remove(resource, request.namespace ?? '', name);
    // Namespace deletion is immediate here (no Terminating phase): its contents go with it.
    if (resource.name === 'namespaces') {
      for (const type of RESOURCES.filter((r) => r.namespaced)) {
        for (const object of store.list(type, name)) store.remove(type, name, nameOf(object));
      }
    }
  }
  if (resource.deleteReturnsObject) return { status: 200, body: old };
  const details: JsonObject = { name, kind: resource.name, uid: old.metadata.uid ?? null };
  if (resource.group) details.group = resource.group;
  return { status: 200, body: { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', details } };
}

const VERB_BY_METHOD: Record<string, Verb> = { GET: 'get', PUT: 'update', PATCH: 'patch', DELETE: 'delete' };

function verbFor(request: ResourceRequest): Verb | undefined {
  if (request.name !== undefined) return VERB_BY_METHOD[request.method];
  if (request.method === 'GET') return 'list';
  // Creating a namespaced object needs a namespace in the path.
  if (request.method === 'POST' && (request.namespace !== undefined) === request.resource.namespaced) return 'create';
  return undefined;
}

const HANDLERS: Record<Verb, (store: ObjectStore, request: ResourceRequest) => ApiResponse> = {
  list, create, get, update: replace, patch, delete: remove,
};

/** Dispatches a request on a resource or its status subresource (scale lives in scale.ts). */
export function handleResource(store: ObjectStore, request: ResourceRequest): ApiResponse {
  const { method, resource } = request;
  if (request.subresource === 'status') {
    if (!resource.subresources.status) throw notFound(resource, request.name ?? '');
    if (method === 'GET') return get(store, request);
    if (method === 'PUT' || method === 'PATCH') return writeStatus(store, request);
    throw methodNotAllowed(`${method} on ${resource.name}/status`);
  }
  const verb = verbFor(request);
  if (!verb || !resource.verbs.includes(verb)) throw methodNotAllowed(`${method} ${resource.name}${request.name ? '' : ' (collection)'}`);
  return HANDLERS[verb](store, request);
}
