import type { FakeKubernetes, KubeObject } from '../fakes/kubernetes';
import { ProviderRegistry, accountSchema, type AccountConfig } from '../../packages/providers/src';

/** Helpers for the server group e2e tests: accounts on the fake Kubernetes, and views of its state. */

export const NAMESPACE = 'ns1';
export const CLUSTER_LABEL = 'gantry.io/cluster';
export const SERVER_GROUP_LABEL = 'gantry.io/server-group';
export const TRAFFIC_LABEL = 'gantry.io/traffic';

export function kubernetesAccount(fake: FakeKubernetes, name = 'k8s'): AccountConfig {
  return accountSchema.parse({ name, provider: 'kubernetes', server: fake.url, namespace: NAMESPACE });
}

/** A Kubernetes account that moves traffic by the weights of a Gateway API HTTPRoute (on gateway `gateways/public`). */
export function gatewayAccount(fake: FakeKubernetes, name: string): AccountConfig {
  return accountSchema.parse({
    name,
    provider: 'kubernetes',
    server: fake.url,
    namespace: NAMESPACE,
    traffic: { mode: 'gatewayHttpRoute', httpRoute: { parentRefs: [{ name: 'public', namespace: 'gateways' }] } },
  });
}

/** A registry with quick retries, so injected throttling is waited out in test time; `env` holds what credential references name. */
export function testRegistry(accounts: AccountConfig[], env?: NodeJS.ProcessEnv): ProviderRegistry {
  return new ProviderRegistry(accounts, {}, { retry: { attempts: 3, baseDelayMs: 20, maxDelayMs: 2_000 }, ...(env === undefined ? {} : { env }) });
}

/** The accounts file a child worker reads through GANTRY_ACCOUNTS_FILE. */
export function accountsYaml(fake: FakeKubernetes, name = 'k8s'): string {
  return `accounts:\n  - name: ${name}\n    provider: kubernetes\n    server: ${fake.url}\n    namespace: ${NAMESPACE}\n`;
}

export function labelsOf(object: KubeObject): Record<string, string> {
  const labels = object.metadata.labels;
  if (labels === null || typeof labels !== 'object' || Array.isArray(labels)) return {};
  return Object.fromEntries(Object.entries(labels).filter((entry): entry is [string, string] => typeof entry[1] === 'string'));
}

/** Deployment names of a cluster, sorted. */
export function deploymentsOf(fake: FakeKubernetes, cluster: string): string[] {
  return fake.state
    .list('deployments', NAMESPACE)
    .filter((deployment) => labelsOf(deployment)[CLUSTER_LABEL] === cluster)
    .map((deployment) => String(deployment.metadata.name))
    .sort();
}

/** Which server groups the pods the cluster's Service selects belong to (one entry per pod). */
/**
 * How long a served-pods check waits for the cluster to settle: an enable relabels the running
 * pods and rolls the template, so old and new pods both serve until the rollout ends, as in a cluster.
 */
export const SETTLED = { timeout: 5_000, interval: 25 } as const;

export function servedServerGroups(fake: FakeKubernetes, cluster: string): string[] {
  return servedPods(fake, cluster)
    .map((pod) => labelsOf(pod)[SERVER_GROUP_LABEL] ?? '?')
    .sort();
}

/** The pods the cluster's Service selects, ready or not. */
export function servedPods(fake: FakeKubernetes, cluster: string): KubeObject[] {
  const service = fake.state.get('services', cluster, NAMESPACE);
  const spec = service?.spec;
  const selector = spec !== null && typeof spec === 'object' && !Array.isArray(spec) ? spec.selector : undefined;
  if (selector === null || typeof selector !== 'object' || Array.isArray(selector) || selector === undefined) return [];
  return fake.state
    .list('pods', NAMESPACE)
    .filter((pod) => pod.metadata.deletionTimestamp === undefined)
    .filter((pod) => Object.entries(selector).every(([key, value]) => labelsOf(pod)[key] === value));
}

/** A deploy stage of `application-stack` with highlander, in Spinnaker's field names. */
export function deployStage(application: string, stack: string, image: string, extra: Record<string, unknown> = {}) {
  return {
    refId: 'deploy',
    type: 'deploy',
    waitForUpTimeoutSec: 20,
    cluster: {
      account: 'k8s',
      namespace: NAMESPACE,
      application,
      stack,
      strategy: 'highlander',
      image,
      capacity: { min: 2, max: 2, desired: 2 },
    },
    ...extra,
  };
}

/** deployStage with redblack: the old group leaves traffic and is scaled to zero, but stays. */
export function redBlackDeployStage(application: string, stack: string, image: string, extra: Record<string, unknown> = {}) {
  const stage = deployStage(application, stack, image, extra);
  return { ...stage, cluster: { ...stage.cluster, strategy: 'redblack' } };
}

/** A cluster's HTTPRoute backends as {server group: weight}, or undefined while there is no route. */
export function routeWeights(fake: FakeKubernetes, cluster: string): Record<string, number> | undefined {
  const spec = fake.state.get('httproutes', cluster, NAMESPACE)?.spec as { rules?: { backendRefs?: { name: string; weight: number }[] }[] } | undefined;
  const refs = spec?.rules?.[0]?.backendRefs;
  return refs === undefined ? undefined : Object.fromEntries(refs.map((ref) => [ref.name, ref.weight]));
}

/** Records every distinct set of route weights, as a traffic dashboard would see them change. */
export function watchRouteWeights(fake: FakeKubernetes, cluster: string): { seen: Record<string, number>[]; stop(): void } {
  const seen: Record<string, number>[] = [];
  const look = () => {
    const weights = routeWeights(fake, cluster);
    if (weights !== undefined && JSON.stringify(weights) !== JSON.stringify(seen[seen.length - 1])) seen.push(weights);
  };
  look();
  const timer = setInterval(look, 10);
  return { seen, stop: () => clearInterval(timer) };
}
