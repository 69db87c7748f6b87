/**
 * Server-side apply's field ownership, simplified: each manager's applied fields are recorded in
 * `metadata.managedFields` (FieldsV1, lists as one field), and a field a manager applied before
 * but leaves out now is removed from the object when no other manager owns it, as the API server
 * does. The configuration itself is merged like a strategic merge patch (see patching.ts).
 * A full update (PUT) that leaves managedFields out keeps every manager's entry, less the fields
 * the new object no longer has (see keptEntries). Not modelled: conflicts between managers, list
 * items owned one by one, the Update entry a PUT would add for its own manager.
 */
import { clone, deepEqual, isObject, type JsonObject } from './json';
import { timestamp } from './store';

/** Identity fields are never removed by ownership. */
const IDENTITY = new Set(['apiVersion', 'kind', 'metadata.name', 'metadata.namespace', 'metadata.managedFields', 'status']);

/** FieldsV1 of a configuration: `{"f:spec": {"f:replicas": {}}}`; lists and scalars are leaves. */
export function fieldSet(config: JsonObject, at = ''): JsonObject {
  const set: JsonObject = {};
  for (const [key, value] of Object.entries(config)) {
    const path = at === '' ? key : `${at}.${key}`;
    if (IDENTITY.has(path)) continue;
    set[`f:${key}`] = isObject(value) && Object.keys(value).length > 0 ? fieldSet(value, path) : {};
  }
  return set;
}

/**
 * `object` without the fields `before` has and `after` lacks, unless another manager owns them
 * (`others`, the union of their FieldsV1): a field applied by two managers stays while one has it.
 */
export function removeDropped(object: JsonObject, before: JsonObject, after: JsonObject, others: JsonObject = {}): JsonObject {
  const result = clone(object);
  const walk = (target: JsonObject, was: JsonObject, now: JsonObject | undefined, owned: JsonObject | undefined): void => {
    for (const [field, child] of Object.entries(was)) {
      const key = field.slice(2);
      const kept = now?.[field] ?? owned?.[field];
      if (kept === undefined) {
        delete target[key];
      } else if (isObject(child) && Object.keys(child).length > 0 && isObject(target[key]) && isObject(kept)) {
        walk(target[key], child, isObject(now?.[field]) ? now[field] : undefined, isObject(owned?.[field]) ? owned[field] : undefined);
      }
    }
  };
  walk(result, before, after, others);
  return result;
}

/** The union of FieldsV1 sets. */
export function unionOf(sets: readonly JsonObject[]): JsonObject {
  const union: JsonObject = {};
  for (const set of sets) {
    for (const [field, child] of Object.entries(set)) {
      const there = union[field];
      union[field] = isObject(there) && isObject(child) ? unionOf([there, child]) : isObject(child) ? clone(child) : child;
    }
  }
  return union;
}

interface ManagedEntry extends JsonObject {
  manager: string;
  fieldsV1: JsonObject;
}

export function managedEntries(object: JsonObject): ManagedEntry[] {
  const metadata = isObject(object.metadata) ? object.metadata : {};
  const entries = Array.isArray(metadata.managedFields) ? metadata.managedFields : [];
  return entries.filter((entry): entry is ManagedEntry => isObject(entry) && typeof entry.manager === 'string' && isObject(entry.fieldsV1));
}

/** The object's managedFields with `manager`'s Apply entry set to `fields`. */
export function withApplyEntry(object: JsonObject, manager: string, apiVersion: string, fields: JsonObject): JsonObject[] {
  const entries = managedEntries(object);
  const mine = entries.find((entry) => entry.manager === manager && entry.operation === 'Apply');
  // The same fields applied again change nothing, not even the entry's time: a no-op apply is no write.
  if (mine !== undefined && deepEqual(mine.fieldsV1, fields)) return entries;
  return [...entries.filter((entry) => entry !== mine), { manager, operation: 'Apply', apiVersion, time: timestamp(), fieldsType: 'FieldsV1', fieldsV1: fields }];
}

/** `set` less the fields `present` lacks (both FieldsV1); empty when nothing is left. */
function intersect(set: JsonObject, present: JsonObject): JsonObject {
  const kept: JsonObject = {};
  for (const [field, child] of Object.entries(set)) {
    const there = present[field];
    if (there === undefined) continue;
    if (isObject(child) && Object.keys(child).length > 0 && isObject(there)) {
      const inner = intersect(child, there);
      if (Object.keys(inner).length > 0) kept[field] = inner;
    } else {
      kept[field] = child;
    }
  }
  return kept;
}

/**
 * The managedFields of `next`, a PUT's object written without them: the API server keeps the
 * old entries, and a field the PUT dropped is no longer anyone's (`kubectl replace` takes fields
 * from other managers away, unlike an apply).
 */
export function keptEntries(old: JsonObject, next: JsonObject): JsonObject[] {
  const present = fieldSet(next);
  return managedEntries(old)
    .map((entry) => ({ ...entry, fieldsV1: intersect(entry.fieldsV1, present) }))
    .filter((entry) => Object.keys(entry.fieldsV1).length > 0);
}
