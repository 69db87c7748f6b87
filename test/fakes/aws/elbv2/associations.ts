/** Which load balancers use a target group: those with a listener forwarding to it (at any weight). */
import type { RegionState } from '../store';

export function loadBalancersUsing(region: RegionState, targetGroupArn: string): string[] {
  const arns = [...region.listeners.values()]
    .filter((listener) => listener.defaultActions.some((action) => action.targetGroups.some((tg) => tg.arn === targetGroupArn)))
    .map((listener) => listener.loadBalancerArn);
  return [...new Set(arns)];
}
