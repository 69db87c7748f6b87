/** Picks the patch algorithm from the request's Content-Type, as the API server does. */
import { parse as parseYaml } from 'yaml';
import { isObject, type Json, type JsonObject } from './json';
import { jsonPatch, mergePatch, strategicMergePatch } from './patch';
import { bodyText, parseJson, type ResourceRequest } from './request';
import type { ResourceType } from './resources';
import { badRequest, unsupportedMediaType } from './status';

export const MERGE_PATCH = 'application/merge-patch+json';
export const STRATEGIC_MERGE_PATCH = 'application/strategic-merge-patch+json';
export const JSON_PATCH = 'application/json-patch+json';
/** Server-side apply, simplified: see applyConfiguration. */
export const APPLY_PATCH = 'application/apply-patch+yaml';

/**
 * The object of a server-side apply request (YAML or JSON). The fake merges it into the live
 * object like a strategic merge patch (a merge patch for custom resources): it does not track
 * field managers, so fields a manager stops applying are kept, and there are no apply conflicts.
 */
export function applyConfiguration(request: ResourceRequest): JsonObject {
  if (!request.query.get('fieldManager')) throw badRequest('fieldManager is required for apply patch');
  let parsed: unknown;
  try {
    parsed = parseYaml(bodyText(request));
  } catch (error) {
    throw badRequest(`error decoding YAML: ${(error as Error).message}`);
  }
  if (!isObject(parsed)) throw badRequest('the apply configuration must be an object');
  return parsed;
}

export function mergeApplied(resource: ResourceType, live: Json, applied: JsonObject): Json {
  return resource.custom ? mergePatch(live, applied) : strategicMergePatch(live, applied);
}

export function applyPatch(resource: ResourceType, target: Json, request: ResourceRequest): Json {
  // Custom resources have no strategic-merge schema: the real server answers 415 for them.
  const supported = resource.custom ? [JSON_PATCH, MERGE_PATCH, APPLY_PATCH] : [JSON_PATCH, MERGE_PATCH, STRATEGIC_MERGE_PATCH, APPLY_PATCH];
  if (!supported.includes(request.contentType)) throw unsupportedMediaType(request.contentType, supported);
  if (request.contentType === APPLY_PATCH) return mergeApplied(resource, target, applyConfiguration(request));
  const body = parseJson(bodyText(request));
  switch (request.contentType) {
    case MERGE_PATCH: return mergePatch(target, body);
    case STRATEGIC_MERGE_PATCH: return strategicMergePatch(target, body);
    default: return jsonPatch(target, body);
  }
}
