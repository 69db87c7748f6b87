import { z } from 'zod';
import { compileRe2, re2Problem } from '../re2';

/**
 * Routing by request attributes (the `abTest` stage, docs/ab-testing.md): which requests of a
 * cluster go to the variant server group and which to the control. Pure: every router (the local
 * proxy, and the Kubernetes/AWS/GCP translations) follows this one definition, and the local proxy
 * evaluates it per request with `routeRequest`.
 *
 * - `rules` are ORed; the conditions inside one rule (`header`, `cookie`, `pathPrefix`) are ANDed,
 *   as Gateway API, Istio and GCP URL maps combine matches.
 * - `percentage` sends a sticky share of users: the user's key (a cookie or header) hashed into
 *   one of 10,000 buckets, so one user always lands on the same side. A request without the key
 *   goes to the control (there is no user to keep it sticky for).
 * Regexes are RE2 and must match the whole value (as Envoy and GCP URL maps do).
 */

// RFC 9110 token characters: what a header or cookie name may be.
const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
const headerName = z.string().regex(TOKEN, 'a header name (RFC 9110 token characters)').max(256);
const cookieName = z.string().regex(TOKEN, 'a cookie name (RFC 9110 token characters)').max(256);
// Values travel in HTTP headers and YAML: no control characters.
const headerValue = z
  .string()
  .min(1)
  .max(1024)
  .refine((value) => ![...value].some((char) => char.charCodeAt(0) < 0x20 || char.charCodeAt(0) === 0x7f), 'no control characters');
const regex = z
  .string()
  .min(1)
  .max(1024)
  .superRefine((source, ctx) => {
    const problem = re2Problem(source);
    if (problem !== undefined) ctx.addIssue({ code: 'custom', message: problem });
  });

export const headerMatchSchema = z
  .strictObject({ name: headerName, equals: headerValue.optional(), regex: regex.optional() })
  .refine((match) => (match.equals === undefined) !== (match.regex === undefined), { message: 'give equals or regex (one of them)' });

/** A cookie by exact value: every router that can match a cookie does so on the Cookie header. */
export const cookieMatchSchema = z.strictObject({
  name: cookieName,
  equals: headerValue.regex(/^[^;,\s"\\]*$/, 'a cookie value (no ; , spaces, quotes or backslashes)'),
});

export const requestRuleSchema = z
  .strictObject({
    header: headerMatchSchema.optional(),
    cookie: cookieMatchSchema.optional(),
    pathPrefix: z.string().startsWith('/', 'a path starting with /').max(1024).regex(/^[^\s?#]*$/, 'a path without spaces, ? or #').optional(),
  })
  .refine((rule) => rule.header !== undefined || rule.cookie !== undefined || rule.pathPrefix !== undefined, {
    message: 'give at least one of header, cookie, pathPrefix',
  });

export const stickyPercentageSchema = z
  .strictObject({
    percent: z.number().gt(0, 'more than 0').lt(100, 'less than 100 (100 would be a promotion)'),
    cookie: cookieName.optional(),
    header: headerName.optional(),
  })
  .refine((sticky) => (sticky.cookie === undefined) !== (sticky.header === undefined), {
    message: 'give the cookie or the header that identifies a user (one of them)',
  });

export type HeaderMatch = z.output<typeof headerMatchSchema>;
export type CookieMatch = z.output<typeof cookieMatchSchema>;
export type RequestRule = z.output<typeof requestRuleSchema>;
export type StickyPercentage = z.output<typeof stickyPercentageSchema>;

/** What a router is asked to do: the variant's share of the cluster's requests, the rest to the control. */
export const requestRoutingSchema = z.strictObject({
  control: z.string().min(1),
  variant: z.string().min(1),
  rules: z.array(requestRuleSchema),
  percentage: stickyPercentageSchema.optional(),
});

export type RequestRouting = z.output<typeof requestRoutingSchema>;

export type RequestSide = 'control' | 'variant';

/** A request as a router sees it: header names in any case, values as sent (arrays for repeated headers). */
export interface RoutedRequest {
  path: string;
  headers: Readonly<Record<string, string | readonly string[] | undefined>>;
}

/** Which side serves this request. */
export function routeRequest(routing: Pick<RequestRouting, 'rules' | 'percentage'>, request: RoutedRequest): RequestSide {
  const headers = lowerCased(request.headers);
  if (routing.rules.some((rule) => ruleMatches(rule, request.path, headers))) return 'variant';
  const sticky = routing.percentage;
  if (sticky === undefined) return 'control';
  const key = sticky.cookie !== undefined ? cookieValue(headers.get('cookie'), sticky.cookie) : headers.get((sticky.header ?? '').toLowerCase())?.[0];
  if (key === undefined || key === '') return 'control';
  return stickyBucket(key) < Math.round(sticky.percent * 100) ? 'variant' : 'control';
}

/** One of 10,000 buckets (FNV-1a over the key's UTF-8 bytes): stable across processes and versions. */
export function stickyBucket(key: string): number {
  let hash = 0x811c9dc5;
  for (const byte of new TextEncoder().encode(key)) {
    hash ^= byte;
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash % 10_000;
}

function ruleMatches(rule: RequestRule, path: string, headers: ReadonlyMap<string, readonly string[]>): boolean {
  if (rule.pathPrefix !== undefined && !pathHasPrefix(path, rule.pathPrefix)) return false;
  if (rule.header !== undefined) {
    const values = headers.get(rule.header.name.toLowerCase()) ?? [];
    const { equals, regex } = rule.header;
    if (!values.some((value) => (equals !== undefined ? value === equals : fullMatch(regex ?? '', value)))) return false;
  }
  if (rule.cookie !== undefined && cookieValue(headers.get('cookie'), rule.cookie.name) !== rule.cookie.equals) return false;
  return true;
}

/**
 * Gateway API's PathPrefix: element-wise, so `/beta` matches `/beta` and `/beta/x`, not `/betamax`.
 * A prefix ending in `/` matches what starts with it.
 */
export function pathHasPrefix(path: string, prefix: string): boolean {
  const bare = path.split(/[?#]/, 1)[0] ?? '';
  if (prefix === '/' || prefix.endsWith('/')) return bare.startsWith(prefix);
  return bare === prefix || bare.startsWith(`${prefix}/`);
}

function fullMatch(source: string, value: string): boolean {
  return compileRe2(`^(?:${source})$`).test(value);
}

/** The first value of the named cookie across the request's Cookie headers (RFC 6265 §5.4: `a=1; b=2`). */
export function cookieValue(cookieHeaders: readonly string[] | undefined, name: string): string | undefined {
  for (const header of cookieHeaders ?? []) {
    for (const pair of header.split(';')) {
      const at = pair.indexOf('=');
      if (at > 0 && pair.slice(0, at).trim() === name) return pair.slice(at + 1).trim();
    }
  }
  return undefined;
}

/** An RE2 pattern for the whole Cookie header that holds `name=value` (for routers that match cookies as a header). */
export function cookieHeaderRegex(match: CookieMatch): string {
  return `(.*;\\s*)?${escapeRe2(match.name)}=${escapeRe2(match.equals)}(;.*)?`;
}

function escapeRe2(text: string): string {
  return text.replace(/[\\^$.|?*+()[\]{}]/g, '\\$&');
}

function lowerCased(headers: RoutedRequest['headers']): Map<string, readonly string[]> {
  const result = new Map<string, string[]>();
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined) continue;
    const key = name.toLowerCase();
    result.set(key, [...(result.get(key) ?? []), ...(typeof value === 'string' ? [value] : value)]);
  }
  return result;
}
