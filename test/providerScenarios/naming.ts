import { serverGroupName } from '../../packages/core/src';
import type { ClusterRef, RetryOptions, ServerGroupSpec } from '../../packages/providers/src';

/** Production's retry shape with short waits, so 30 % throttling is waited out in test time. */
export const SCENARIO_RETRY: RetryOptions = { attempts: 8, baseDelayMs: 10, maxDelayMs: 1_500 };

let serial = 0;

/** `scn<serial><random>-web`: a cluster no other scenario (or earlier run against a standalone fake) uses. */
export function uniqueCluster(account: string, location: string | undefined): ClusterRef {
  serial += 1;
  const application = `scn${serial}${Math.random().toString(36).slice(2, 6).replace(/[^a-z]/g, 'x')}`;
  return { account, application, cluster: `${application}-web`, ...(location === undefined ? {} : { location }) };
}

/** A spec for `<cluster>-vNNN`: two instances, out of traffic, with the provider's own location, image and settings. */
export function scenarioSpec(
  cluster: ClusterRef,
  sequence: number,
  provider: { location: string; image: string; settings?: Record<string, unknown> },
  overrides: Partial<ServerGroupSpec> = {},
): ServerGroupSpec {
  return {
    account: cluster.account,
    location: provider.location,
    application: cluster.application,
    cluster: cluster.cluster,
    name: serverGroupName(cluster.cluster, sequence),
    image: provider.image,
    capacity: { min: 2, max: 2, desired: 2 },
    enabled: false,
    ...(provider.settings === undefined ? {} : { settings: provider.settings }),
    ...overrides,
  };
}
