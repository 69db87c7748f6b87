import { startFakeGcp } from '../fakes/gcp';
import { ProviderRegistry, type ClusterRef } from '../../packages/providers/src';
import { GcpProvider } from '../../packages/providers/src/gcp';
import { GCP_REGION, backendsOf, gcpAccount, seedGcp } from '../support/gcp';
import type { ProviderUnderTest } from './harness';
import { SCENARIO_RETRY, scenarioSpec, uniqueCluster } from './naming';

const BACKEND_SERVICE = 'scenario-web';

/** The GCP provider against the fake Compute API; traffic through one global backend service. */
export async function gcpUnderTest(): Promise<ProviderUnderTest> {
  const fake = await startFakeGcp({ readyDelayMs: 100 });
  const account = gcpAccount(fake);
  await seedGcp(account, { backendServices: [BACKEND_SERVICE] });
  const failing = new Set<string>();
  const ofCluster = (cluster: string) => (name: string) => name.replace(/-v\d{3}$/, '') === cluster;
  return {
    name: 'gcp',
    provider: new ProviderRegistry([account], {}, { retry: SCENARIO_RETRY }).forAccount(account.name).provider,
    unretried: new GcpProvider(account, { env: {} }),
    cluster: () => uniqueCluster(account.name, GCP_REGION),
    spec: (cluster: ClusterRef, sequence, overrides = {}) => scenarioSpec(cluster, sequence, { location: GCP_REGION, image: 'app-1', settings: { backendService: BACKEND_SERVICE } }, overrides),
    failInstances: async (serverGroup) => {
      failing.add(serverGroup);
      fake.failInstances((group) => failing.has(group.name));
    },
    throttle: async (rate) => fake.setThrottleRate(rate),
    interruptAfter: async (calls) => fake.interruptAfter(calls),
    servingServerGroups: async (cluster) =>
      Object.entries(backendsOf(fake, BACKEND_SERVICE))
        .filter(([name, scaler]) => scaler > 0 && ofCluster(cluster.cluster)(name))
        .map(([name]) => name)
        .sort(),
    resourcesOf: async (serverGroup) =>
      fake.instanceGroupManagers(GCP_REGION).filter((mig) => mig.name === serverGroup).length +
      fake.instanceTemplates().filter((template) => String(template.name).startsWith(`${serverGroup}-`)).length,
    close: () => fake.close(),
  };
}
