import { cookieHeaderRegex, type RequestRouting, type RequestRule } from '@gantry/core';
import type { KubernetesTrafficMode } from './account';
import { LABELS, MANAGED_BY } from './labels';

/**
 * Pure builders of the objects that carry a cluster's traffic for each router (account or cluster
 * `traffic.mode`, docs/ab-testing.md): Gateway API HTTPRoute, Istio VirtualService + DestinationRule,
 * SMI TrafficSplit. Each object is named after the cluster (the HTTPRoute by the account's
 * template) and fully describes the split, so writing it again is idempotent.
 */

export interface CustomKind {
  group: string;
  version: string;
  plural: string;
  kind: string;
}

export const HTTP_ROUTE: CustomKind = { group: 'gateway.networking.k8s.io', version: 'v1', plural: 'httproutes', kind: 'HTTPRoute' };
export const VIRTUAL_SERVICE: CustomKind = { group: 'networking.istio.io', version: 'v1', plural: 'virtualservices', kind: 'VirtualService' };
export const DESTINATION_RULE: CustomKind = { group: 'networking.istio.io', version: 'v1', plural: 'destinationrules', kind: 'DestinationRule' };
// v1alpha2: integer weights, as Linkerd's SMI extension serves them.
export const TRAFFIC_SPLIT: CustomKind = { group: 'split.smi-spec.io', version: 'v1alpha2', plural: 'trafficsplits', kind: 'TrafficSplit' };

export interface RouteBackend {
  /** The server group (its Service for Gateway API and SMI, its subset for Istio). */
  name: string;
  port: number;
  weight: number;
}

export interface ClusterRouteInput {
  namespace: string;
  application: string;
  cluster: string;
  /** The HTTPRoute's name (the account's template filled in). */
  httpRouteName: string;
  parentRefs: readonly Record<string, unknown>[];
  /** The cluster's groups in traffic, weighted; with `routing`, the control at 100. */
  backends: readonly RouteBackend[];
  /** Every server group of the cluster (Istio's subsets: a route may only name a declared one). */
  serverGroups: readonly string[];
  /** Port of the cluster's Service (Istio routes to it). */
  port: number;
  /** An A/B split: requests matching `rules` go to `variant`, the rest by `backends`. */
  routing?: { variant: RouteBackend; rules: RequestRouting['rules'] };
}

export interface RouteObject {
  kind: CustomKind;
  name: string;
  body: Record<string, unknown>;
}

/** Whether a mode needs one Service per server group (the backends it weighs). */
export function needsServerGroupServices(mode: KubernetesTrafficMode): boolean {
  return mode === 'gatewayHttpRoute' || mode === 'smi';
}

/** The objects of a router mode; `service` mode has none (the cluster's Service follows the labels). */
export function routeObjects(mode: KubernetesTrafficMode, input: ClusterRouteInput): RouteObject[] {
  switch (mode) {
    case 'service':
      return [];
    case 'gatewayHttpRoute':
      return [{ kind: HTTP_ROUTE, name: input.httpRouteName, body: httpRoute(input) }];
    case 'istio':
      return [
        // The subsets first: a VirtualService naming an undeclared subset makes Envoy answer 503s.
        { kind: DESTINATION_RULE, name: input.cluster, body: destinationRule(input) },
        { kind: VIRTUAL_SERVICE, name: input.cluster, body: virtualService(input) },
      ];
    case 'smi':
      if (input.routing !== undefined && input.routing.rules.length > 0) throw new Error('an SMI TrafficSplit carries weights only, not request rules');
      return [{ kind: TRAFFIC_SPLIT, name: input.cluster, body: trafficSplit(input) }];
  }
}

function metadata(kind: CustomKind, name: string, input: ClusterRouteInput): Record<string, unknown> {
  return {
    apiVersion: `${kind.group}/${kind.version}`,
    kind: kind.kind,
    metadata: {
      name,
      namespace: input.namespace,
      labels: { [LABELS.application]: input.application, [LABELS.managedBy]: MANAGED_BY, [LABELS.cluster]: input.cluster },
    },
  };
}

