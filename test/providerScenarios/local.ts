import { ProviderRegistry, type ClusterRef } from '../../packages/providers/src';
import { groupsAnsweringThroughProxy, localTestBed, resourcesOf } from '../support/localTestBed';
import type { ProviderUnderTest } from './harness';
import { SCENARIO_RETRY, uniqueCluster } from './naming';

/**
 * The local provider with its real agent and instances of examples/app on a temporary data dir.
 * The cloud's side is the agent's: traffic is what answers through the cluster proxy, resources
 * are the state file's records and live processes; faults are injected by the agent's admin API.
 */
export async function localUnderTest(): Promise<ProviderUnderTest> {
  const bed = localTestBed({ account: 'local' });
  const account = bed.provider.account;
  return {
    name: 'local',
    provider: new ProviderRegistry([account], { local: () => bed.provider }, { retry: SCENARIO_RETRY }).forAccount('local').provider,
    unretried: bed.provider,
    cluster: () => uniqueCluster('local', undefined),
    spec: (cluster: ClusterRef, sequence, overrides = {}) =>
      bed.spec(cluster.cluster, sequence, { account: cluster.account, application: cluster.application, capacity: { min: 2, max: 2, desired: 2 }, ...overrides }),
    failInstances: (serverGroup) => bed.provider.injectFaults({ failInstances: [serverGroup] }),
    throttle: (rate) => bed.provider.injectFaults({ throttleRate: rate }),
    interruptAfter: (calls) => bed.provider.injectFaults({ interruptAfter: calls }),
    servingServerGroups: (cluster) => groupsAnsweringThroughProxy(bed.dataDir, cluster.cluster),
    resourcesOf: async (serverGroup) => resourcesOf(bed.dataDir, serverGroup),
    close: () => bed.close(),
  };
}
