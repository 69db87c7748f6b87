import { createHash } from 'node:crypto';
import type { protos } from '@google-cloud/compute';
import type { RequestRouting, RequestRule, StickyPercentage } from '@gantry/core';

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
 * - a sticky percentage is a last rule for requests that carry the user's key, with
 *   `weightedBackendServices` (variant `percent × 10` of 1,000): GCE picks per request, so the
 *   share is of requests, not of users (no hash of the key as the local proxy does).
 */

const WEIGHT_SCALE = 10;

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

function stickyRule(sticky: StickyPercentage, variant: string, control: string): RouteRule {
  // Only requests that carry the user's key are shared out; the others stay on the control, as with the local proxy.
  const key: HeaderMatch = sticky.cookie !== undefined ? { headerName: 'Cookie', regexMatch: cookieRegex(sticky.cookie, '[^;]+') } : { headerName: sticky.header ?? '', presentMatch: true };
  const variantWeight = Math.min(999, Math.max(1, Math.round(sticky.percent * WEIGHT_SCALE)));
  return {
    matchRules: [{ prefixMatch: '/', headerMatches: [key] }],
    routeAction: {
      weightedBackendServices: [
        { backendService: variant, weight: variantWeight },
        { backendService: control, weight: 100 * WEIGHT_SCALE - variantWeight },
      ],
    },
  };
}

/** The route rules of a routing, in order (the sticky rule last), priorities from `first` on. */
export function gcpRouteRules(routing: Pick<RequestRouting, 'rules' | 'percentage'>, variant: string, control: string, first: number): RouteRule[] {
  const rules: RouteRule[] = [];
  if (routing.rules.length > 0) rules.push({ matchRules: routing.rules.flatMap(matchRules), service: variant });
  if (routing.percentage !== undefined) rules.push(stickyRule(routing.percentage, variant, control));
  return rules.map((rule, index) => ({ priority: first + index, ...rule }));
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
