/**
 * The three PATCH formats the API server accepts for JSON bodies. Strategic merge patch is the
 * merge patch plus Kubernetes' "merge lists of named things by key" rule for the list fields a
 * Deployment or Service carries, which is what kubectl and most clients rely on.
 */
import { clone, deepEqual, isObject, type Json, type JsonObject } from './json';
import { badRequest, KubeError } from './status';

/** RFC 7386: objects merge recursively, `null` deletes, anything else replaces. */
export function mergePatch(target: Json | undefined, patch: Json): Json {
  if (!isObject(patch)) return clone(patch);
  const result: JsonObject = isObject(target) ? clone(target) : {};
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete result[key];
    else result[key] = mergePatch(result[key], value);
  }
  return result;
}

/**
 * Merge keys by field name, from the Kubernetes API's `patchMergeKey` tags. `ports` differs
 * between a container (containerPort) and a Service (port), so it is resolved from the items.
 */
const MERGE_KEYS: Record<string, string | ((items: JsonObject[]) => string)> = {
  containers: 'name',
  initContainers: 'name',
  ephemeralContainers: 'name',
  env: 'name',
  volumes: 'name',
  volumeMounts: 'mountPath',
  imagePullSecrets: 'name',
  hostAliases: 'ip',
  ownerReferences: 'uid',
  conditions: 'type',
  ports: (items) => (items.some((item) => 'containerPort' in item) ? 'containerPort' : 'port'),
};

function mergeKeyFor(field: string, items: JsonObject[]): string | undefined {
  const key = MERGE_KEYS[field];
  return typeof key === 'function' ? key(items) : key;
}

/** Directives kubectl adds for ordering/retaining; the fake has no use for them. */
function isDirective(key: string): boolean {
  return key.startsWith('$setElementOrder/') || key.startsWith('$deleteFromPrimitiveList/') || key === '$retainKeys';
}

export function strategicMergePatch(target: Json | undefined, patch: Json): Json {
  if (!isObject(patch)) return clone(patch);
  if (patch.$patch === 'replace') {
    const { $patch: _ignored, ...rest } = patch;
    return clone(rest);
  }
  if (patch.$patch === 'delete') return {};
  const result: JsonObject = isObject(target) ? clone(target) : {};
  for (const [key, value] of Object.entries(patch)) {
    if (isDirective(key) || key === '$patch') continue;
    if (value === null) {
      delete result[key];
      continue;
    }
    const current = result[key];
    if (Array.isArray(value) && Array.isArray(current)) {
      result[key] = mergeList(key, current, value);
    } else {
      result[key] = strategicMergePatch(current, value);
    }
  }
  return result;
}

function mergeList(field: string, current: Json[], patch: Json[]): Json[] {
  const objects = [...current, ...patch].filter(isObject);
  const mergeKey = mergeKeyFor(field, objects);
  // Lists without a merge key (or of scalars) are replaced, exactly like a JSON merge patch.
  if (!mergeKey || objects.length !== current.length + patch.length) return clone(patch).filter((item) => !(isObject(item) && item.$patch));
  const result = clone(current).filter(isObject);
  for (const item of patch.filter(isObject)) {
    const keyValue = item[mergeKey];
    const index = result.findIndex((existing) => deepEqual(existing[mergeKey], keyValue));
    if (item.$patch === 'delete') {
      if (index >= 0) result.splice(index, 1);
    } else if (index >= 0) {
      result[index] = strategicMergePatch(result[index], item) as JsonObject;
    } else {
      result.push(strategicMergePatch(undefined, item) as JsonObject);
    }
  }
  return result;
}

/** RFC 6901 pointer to its tokens. */
function pointerTokens(pointer: string): string[] {
  if (pointer === '') return [];
  if (!pointer.startsWith('/')) throw badRequest(`invalid JSON pointer: "${pointer}"`);
  return pointer.slice(1).split('/').map((t) => t.replace(/~1/g, '/').replace(/~0/g, '~'));
}

function patchFailure(message: string): KubeError {
  // The real server reports a patch that cannot be applied as 422 (the request was well formed).
  return new KubeError(422, 'Invalid', `the server rejected our request due to an error in our request: ${message}`, {});
}

