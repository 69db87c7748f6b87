/**
 * The resource types the fake serves: one table drives discovery, routing, error messages and
 * the per-type rules, so adding a type is one entry here (plus rules if it needs any). Custom
 * resources join the table when a CRD is stored; the table is per process (a test file), not per
 * fake server.
 */
import { isObject, type JsonObject } from './json';

/** The built-in types; custom resources defined through CRDs are served under their plural too. */
export type BuiltInResourceName = 'namespaces' | 'pods' | 'services' | 'configmaps' | 'secrets' | 'deployments' | 'replicasets' | 'daemonsets' | 'statefulsets' | 'jobs' | 'ingresses' | 'networkpolicies' | 'httproutes' | 'customresourcedefinitions';
/** A built-in type, or the plural of a custom resource a test defined (`widgets`). */
export type FakeResourceName = BuiltInResourceName | (string & {});

export type Verb = 'create' | 'delete' | 'get' | 'list' | 'patch' | 'update';

export interface ResourceType {
  name: FakeResourceName;
  /** '' for the core ("legacy") group served under /api. */
  group: string;
  version: string;
  singular: string;
  kind: string;
  namespaced: boolean;
  shortNames: string[];
  /** `kubectl get all` expands the `all` category through discovery. */
  categories: string[];
  verbs: Verb[];
  subresources: { status: boolean; scale: boolean };
  /** Custom resources (CRDs) reject strategic merge patch with 415, as the real API server does. */
  custom: boolean;
  /**
   * The real registry answers DELETE with the deleted object for some types and with a `Success`
   * Status for others; clients decode either, but a provider should not rely on one.
   */
  deleteReturnsObject: boolean;
}

const READ_WRITE: Verb[] = ['create', 'delete', 'get', 'list', 'patch', 'update'];

const BUILT_IN: readonly ResourceType[] = [
  {
    name: 'namespaces', group: '', version: 'v1', singular: 'namespace', kind: 'Namespace', namespaced: false,
    shortNames: ['ns'], categories: [], verbs: READ_WRITE, subresources: { status: false, scale: false },
    custom: false, deleteReturnsObject: false,
  },
  {
    // Pods belong to the simulated controller: clients may read them, delete them to simulate a
    // lost instance (the controller replaces it) and patch them (Spinnaker's disableManifest
    // relabels pods out of a Service), but not create them.
    name: 'pods', group: '', version: 'v1', singular: 'pod', kind: 'Pod', namespaced: true,
    shortNames: ['po'], categories: ['all'], verbs: ['delete', 'get', 'list', 'patch'], subresources: { status: false, scale: false },
    custom: false, deleteReturnsObject: true,
  },
  {
    name: 'services', group: '', version: 'v1', singular: 'service', kind: 'Service', namespaced: true,
    shortNames: ['svc'], categories: ['all'], verbs: READ_WRITE, subresources: { status: true, scale: false },
    custom: false, deleteReturnsObject: true,
  },
  {
    name: 'configmaps', group: '', version: 'v1', singular: 'configmap', kind: 'ConfigMap', namespaced: true,
    shortNames: ['cm'], categories: [], verbs: READ_WRITE, subresources: { status: false, scale: false },
    custom: false, deleteReturnsObject: false,
  },
  {
    name: 'secrets', group: '', version: 'v1', singular: 'secret', kind: 'Secret', namespaced: true,
    shortNames: [], categories: [], verbs: READ_WRITE, subresources: { status: false, scale: false },
    custom: false, deleteReturnsObject: false,
  },
  {
    name: 'deployments', group: 'apps', version: 'v1', singular: 'deployment', kind: 'Deployment', namespaced: true,
    shortNames: ['deploy'], categories: ['all'], verbs: READ_WRITE, subresources: { status: true, scale: true },
    custom: false, deleteReturnsObject: false,
  },
  {
    // A Deployment's ReplicaSets belong to its controller (one per template, with its revision);
    // clients also write standalone ones (Spinnaker deploys versioned ReplicaSets), whose pods
    // the controller creates too.
    name: 'replicasets', group: 'apps', version: 'v1', singular: 'replicaset', kind: 'ReplicaSet', namespaced: true,
    shortNames: ['rs'], categories: ['all'], verbs: READ_WRITE, subresources: { status: true, scale: false },
    custom: false, deleteReturnsObject: false,
  },
  {
    // One pod per node of the fake's single node (controller/index.ts), replaced when the template changes.
    name: 'daemonsets', group: 'apps', version: 'v1', singular: 'daemonset', kind: 'DaemonSet', namespaced: true,
    shortNames: ['ds'], categories: ['all'], verbs: READ_WRITE, subresources: { status: true, scale: false },
    custom: false, deleteReturnsObject: false,
  },
  {
    // Pods `<name>-<ordinal>`, rolled from the highest ordinal down (controller/index.ts).
    name: 'statefulsets', group: 'apps', version: 'v1', singular: 'statefulset', kind: 'StatefulSet', namespaced: true,
    shortNames: ['sts'], categories: ['all'], verbs: READ_WRITE, subresources: { status: true, scale: false },
    custom: false, deleteReturnsObject: false,
  },
  {
    // Stored as written: the fake enforces no network policy.
    name: 'networkpolicies', group: 'networking.k8s.io', version: 'v1', singular: 'networkpolicy', kind: 'NetworkPolicy', namespaced: true,
    shortNames: ['netpol'], categories: [], verbs: READ_WRITE, subresources: { status: false, scale: false },
    custom: false, deleteReturnsObject: true,
  },
  {
    // Stored as written: the fake has no ingress controller, so no load balancer fills its status
    // (Spinnaker counts an Ingress stable once applied).
    name: 'ingresses', group: 'networking.k8s.io', version: 'v1', singular: 'ingress', kind: 'Ingress', namespaced: true,
    shortNames: ['ing'], categories: [], verbs: READ_WRITE, subresources: { status: true, scale: false },
    custom: false, deleteReturnsObject: true,
  },
  {
    // Jobs run their pods through the simulated Job controller (controller/jobs.ts).
    name: 'jobs', group: 'batch', version: 'v1', singular: 'job', kind: 'Job', namespaced: true,
    shortNames: [], categories: ['all'], verbs: READ_WRITE, subresources: { status: true, scale: false },
    custom: false, deleteReturnsObject: true,
  },
  {
    name: 'httproutes', group: 'gateway.networking.k8s.io', version: 'v1', singular: 'httproute', kind: 'HTTPRoute',
    namespaced: true, shortNames: [], categories: ['gateway-api'], verbs: READ_WRITE,
    subresources: { status: true, scale: false }, custom: true, deleteReturnsObject: true,
  },
  {
    name: 'customresourcedefinitions', group: 'apiextensions.k8s.io', version: 'v1', singular: 'customresourcedefinition',
    kind: 'CustomResourceDefinition', namespaced: false, shortNames: ['crd', 'crds'], categories: ['api-extensions'], verbs: READ_WRITE,
    subresources: { status: false, scale: false }, custom: false, deleteReturnsObject: true,
  },
];

