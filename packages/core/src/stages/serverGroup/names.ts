/**
 * Spinnaker's (Frigga's) naming, as far as validating stage fields needs it: `application[-stack
 * [-detail]]` for clusters and `cluster-vNNN` for server groups, lower case because the names are
 * also Kubernetes resource names. The stack has no "-" so that the parts split unambiguously.
 * (The provider package owns the full rules, lengths included; it depends on this package, so
 * these few patterns are repeated here rather than imported.)
 */
export const APPLICATION_PART = /^[a-z][a-z0-9]*$/;
export const STACK_PART = /^[a-z0-9]*$/;
export const DETAIL_PART = /^(?:[a-z0-9]+(?:-[a-z0-9]+)*)?$/;

const CLUSTER = /^(?!.*-$)[a-z][a-z0-9]*(?:-[a-z0-9]*(?:-[a-z0-9]+(?:-[a-z0-9]+)*)?)?$/;
const SERVER_GROUP = /^(.+)-v(\d{3})$/;

export function isClusterName(name: string): boolean {
  return CLUSTER.test(name);
}

/** The cluster of `checkout-prod-v007` (`checkout-prod`), or undefined for anything else. */
export function clusterOfServerGroup(name: string): string | undefined {
  const match = SERVER_GROUP.exec(name);
  const cluster = match?.[1];
  return cluster !== undefined && isClusterName(cluster) ? cluster : undefined;
}

/** The application a cluster belongs to: its first part. */
export function applicationOfCluster(cluster: string): string {
  return cluster.split('-', 1)[0] ?? cluster;
}
