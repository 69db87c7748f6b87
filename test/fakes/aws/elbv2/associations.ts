/** Which load balancers use a target group: those with a listener or a rule forwarding to it (at any weight). */
import type { ForwardAction } from '../model';
import type { RegionState } from '../store';

export function loadBalancersUsing(region: RegionState, targetGroupArn: string): string[] {
  const forwards = (actions: readonly ForwardAction[]) => actions.some((action) => action.targetGroups.some((tg) => tg.arn === targetGroupArn));
  const viaRules = [...region.rules.values()].filter((rule) => forwards(rule.actions)).map((rule) => region.listeners.get(rule.listenerArn)?.loadBalancerArn);
  const arns = [...region.listeners.values()].filter((listener) => forwards(listener.defaultActions)).map((listener) => listener.loadBalancerArn);
  return [...new Set([...arns, ...viaRules])].filter((arn): arn is string => arn !== undefined);
}
