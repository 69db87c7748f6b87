import { startFakeKubernetes } from '../fakes/kubernetes';
import { ProviderRegistry, parseAccounts, type ClusterRef } from '../../packages/providers/src';
import { KubernetesProvider } from '../../packages/providers/src/kubernetes';
import { NAMESPACE, accountsYaml, deploymentsOf, servedServerGroups } from '../support/serverGroups';
import type { ProviderUnderTest } from './harness';
import { SCENARIO_RETRY, scenarioSpec, uniqueCluster } from './naming';

/** The Kubernetes provider against the fake API server (service traffic mode). */
export async function kubernetesUnderTest(): Promise<ProviderUnderTest> {
  const fake = await startFakeKubernetes({ readyDelayMs: 100 });
  const [account] = parseAccounts(accountsYaml(fake), 'accounts.yaml');
  if (account?.provider !== 'kubernetes') throw new Error('the scenario account did not parse');
  const unretried = new KubernetesProvider(account, { env: {} });
  const failing = new Set<string>();
  return {
    name: 'kubernetes',
    provider: new ProviderRegistry([account], {}, { retry: SCENARIO_RETRY }).forAccount('k8s').provider,
    unretried,
    cluster: () => uniqueCluster('k8s', NAMESPACE),
    spec: (cluster: ClusterRef, sequence, overrides = {}) => scenarioSpec(cluster, sequence, { location: NAMESPACE, image: 'registry.local/app:1' }, overrides),
    failInstances: async (serverGroup) => {
      failing.add(serverGroup);
      fake.failReadiness((deployment) => failing.has(deployment.name));
    },
    throttle: async (rate) => fake.setThrottleRate(rate),
    interruptAfter: async (calls) => fake.interruptAfter(calls),
    servingServerGroups: async (cluster) => [...new Set(servedServerGroups(fake, cluster.cluster))].sort(),
    resourcesOf: async (serverGroup) => deploymentsOf(fake, serverGroup.replace(/-v\d{3}$/, '')).filter((name) => name === serverGroup).length,
    close: () => fake.close(),
  };
}
