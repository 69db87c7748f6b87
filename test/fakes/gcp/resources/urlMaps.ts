/**
 * `global/urlMaps` and `regions/R/urlMaps`: insert, get, list, delete, patch, update (both check
 * `fingerprint` when sent). References to backend services must exist, in the map's scope; path
 * matchers' `routeRules` are checked as GCE checks them (unique priorities 0–2147483647, one of
 * `service` / `routeAction.weightedBackendServices` (weights 0–1000), match rules with one path
 * match and header matches of one kind each). `routeUrlMap` answers which backend service(s) a
 * request would reach, so a test can check routing per request.
 */
import { isObject, type Json, type JsonObject } from '../../kubernetes/json';
import type { ApiRequest, ApiResponse, CollectionApi, FakeContext } from '../api';
import { alreadyExists, conditionNotMet, invalidField, notFound } from '../errors';
import { regionLink, relativeName, selfLink, type Scope } from '../links';
import { newFingerprint, timestamp } from '../store';
import { requireName } from '../validation';
import { listPage, ok, operation, pathName, requireBody, requireReference, requireResource, withoutServerFields } from './common';

const COLLECTION = 'urlMaps';
const MAX_PRIORITY = 2_147_483_647;
const MAX_WEIGHT = 1000;
const HEADER_MATCHES = ['exactMatch', 'regexMatch', 'prefixMatch', 'suffixMatch', 'presentMatch', 'rangeMatch'];
const PATH_MATCHES = ['prefixMatch', 'fullPathMatch', 'regexMatch', 'pathTemplateMatch'];

const list = (value: Json | undefined): Json[] => (Array.isArray(value) ? value : []);

/** A backend service reference, which must exist in the map's scope; answered as its full URL. */
function serviceLink(context: FakeContext, scope: Scope, value: Json | undefined, field: string): string {
  const reference = requireReference(context, value, 'backendServices', field);
  const sameScope = reference.scope.kind === scope.kind && (scope.kind !== 'region' || (reference.scope.kind === 'region' && reference.scope.region === scope.region));
  if (!sameScope) throw invalidField(field, String(value), 'The backend service must be in the URL map\'s scope.');
  if (!context.store.has('backendServices', reference.scope, reference.name)) throw notFound(relativeName(reference.project, reference.scope, 'backendServices', reference.name));
  return selfLink(reference.project, reference.scope, 'backendServices', reference.name);
}

function normalizeRouteRule(context: FakeContext, scope: Scope, rule: Json, field: string, priorities: Set<number>): JsonObject {
  if (!isObject(rule)) throw invalidField(field, JSON.stringify(rule), 'Must be a route rule.');
  const priority = rule.priority;
  if (typeof priority !== 'number' || !Number.isInteger(priority) || priority < 0 || priority > MAX_PRIORITY) throw invalidField(`${field}.priority`, String(priority), `Must be between 0 and ${MAX_PRIORITY}.`);
  if (priorities.has(priority)) throw invalidField(`${field}.priority`, String(priority), 'Priorities of route rules in a path matcher must be unique.');
  priorities.add(priority);
  const matchRules = list(rule.matchRules).map((match, index) => {
    const at = `${field}.matchRules[${index}]`;
    if (!isObject(match)) throw invalidField(at, JSON.stringify(match), 'Must be a match rule.');
    if (PATH_MATCHES.filter((kind) => match[kind] !== undefined).length > 1) throw invalidField(at, JSON.stringify(match), `Only one of ${PATH_MATCHES.join(', ')} may be set.`);
    for (const [headerIndex, header] of list(match.headerMatches).entries()) {
      const headerAt = `${at}.headerMatches[${headerIndex}]`;
      if (!isObject(header) || typeof header.headerName !== 'string' || header.headerName === '') throw invalidField(`${headerAt}.headerName`, JSON.stringify(header), 'A header name is required.');
      if (HEADER_MATCHES.filter((kind) => header[kind] !== undefined).length !== 1) throw invalidField(headerAt, JSON.stringify(header), `Exactly one of ${HEADER_MATCHES.join(', ')} must be set.`);
    }
    return match;
  });
  const weighted = isObject(rule.routeAction) ? list(rule.routeAction.weightedBackendServices) : [];
  if ((rule.service !== undefined) === weighted.length > 0) throw invalidField(field, JSON.stringify(rule), 'Exactly one of service or routeAction.weightedBackendServices must be set.');
  const normalized: JsonObject = { ...rule, matchRules };
  if (rule.service !== undefined) normalized.service = serviceLink(context, scope, rule.service, `${field}.service`);
  else {
    normalized.routeAction = {
      ...(isObject(rule.routeAction) ? rule.routeAction : {}),
      weightedBackendServices: weighted.map((entry, index) => {
        const at = `${field}.routeAction.weightedBackendServices[${index}]`;
        if (!isObject(entry)) throw invalidField(at, JSON.stringify(entry), 'Must be a weighted backend service.');
        const weight = entry.weight;
        if (typeof weight !== 'number' || !Number.isInteger(weight) || weight < 0 || weight > MAX_WEIGHT) throw invalidField(`${at}.weight`, String(weight), `Must be between 0 and ${MAX_WEIGHT}.`);
        return { ...entry, backendService: serviceLink(context, scope, entry.backendService, `${at}.backendService`), weight };
      }),
    };
  }
  return normalized;
}

