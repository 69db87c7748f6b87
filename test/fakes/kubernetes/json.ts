/**
 * JSON value types and small helpers: the fake stores every object as plain JSON, exactly as it
 * travels on the wire, so nothing the client sends is lost or reshaped by a typed model.
 */
export type Json = null | boolean | number | string | Json[] | JsonObject;
export interface JsonObject {
  [key: string]: Json;
}

export function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Deep copy, so that callers (tests, handlers) can never mutate what the store holds. */
export function clone<T extends Json>(value: T): T {
  return structuredClone(value);
}

export function deepEqual(a: Json | undefined, b: Json | undefined): boolean {
  if (a === b) return true;
  if (Array.isArray(a)) {
    return Array.isArray(b) && a.length === b.length && a.every((item, i) => deepEqual(item, b[i]));
  }
  if (isObject(a) && isObject(b)) {
    const keys = Object.keys(a);
    return keys.length === Object.keys(b).length && keys.every((key) => key in b && deepEqual(a[key], b[key]));
  }
  return false;
}

/** The object at `path`, or undefined when any step is missing or not an object. */
export function objectAt(value: Json | undefined, ...path: string[]): JsonObject | undefined {
  let current: Json | undefined = value;
  for (const key of path) {
    if (!isObject(current)) return undefined;
    current = current[key];
  }
  return isObject(current) ? current : undefined;
}

/** The object at `path`, created (and any missing parent) when absent. */
export function ensureObject(value: JsonObject, ...path: string[]): JsonObject {
  let current = value;
  for (const key of path) {
    const next = current[key];
    if (isObject(next)) {
      current = next;
    } else {
      const created: JsonObject = {};
      current[key] = created;
      current = created;
    }
  }
  return current;
}

export function stringAt(value: Json | undefined, ...path: string[]): string | undefined {
  const parent = objectAt(value, ...path.slice(0, -1));
  const leaf = parent?.[path[path.length - 1] ?? ''];
  return typeof leaf === 'string' ? leaf : undefined;
}

export function numberAt(value: Json | undefined, ...path: string[]): number | undefined {
  const parent = objectAt(value, ...path.slice(0, -1));
  const leaf = parent?.[path[path.length - 1] ?? ''];
  return typeof leaf === 'number' ? leaf : undefined;
}

export function arrayAt(value: Json | undefined, ...path: string[]): Json[] | undefined {
  const parent = objectAt(value, ...path.slice(0, -1));
  const leaf = parent?.[path[path.length - 1] ?? ''];
  return Array.isArray(leaf) ? leaf : undefined;
}

/** A `map[string]string` such as labels; non-string values are ignored as the API would reject them. */
export function stringMap(value: Json | undefined): Record<string, string> {
  const result: Record<string, string> = {};
  if (!isObject(value)) return result;
  for (const [key, item] of Object.entries(value)) if (typeof item === 'string') result[key] = item;
  return result;
}
