import type { ClusterRef, RetryOptions } from '../../packages/providers/src';

/** Production's retry shape with short waits, so 30 % throttling is waited out in test time. */
export const SCENARIO_RETRY: RetryOptions = { attempts: 8, baseDelayMs: 10, maxDelayMs: 1_500 };

let serial = 0;

/** `scn<serial><random>-web`: a cluster no other scenario (or earlier run against a standalone fake) uses. */
export function uniqueCluster(account: string, location: string | undefined): ClusterRef {
  serial += 1;
  const application = `scn${serial}${Math.random().toString(36).slice(2, 6).replace(/[^a-z]/g, 'x')}`;
  return { account, application, cluster: `${application}-web`, ...(location === undefined ? {} : { location }) };
}
