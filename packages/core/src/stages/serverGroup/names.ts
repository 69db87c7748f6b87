import { DETAIL, STACK, parseClusterName, parseServerGroupName } from '../../naming';

/**
 * The naming rules (../../naming) as stage fields need them. Spinnaker writes "" for "no stack" or
 * "no detail", so those parts also accept the empty string here.
 */
export { CLUSTER_APPLICATION as APPLICATION_PART, applicationOfCluster } from '../../naming';
export const STACK_PART = new RegExp(`^(?:${STACK.source.slice(1, -1)})?$`);
export const DETAIL_PART = new RegExp(`^(?:${DETAIL.source.slice(1, -1)})?$`);

export function isClusterName(name: string): boolean {
  return parseClusterName(name) !== null;
}

/** The cluster of `checkout-prod-v007` (`checkout-prod`), or undefined for anything else. */
export function clusterOfServerGroup(name: string): string | undefined {
  return parseServerGroupName(name)?.cluster;
}