/** Every type served now: the built-in ones and those the stored CRDs define (see syncCustomResources). */
export const RESOURCES: ResourceType[] = [...BUILT_IN];

/**
 * Serves the custom resources the stored CRDs define (their first served version, as the only
 * one), as the API server does once a CRD is established; types whose CRD went are no longer
 * served. Returns the types that went, so their objects can be removed.
 */
export function syncCustomResources(definitions: readonly JsonObject[]): ResourceType[] {
  const defined: ResourceType[] = definitions.flatMap((crd) => {
    const spec = isObject(crd.spec) ? crd.spec : {};
    const names = isObject(spec.names) ? spec.names : {};
    const versions = Array.isArray(spec.versions) ? spec.versions.filter(isObject) : [];
    const version = versions.find((v) => v.served !== false);
    if (typeof spec.group !== 'string' || typeof names.plural !== 'string' || typeof names.kind !== 'string' || !version || typeof version.name !== 'string') return [];
    const subresources = isObject(version.subresources) ? version.subresources : {};
    return [{
      name: names.plural, group: spec.group, version: version.name, singular: typeof names.singular === 'string' ? names.singular : names.kind.toLowerCase(),
      kind: names.kind, namespaced: spec.scope !== 'Cluster', shortNames: Array.isArray(names.shortNames) ? names.shortNames.map(String) : [],
      categories: Array.isArray(names.categories) ? names.categories.map(String) : [], verbs: READ_WRITE,
      subresources: { status: subresources.status !== undefined, scale: false }, custom: true, deleteReturnsObject: true,
    }];
  });
  const gone = RESOURCES.filter((r) => !BUILT_IN.includes(r) && !defined.some((d) => d.group === r.group && d.name === r.name));
  RESOURCES.splice(0, RESOURCES.length, ...BUILT_IN, ...defined);
  return gone;
}

export function resourceByName(name: FakeResourceName): ResourceType {
  const found = RESOURCES.find((r) => r.name === name);
  if (!found) throw new Error(`unknown fake resource ${name}`);
  return found;
}

export function findResource(group: string, version: string, plural: string): ResourceType | undefined {
  return RESOURCES.find((r) => r.group === group && r.version === version && r.name === plural);
}

export function apiVersionOf(resource: ResourceType): string {
  return resource.group ? `${resource.group}/${resource.version}` : resource.version;
}

/** `deployments.apps`, `services`: how the API server names a resource in error messages. */
export function qualifiedName(resource: ResourceType): string {
  return resource.group ? `${resource.name}.${resource.group}` : resource.name;
}

/** The groups (other than core) in discovery order. */
export function apiGroups(): { name: string; version: string }[] {
  const seen = new Map<string, string>();
  for (const r of RESOURCES) if (r.group && !seen.has(r.group)) seen.set(r.group, r.version);
  return [...seen].map(([name, version]) => ({ name, version }));
}
