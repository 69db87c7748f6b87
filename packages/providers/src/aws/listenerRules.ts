import { createHash } from 'node:crypto';
import type { RequestRouting, RequestRule, StickyPercentage } from '@gantry/core';

/**
 * Pure translation of an A/B routing (core's request rules) into ALB listener rules. ALB matches
 * with wildcards only (`*`, `?`), header values case-insensitively, and ANDs the conditions of a
 * rule, so:
 * - a header `equals` is an `http-header` condition with the value (compared case-insensitively);
 *   a regex has no ALB form (the pipeline save refuses it, core's ROUTER_RULES.awsTargetGroups);
 * - a cookie is matched on the Cookie header, where `name=value` is the whole header, its first
 *   pair, or a later one: four wildcard patterns, more than one condition may hold (3), so a
 *   cookie rule becomes two listener rules of two patterns each;
 * - a path prefix is element-wise as core's `pathHasPrefix`: `/shop` and `/shop/*`;
 * - a sticky percentage is a last rule for requests that carry the user's key, a weighted forward
 *   with target group stickiness: ALB keeps a user on the side its own cookie (AWSALBTG) names,
 *   so the share is of users, sticky for STICKY_SECONDS, but which user lands where is ALB's pick,
 *   not the hash of the key that the local proxy uses.
 */

export interface AlbCondition {
  Field: 'http-header' | 'path-pattern';
  HttpHeaderConfig?: { HttpHeaderName: string; Values: string[] };
  PathPatternConfig?: { Values: string[] };
}

/** One listener rule to write: its conditions, and whether it is the weighted sticky rule. */
export interface AlbRule {
  conditions: AlbCondition[];
  sticky?: { variantWeight: number; controlWeight: number };
}

/** ALB's limits: a target group weight is 0–999, a condition value 1–128 characters. */
const WEIGHT_SCALE = 10;
const MAX_VALUE = 128;
/** Longest ALB target group stickiness: seven days, past any experiment's window. */
export const STICKY_SECONDS = 604_800;

/** The cluster's A/B target group: one per cluster at a time, named so a re-run finds it. */
export function abTargetGroupName(cluster: string): string {
  const plain = `${cluster}-ab`;
  if (/^[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?$/.test(plain) && plain.length <= 32 && !plain.startsWith('internal-')) return plain;
  return `ab-${createHash('sha256').update(cluster).digest('hex').slice(0, 29)}`;
}

/** The listener rules of a routing, in priority order (the sticky rule last), or why ALB cannot carry it. */
export function albRules(routing: Pick<RequestRouting, 'rules' | 'percentage'>): AlbRule[] | { problem: string } {
  const problems: string[] = [];
  const rules = routing.rules.flatMap((rule, index) => ruleVariants(rule, `rules.${index}`, problems).map((conditions) => ({ conditions })));
  const sticky = routing.percentage === undefined ? [] : [stickyRule(routing.percentage)];
  for (const rule of [...rules, ...sticky]) {
    for (const condition of rule.conditions) {
      for (const value of condition.HttpHeaderConfig?.Values ?? condition.PathPatternConfig?.Values ?? []) {
        if (value.length > MAX_VALUE) problems.push(`an ALB condition value is at most ${MAX_VALUE} characters: ${value.slice(0, 40)}…`);
      }
    }
  }
  return problems.length > 0 ? { problem: problems.join('; ') } : [...rules, ...sticky];
}

function ruleVariants(rule: RequestRule, path: string, problems: string[]): AlbCondition[][] {
  const base: AlbCondition[] = [];
  if (rule.pathPrefix !== undefined) {
    const prefix = rule.pathPrefix;
    if (/[*?]/.test(prefix)) problems.push(`${path}.pathPrefix: ALB path patterns treat * and ? as wildcards`);
    base.push({ Field: 'path-pattern', PathPatternConfig: { Values: prefix.endsWith('/') ? [`${prefix}*`] : [prefix, `${prefix}/*`] } });
  }
  if (rule.header !== undefined) {
    const { name, equals } = rule.header;
    if (equals === undefined) problems.push(`${path}.header: ALB cannot match a header by regex`);
    else if (/[*?]/.test(equals)) problems.push(`${path}.header: ALB header values treat * and ? as wildcards`);
    else base.push({ Field: 'http-header', HttpHeaderConfig: { HttpHeaderName: name, Values: [equals] } });
  }
  if (rule.cookie === undefined) return [base];
  const pair = `${rule.cookie.name}=${rule.cookie.equals}`;
  if (/[*?]/.test(pair)) problems.push(`${path}.cookie: ALB header values treat * and ? as wildcards`);
  // Browsers join cookies with "; " (RFC 6265 §5.4).
  return [
    [...base, { Field: 'http-header', HttpHeaderConfig: { HttpHeaderName: 'Cookie', Values: [pair, `${pair};*`] } }],
    [...base, { Field: 'http-header', HttpHeaderConfig: { HttpHeaderName: 'Cookie', Values: [`*; ${pair}`, `*; ${pair};*`] } }],
  ];
}

function stickyRule(sticky: StickyPercentage): AlbRule {
  // Only requests that carry the user's key are shared out; the others stay on the control, as with the local proxy.
  const key: AlbCondition =
    sticky.cookie !== undefined
      ? { Field: 'http-header', HttpHeaderConfig: { HttpHeaderName: 'Cookie', Values: [`${sticky.cookie}=?*`, `*; ${sticky.cookie}=?*`] } }
      : { Field: 'http-header', HttpHeaderConfig: { HttpHeaderName: sticky.header ?? '', Values: ['?*'] } };
  const variantWeight = Math.max(1, Math.round(sticky.percent * WEIGHT_SCALE));
  return { conditions: [key], sticky: { variantWeight, controlWeight: 100 * WEIGHT_SCALE - variantWeight } };
}