function parentOf(doc: Json, tokens: string[], pointer: string): { parent: Json; last: string } {
  let current: Json | undefined = doc;
  for (const token of tokens.slice(0, -1)) {
    if (Array.isArray(current)) current = current[Number(token)];
    else if (isObject(current)) current = current[token];
    else current = undefined;
    if (current === undefined) throw patchFailure(`jsonpatch: path "${pointer}" does not exist`);
  }
  return { parent: current, last: tokens[tokens.length - 1] ?? '' };
}

function arrayIndex(token: string, length: number, pointer: string, allowEnd: boolean): number {
  if (allowEnd && token === '-') return length;
  if (!/^(0|[1-9][0-9]*)$/.test(token)) throw patchFailure(`jsonpatch: invalid array index in "${pointer}"`);
  const index = Number(token);
  if (index > length || (!allowEnd && index === length)) throw patchFailure(`jsonpatch: index out of range in "${pointer}"`);
  return index;
}

function getAt(doc: Json, pointer: string): Json {
  const tokens = pointerTokens(pointer);
  if (tokens.length === 0) return doc;
  const { parent, last } = parentOf(doc, tokens, pointer);
  const value = Array.isArray(parent) ? parent[arrayIndex(last, parent.length, pointer, false)] : isObject(parent) ? parent[last] : undefined;
  if (value === undefined) throw patchFailure(`jsonpatch: path "${pointer}" does not exist`);
  return value;
}

function removeAt(doc: Json, pointer: string): Json {
  const tokens = pointerTokens(pointer);
  const { parent, last } = parentOf(doc, tokens, pointer);
  if (Array.isArray(parent)) {
    const [removed] = parent.splice(arrayIndex(last, parent.length, pointer, false), 1);
    return removed ?? null;
  }
  if (!isObject(parent) || !(last in parent)) throw patchFailure(`jsonpatch: path "${pointer}" does not exist`);
  const removed = parent[last] ?? null;
  delete parent[last];
  return removed;
}

function addAt(doc: Json, pointer: string, value: Json, replace: boolean): Json {
  const tokens = pointerTokens(pointer);
  if (tokens.length === 0) return value;
  const { parent, last } = parentOf(doc, tokens, pointer);
  if (Array.isArray(parent)) {
    const index = arrayIndex(last, parent.length, pointer, !replace);
    parent.splice(index, replace ? 1 : 0, value);
  } else if (isObject(parent)) {
    if (replace && !(last in parent)) throw patchFailure(`jsonpatch: replace path "${pointer}" does not exist`);
    parent[last] = value;
  } else {
    throw patchFailure(`jsonpatch: path "${pointer}" does not exist`);
  }
  return doc;
}

/** RFC 6902, all six operations, applied to a copy (the original is untouched on failure). */
export function jsonPatch(target: Json, operations: Json): Json {
  if (!Array.isArray(operations)) throw badRequest('json patch must be an array of operations');
  let doc = clone(target);
  for (const op of operations) {
    if (!isObject(op) || typeof op.op !== 'string' || typeof op.path !== 'string') {
      throw badRequest(`invalid json patch operation: ${JSON.stringify(op)}`);
    }
    const from = typeof op.from === 'string' ? op.from : undefined;
    const value = op.value === undefined ? undefined : clone(op.value);
    switch (op.op) {
      case 'add':
        if (value === undefined) throw badRequest('jsonpatch add operation does not apply: missing value');
        doc = addAt(doc, op.path, value, false);
        break;
      case 'replace':
        if (value === undefined) throw badRequest('jsonpatch replace operation does not apply: missing value');
        doc = op.path === '' ? value : addAt(doc, op.path, value, true);
        break;
      case 'remove':
        removeAt(doc, op.path);
        break;
      case 'move': {
        if (from === undefined) throw badRequest('jsonpatch move operation needs "from"');
        const moved = removeAt(doc, from);
        doc = addAt(doc, op.path, moved, false);
        break;
      }
      case 'copy':
        if (from === undefined) throw badRequest('jsonpatch copy operation needs "from"');
        doc = addAt(doc, op.path, clone(getAt(doc, from)), false);
        break;
      case 'test':
        if (!deepEqual(getAt(doc, op.path), value ?? null)) throw patchFailure(`testing value ${op.path} failed`);
        break;
      default:
        throw badRequest(`unexpected json patch operation "${op.op}"`);
    }
  }
  return doc;
}