function normalize(context: FakeContext, scope: Scope, map: JsonObject): JsonObject {
  if (map.defaultService === undefined) throw invalidField('resource.defaultService', '', 'A default service is required.');
  const names = new Set<string>();
  const pathMatchers = list(map.pathMatchers).map((matcher, index) => {
    const field = `resource.pathMatchers[${index}]`;
    if (!isObject(matcher) || typeof matcher.name !== 'string') throw invalidField(`${field}.name`, JSON.stringify(matcher), 'A path matcher needs a name.');
    if (names.has(matcher.name)) throw invalidField(`${field}.name`, matcher.name, 'Duplicate path matcher name.');
    names.add(matcher.name);
    const priorities = new Set<number>();
    return {
      ...matcher,
      defaultService: serviceLink(context, scope, matcher.defaultService, `${field}.defaultService`),
      routeRules: list(matcher.routeRules).map((rule, ruleIndex) => normalizeRouteRule(context, scope, rule, `${field}.routeRules[${ruleIndex}]`, priorities)),
    };
  });
  for (const [index, rule] of list(map.hostRules).entries()) {
    if (!isObject(rule) || typeof rule.pathMatcher !== 'string' || !names.has(rule.pathMatcher)) throw invalidField(`resource.hostRules[${index}].pathMatcher`, JSON.stringify(rule), 'Must name a path matcher of this URL map.');
  }
  return { ...map, defaultService: serviceLink(context, scope, map.defaultService, 'resource.defaultService'), pathMatchers };
}

function checkFingerprint(current: JsonObject, body: JsonObject): void {
  if (body.fingerprint !== undefined && body.fingerprint !== current.fingerprint) throw conditionNotMet('Invalid fingerprint.');
}

export const urlMaps: CollectionApi = {
  list: (context, request) => listPage(request, context, 'compute#urlMapList', context.store.list(COLLECTION, request.scope)),

  get: (context, request) => ok(requireResource(context, COLLECTION, request.scope, pathName(request))),

  insert: (context, request) => {
    const body = requireBody(request);
    const name = requireName(body.name);
    if (context.store.has(COLLECTION, request.scope, name)) throw alreadyExists(relativeName(context.project, request.scope, COLLECTION, name));
    const map: JsonObject = {
      ...normalize(context, request.scope, withoutServerFields(body)),
      kind: 'compute#urlMap',
      id: context.store.newId(),
      creationTimestamp: timestamp(),
      name,
      selfLink: selfLink(context.project, request.scope, COLLECTION, name),
      fingerprint: newFingerprint(),
    };
    if (request.scope.kind === 'region') map.region = regionLink(context.project, request.scope.region);
    context.store.put(COLLECTION, request.scope, map);
    return operation(context, request, { scope: request.scope, operationType: 'insert', targetLink: String(map.selfLink), targetId: String(map.id) });
  },

  update: (context, request) => write(context, request, false),
  patch: (context, request) => write(context, request, true),

  delete: (context, request) => {
    const current = requireResource(context, COLLECTION, request.scope, pathName(request));
    context.store.remove(COLLECTION, request.scope, pathName(request));
    return operation(context, request, { scope: request.scope, operationType: 'delete', targetLink: String(current.selfLink), targetId: String(current.id) });
  },
};

