import { createHash } from 'node:crypto';
import type { protos } from '@google-cloud/compute';
import type { RequestRouting, RequestRule } from '@gantry/core';

type RouteRule = protos.google.cloud.compute.v1.IHttpRouteRule;
type MatchRule = protos.google.cloud.compute.v1.IHttpRouteRuleMatch;
type HeaderMatch = protos.google.cloud.compute.v1.IHttpHeaderMatch;

/**
 * Pure translation of an A/B routing (core's request rules) into URL map route rules of a path
 * matcher. A route rule's match rules are ORed, and inside one the path match and the header
 * matches are ANDed, so:
 * - one route rule carries every Gantry rule (one match rule each, two for a path prefix) and
 *   sends the matching requests to the variant's backend service;
 * - a header `equals` is an `exactMatch`, a `regex` a `regexMatch` (RE2, the whole value);
 * - a cookie is the `Cookie` header by `regexMatch` (`name=value` as a whole pair);
 * - a path prefix is element-wise as core's `pathHasPrefix`: `fullPathMatch` `/shop` or
 *   `prefixMatch` `/shop/` (GCE's prefixMatch alone is a plain string prefix);
 * - no sticky percentage: `weightedBackendServices` pick per request, not per user (core's
 *   ROUTER_RULES refuses it at save).
 */

/** The cluster's A/B backend service: one per cluster at a time, named so a re-run finds it. */
export function abBackendServiceName(cluster: string): string {
  const plain = `${cluster}-ab`;
  if (/^[a-z]([-a-z0-9]{0,61}[a-z0-9])?$/.test(plain)) return plain;
  return `ab-${createHash('sha256').update(cluster).digest('hex').slice(0, 60)}`;
}

/** RE2 with the characters that mean something escaped. */
function escapeRegex(value: string): string {
  return value.replace(/[\\^$.*+?()[\]{}|]/g, '\\$&');
}

/** The Cookie header holding `name=<value pattern>` as one of its pairs (browsers join pairs with "; "). */
export function cookieRegex(name: string, value: string): string {
  return `(?:.*;\\s*)?${escapeRegex(name)}=${value}(?:;.*)?`;
}

function pathMatches(prefix: string | undefined): MatchRule[] {
  if (prefix === undefined) return [{ prefixMatch: '/' }];
  if (prefix.endsWith('/')) return [{ prefixMatch: prefix }];
  return [{ fullPathMatch: prefix }, { prefixMatch: `${prefix}/` }];
}

function matchRules(rule: RequestRule): MatchRule[] {
  const headers: HeaderMatch[] = [];
  if (rule.header !== undefined) {
    const { name, equals, regex } = rule.header;
    headers.push(equals !== undefined ? { headerName: name, exactMatch: equals } : { headerName: name, regexMatch: regex ?? '' });
  }
  if (rule.cookie !== undefined) headers.push({ headerName: 'Cookie', regexMatch: cookieRegex(rule.cookie.name, escapeRegex(rule.cookie.equals)) });
  return pathMatches(rule.pathPrefix).map((path) => (headers.length === 0 ? path : { ...path, headerMatches: headers }));
}

/** The route rule of a routing (none without rules), its priority `first`. */
export function gcpRouteRules(routing: Pick<RequestRouting, 'rules'>, variant: string, first: number): RouteRule[] {
  return routing.rules.length === 0 ? [] : [{ priority: first, matchRules: routing.rules.flatMap(matchRules), service: variant }];
}

/** Whether a route rule sends requests to `service` (a backend service URL). */
export function routesTo(rule: RouteRule, service: string): boolean {
  return sameService(rule.service, service) || (rule.routeAction?.weightedBackendServices ?? []).some((entry) => sameService(entry.backendService, service));
}

/** Whether two backend service references (URLs or paths) name the same one. */
export function sameService(a: string | null | undefined, b: string): boolean {
  if (typeof a !== 'string' || a === '') return false;
  const tail = (link: string) => link.replace(/^https?:\/\/[^/]+\/compute\/v1\//, '').replace(/^\/+/, '');
  return tail(a) === tail(b);
}

/** A route rule's fields Gantry writes, without what the API adds or leaves empty, for comparison. */
export function canonicalRule(rule: RouteRule): string {
  const clean = (value: unknown): unknown => {
    if (Array.isArray(value)) {
      const items = value.map(clean).filter((item) => item !== undefined);
      return items.length === 0 ? undefined : items;
    }
    if (value !== null && typeof value === 'object') {
      // The client's decoded messages carry proto3 optional markers (`_prefixMatch: 'prefixMatch'`).
      const entries = Object.entries(value)
        .filter(([key]) => !key.startsWith('_'))
        .map(([key, item]) => [key, clean(item)] as const)
        .filter(([, item]) => item !== undefined)
        .sort(([a], [b]) => a.localeCompare(b));
      return entries.length === 0 ? undefined : Object.fromEntries(entries);
    }
    if (value === null || value === '') return undefined;
    if (typeof value === 'string') return value.replace(/^https?:\/\/[^/]+\/compute\/v1\//, '');
    return value;
  };
  return JSON.stringify(clean({ priority: rule.priority, matchRules: rule.matchRules, service: rule.service, routeAction: { weightedBackendServices: rule.routeAction?.weightedBackendServices } }));
}
