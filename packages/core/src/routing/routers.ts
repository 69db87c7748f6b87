import type { ValidationIssue } from '../errors';
import type { RequestRule, StickyPercentage } from './requestRules';

/**
 * The traffic routers Gantry drives, and which request rules each can carry (docs/ab-testing.md
 * keeps this table in words). A stage whose rules its cluster's router cannot carry is refused
 * when the pipeline is saved, naming the field, rather than failing (or silently routing
 * differently) when it runs.
 */
export const TRAFFIC_ROUTERS = ['localProxy', 'gatewayHttpRoute', 'istio', 'smi', 'kubernetesService', 'awsTargetGroups', 'gcpBackendService'] as const;
export type TrafficRouter = (typeof TRAFFIC_ROUTERS)[number];

export const RULE_FEATURES = ['headerEquals', 'headerRegex', 'cookie', 'pathPrefix', 'stickyPercentage'] as const;
export type RuleFeature = (typeof RULE_FEATURES)[number];

const ALL_BUT_STICKY: readonly RuleFeature[] = ['headerEquals', 'headerRegex', 'cookie', 'pathPrefix'];

export const ROUTER_RULES: Readonly<Record<TrafficRouter, { features: readonly RuleFeature[]; why?: string }>> = {
  // The proxy evaluates routeRequest itself; the sticky share hashes the user's key.
  localProxy: { features: RULE_FEATURES },
  // HTTPRoute matches (headers Exact/RegularExpression, the Cookie header by regex, PathPrefix);
  // neither has a sticky per-user share: their weights pick per request.
  gatewayHttpRoute: { features: ALL_BUT_STICKY, why: 'HTTPRoute weights are per request, not per user' },
  istio: { features: ALL_BUT_STICKY, why: 'VirtualService weights are per request, not per user' },
  smi: { features: [], why: 'an SMI TrafficSplit carries weights only' },
  kubernetesService: { features: [], why: 'a Service selects pods, it cannot route by request (set traffic.mode to gatewayHttpRoute or istio)' },
  // ALB listener rules: http-header (the cookie on the Cookie header) and path-pattern conditions
  // match with wildcards only; the sticky share is a weighted forward with ALB's stickiness.
  awsTargetGroups: { features: ['headerEquals', 'cookie', 'pathPrefix', 'stickyPercentage'], why: 'ALB listener rules match with wildcards, not regexes' },
  // URL map route rules: header exactMatch / regexMatch, the cookie on the Cookie header by
  // regexMatch, the path by fullPathMatch / prefixMatch; weightedBackendServices pick per request,
  // so, like Gateway API and Istio, no sticky per-user share.
  gcpBackendService: { features: ALL_BUT_STICKY, why: 'URL map weighted backend services pick per request, not per user' },
};

/** The features a stage's rules use, each with the path of the field that asks for it. */
export function ruleFeatures(rules: readonly RequestRule[], percentage: StickyPercentage | undefined): { feature: RuleFeature; path: (string | number)[] }[] {
  const used = rules.flatMap((rule, index) => [
    ...(rule.header === undefined ? [] : [{ feature: rule.header.regex === undefined ? ('headerEquals' as const) : ('headerRegex' as const), path: ['rules', index, 'header'] }]),
    ...(rule.cookie === undefined ? [] : [{ feature: 'cookie' as const, path: ['rules', index, 'cookie'] }]),
    ...(rule.pathPrefix === undefined ? [] : [{ feature: 'pathPrefix' as const, path: ['rules', index, 'pathPrefix'] }]),
  ]);
  return percentage === undefined ? used : [...used, { feature: 'stickyPercentage', path: ['percentage'] }];
}

const FEATURE_WORDS: Record<RuleFeature, string> = {
  headerEquals: 'a header match',
  headerRegex: 'a header regex match',
  cookie: 'a cookie match',
  pathPrefix: 'a path prefix match',
  stickyPercentage: 'a sticky percentage of users',
};

/** What the router cannot carry, one issue per field (paths relative to the stage). */
export function routingIssues(router: TrafficRouter, rules: readonly RequestRule[], percentage: StickyPercentage | undefined): ValidationIssue[] {
  const { features, why } = ROUTER_RULES[router];
  return ruleFeatures(rules, percentage)
    .filter(({ feature }) => !features.includes(feature))
    .map(({ feature, path }) => ({ path, message: `the ${router} router cannot route by ${FEATURE_WORDS[feature]}${why === undefined ? '' : ` (${why})`}` }));
}