/** update replaces the writable fields; patch merges the given top-level ones (lists replaced whole, as GCE's JSON merge does). */
function write(context: FakeContext, request: ApiRequest, merge: boolean): ApiResponse {
  const current = requireResource(context, COLLECTION, request.scope, pathName(request));
  const body = requireBody(request);
  checkFingerprint(current, body);
  if (body.name !== undefined && body.name !== current.name) throw invalidField('resource.name', String(body.name), 'The name of a URL map cannot be changed.');
  const server: JsonObject = {};
  for (const field of ['kind', 'id', 'creationTimestamp', 'name', 'selfLink', 'region']) if (current[field] !== undefined) server[field] = current[field] ?? null;
  const writable = merge ? { ...withoutServerFields(current), ...withoutServerFields(body) } : withoutServerFields(body);
  const updated: JsonObject = { ...normalize(context, request.scope, writable), ...server, fingerprint: newFingerprint() };
  context.store.put(COLLECTION, request.scope, updated);
  return operation(context, request, { scope: request.scope, operationType: merge ? 'patch' : 'update', targetLink: String(updated.selfLink), targetId: String(updated.id) });
}

/** A request as a URL map sees it. */
export interface UrlMapRequest {
  host?: string;
  path: string;
  headers: Readonly<Record<string, string>>;
}

/**
 * The backend services (with weights) a URL map sends a request to: the host's path matcher (else
 * the map's default), its route rules by ascending priority (a rule matches when any of its match
 * rules does: the path match and every header match), else the matcher's default service.
 */
export function routeUrlMap(map: JsonObject, request: UrlMapRequest): { priority?: number; services: { service: string; weight: number }[] } {
  const matcherName = list(map.hostRules).find((rule) => isObject(rule) && list(rule.hosts).some((host) => host === '*' || host === request.host));
  const matcher = list(map.pathMatchers).find((candidate) => isObject(candidate) && isObject(matcherName) && candidate.name === matcherName.pathMatcher);
  if (!isObject(matcher)) return { services: [{ service: String(map.defaultService), weight: 1 }] };
  const rules = list(matcher.routeRules).filter(isObject).sort((a, b) => Number(a.priority) - Number(b.priority));
  const rule = rules.find((candidate) => list(candidate.matchRules).some((match) => isObject(match) && matchRuleMatches(match, request)));
  if (rule === undefined) return { services: [{ service: String(matcher.defaultService), weight: 1 }] };
  const weighted = isObject(rule.routeAction) ? list(rule.routeAction.weightedBackendServices).filter(isObject) : [];
  return {
    priority: Number(rule.priority),
    services: weighted.length > 0 ? weighted.map((entry) => ({ service: String(entry.backendService), weight: Number(entry.weight) })) : [{ service: String(rule.service), weight: 1 }],
  };
}

function matchRuleMatches(match: JsonObject, request: UrlMapRequest): boolean {
  const path = request.path.split('?', 1)[0] ?? '';
  if (typeof match.prefixMatch === 'string' && !path.startsWith(match.prefixMatch)) return false;
  if (typeof match.fullPathMatch === 'string' && path !== match.fullPathMatch) return false;
  if (typeof match.regexMatch === 'string' && !new RegExp(`^(?:${match.regexMatch})$`).test(path)) return false;
  return list(match.headerMatches).every((header) => {
    if (!isObject(header)) return false;
    const value = Object.entries(request.headers).find(([name]) => name.toLowerCase() === String(header.headerName).toLowerCase())?.[1];
    const matched =
      header.presentMatch !== undefined ? (value !== undefined) === (header.presentMatch === true)
      : value === undefined ? false
      : typeof header.exactMatch === 'string' ? value === header.exactMatch
      : typeof header.regexMatch === 'string' ? new RegExp(`^(?:${header.regexMatch})$`).test(value)
      : typeof header.prefixMatch === 'string' ? value.startsWith(header.prefixMatch)
      : typeof header.suffixMatch === 'string' ? value.endsWith(header.suffixMatch)
      : false;
    return header.invertMatch === true ? !matched : matched;
  });
}