function httpRoute(input: ClusterRouteInput): Record<string, unknown> {
  const weighted = { backendRefs: input.backends.map(({ name, port, weight }) => ({ kind: 'Service', name, port, weight })) };
  const rules =
    input.routing === undefined
      ? [weighted]
      : [
          // Gateway API picks the most specific match: a header match beats the rule without any.
          { matches: input.routing.rules.map(httpRouteMatch), backendRefs: [{ kind: 'Service', name: input.routing.variant.name, port: input.routing.variant.port, weight: 1 }] },
          weighted,
        ];
  return { ...metadata(HTTP_ROUTE, input.httpRouteName, input), spec: { parentRefs: input.parentRefs.map((ref) => ({ ...ref })), rules } };
}

function httpRouteMatch(rule: RequestRule): Record<string, unknown> {
  const headers = [
    ...(rule.header === undefined
      ? []
      : [rule.header.regex === undefined ? { type: 'Exact', name: rule.header.name, value: rule.header.equals } : { type: 'RegularExpression', name: rule.header.name, value: rule.header.regex }]),
    ...(rule.cookie === undefined ? [] : [{ type: 'RegularExpression', name: 'Cookie', value: cookieHeaderRegex(rule.cookie) }]),
  ];
  return {
    ...(rule.pathPrefix === undefined ? {} : { path: { type: 'PathPrefix', value: rule.pathPrefix } }),
    ...(headers.length === 0 ? {} : { headers }),
  };
}

function destinationRule(input: ClusterRouteInput): Record<string, unknown> {
  return {
    ...metadata(DESTINATION_RULE, input.cluster, input),
    spec: { host: input.cluster, subsets: [...input.serverGroups].sort().map((name) => ({ name, labels: { [LABELS.serverGroup]: name } })) },
  };
}

function virtualService(input: ClusterRouteInput): Record<string, unknown> {
  const destination = (subset: string) => ({ host: input.cluster, subset, port: { number: input.port } });
  const weighted = { name: 'weighted', route: input.backends.map(({ name, weight }) => ({ destination: destination(name), weight })) };
  const http =
    input.routing === undefined
      ? [weighted]
      : [{ name: 'variant', match: input.routing.rules.map(istioMatch), route: [{ destination: destination(input.routing.variant.name) }] }, weighted];
  return { ...metadata(VIRTUAL_SERVICE, input.cluster, input), spec: { hosts: [input.cluster], http } };
}

/** Istio's HTTPMatchRequest: header names in lower case (Envoy's), the cookie as a regex on its header. */
function istioMatch(rule: RequestRule): Record<string, unknown> {
  const headers: Record<string, Record<string, string>> = {};
  if (rule.header !== undefined) headers[rule.header.name.toLowerCase()] = rule.header.regex === undefined ? { exact: rule.header.equals ?? '' } : { regex: rule.header.regex };
  if (rule.cookie !== undefined) headers.cookie = { regex: cookieHeaderRegex(rule.cookie) };
  return {
    ...(rule.pathPrefix === undefined ? {} : { uri: { prefix: rule.pathPrefix } }),
    ...(Object.keys(headers).length === 0 ? {} : { headers }),
  };
}

function trafficSplit(input: ClusterRouteInput): Record<string, unknown> {
  return {
    ...metadata(TRAFFIC_SPLIT, input.cluster, input),
    spec: { service: input.cluster, backends: input.backends.map(({ name, weight }) => ({ service: name, weight })) },
  };
}

/** The route's name for a cluster: the account's template with `{cluster}` filled in, else the cluster. */
export function httpRouteName(template: string | undefined, cluster: string): string {
  return (template ?? '{cluster}').replaceAll('{cluster}', cluster);
}
