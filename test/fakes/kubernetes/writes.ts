/**
 * The checks and bookkeeping every write shares (create, replace, patch, status and scale):
 * envelope checks, defaults, validation, generation and the optimistic-concurrency precondition.
 */
import { deepEqual, ensureObject, isObject, stringAt, type Json, type JsonObject } from './json';
import { apiVersionOf, type ResourceType } from './resources';
import { annotationCauses, nameCauses, rulesFor } from './rules/index';
import { badRequest, conflict, invalid } from './status';
import { nameOf, type KubeObject, type ObjectStore } from './store';

/** Checks apiVersion/kind against the URL and fills them in when the client left them out. */
export function checkEnvelope(resource: ResourceType, body: JsonObject): KubeObject {
  const expectedVersion = apiVersionOf(resource);
  if (body.apiVersion !== undefined && body.apiVersion !== expectedVersion) {
    throw badRequest(`the API version in the data (${String(body.apiVersion)}) does not match the expected API version (${expectedVersion})`);
  }
  if (body.kind !== undefined && body.kind !== resource.kind) {
    throw badRequest(`the kind in the data (${String(body.kind)}) does not match the expected kind (${resource.kind})`);
  }
  if (body.metadata !== undefined && !isObject(body.metadata)) throw badRequest('metadata must be an object');
  const metadata = ensureObject(body, 'metadata');
  return { ...body, apiVersion: expectedVersion, kind: resource.kind, metadata };
}

export function checkNamespace(resource: ResourceType, object: KubeObject, namespace: string | undefined): void {
  if (!resource.namespaced) {
    delete object.metadata.namespace;
    return;
  }
  const given = stringAt(object, 'metadata', 'namespace');
  if (given !== undefined && given !== '' && given !== namespace) {
    throw badRequest('the namespace of the provided object does not match the namespace sent on the request');
  }
  object.metadata.namespace = namespace ?? '';
}

/** Defaults then validation; throws 422 Invalid with every field error at once, as the server does. */
export function admit(resource: ResourceType, object: KubeObject, old: KubeObject | undefined): void {
  const rules = rulesFor(resource.name);
  rules.applyDefaults(object, old);
  const causes = [
    ...nameCauses(nameOf(object), rules.nameRule),
    ...annotationCauses(object.metadata.annotations, 'metadata.annotations'),
    ...rules.validate(object, old),
  ];
  if (causes.length > 0) throw invalid(resource, nameOf(object), causes);
}

/** The optimistic-concurrency precondition: a resourceVersion the client sent must be the stored one (409 otherwise). */
export function checkResourceVersion(resource: ResourceType, name: string, given: Json | undefined, old: KubeObject): void {
  if (given !== undefined && given !== null && given !== '' && given !== old.metadata.resourceVersion) throw conflict(resource, name);
}

/**
 * Turns the client's new version of an object into what gets stored: server-owned metadata is
 * carried over, status is kept when it has its own subresource, generation moves with the spec.
 */
export function prepareUpdate(resource: ResourceType, incoming: KubeObject, old: KubeObject): KubeObject {
  checkResourceVersion(resource, nameOf(old), incoming.metadata.resourceVersion, old);
  const next: KubeObject = { ...incoming, metadata: { ...incoming.metadata } };
  for (const key of ['uid', 'creationTimestamp', 'generation', 'namespace'] as const) {
    const value = old.metadata[key];
    if (value === undefined) delete next.metadata[key];
    else next.metadata[key] = value;
  }
  next.metadata.resourceVersion = old.metadata.resourceVersion ?? null;
  if (resource.subresources.status) {
    if (old.status === undefined) delete next.status;
    else next.status = old.status;
  }
  admit(resource, next, old);
  if (!deepEqual(next.spec, old.spec) && typeof old.metadata.generation === 'number') {
    next.metadata.generation = old.metadata.generation + 1;
  }
  return next;
}

/** Stores `next` unless nothing changed: a no-op update keeps its resourceVersion, as in etcd. */
export function commit(store: ObjectStore, resource: ResourceType, next: KubeObject, old: KubeObject, dryRun: boolean): KubeObject {
  if (dryRun || deepEqual(next, old)) return next;
  return store.write(resource, next);
}
