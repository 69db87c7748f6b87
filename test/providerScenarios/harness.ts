import type { CloudProvider, ClusterRef, ServerGroupSpec } from '../../packages/providers/src';

/**
 * One provider under the shared scenario table (../providers.scenarios.test.ts): the provider,
 * built through its account like Gantry builds it, plus handles on the fake cloud behind it, so
 * that the scenarios can look at the cloud's side of things independently of the provider.
 */
export interface ProviderUnderTest {
  /** `kubernetes`, `aws`, `gcp`, `local`. */
  readonly name: string;
  /** Retries as in production (RetryingProvider), with short waits. */
  readonly provider: CloudProvider;
  /** The same provider without retries: a fault reaches the caller as it happens. */
  readonly unretried: CloudProvider;
  /** A fresh cluster per call, so scenarios do not see each other's groups. */
  cluster(): ClusterRef;
  /** A valid spec for a group `<cluster>-vNNN` of this provider (image, settings). */
  spec(cluster: ClusterRef, sequence: number, overrides?: Partial<ServerGroupSpec>): ServerGroupSpec;
  /** Instances of this group never become healthy (crash loop / failed health check). */
  failInstances(serverGroup: string): Promise<void>;
  /** From now on, this share of API calls (0..1) is throttled by the fake (429 / Throttling / rateLimitExceeded). */
  throttle(rate: number): Promise<void>;
  /** The next API call after `calls` more succeed fails once with a 5xx, as a crash between two calls would leave it. */
  interruptAfter(calls: number): Promise<void>;
  /** The groups of the cluster that take traffic, as the fake cloud's load balancer sees it (sorted names). */
  servingServerGroups(cluster: ClusterRef): Promise<string[]>;
  /** How many cloud resources back the group (ASG + launch template, MIG + template, Deployment…): 0 after destroy. */
  resourcesOf(serverGroup: string): Promise<number>;
  close(): Promise<void>;
}

export type ProviderHarnessFactory = () => Promise<ProviderUnderTest>;
