export { requestRoutingSchema, routeRequest, type RoutedRequest } from '@gantry/core';
import { routingIssues, describeIssue, type RequestRouting, type TrafficRouter } from '@gantry/core';
import type { AccountConfig } from './accounts';
import { trafficModeOf } from './kubernetes/account';

/**
 * The router that carries a cluster's traffic on an account, in core's terms (`ROUTER_RULES`
 * says what each can route by): the save-time check and the providers read it from here.
 */
export function trafficRouterOf(account: AccountConfig, cluster: string): TrafficRouter {
  switch (account.provider) {
    case 'local':
      return 'localProxy';
    case 'aws':
      return 'awsTargetGroups';
    case 'gcp':
      return 'gcpBackendService';
    case 'kubernetes': {
      const mode = trafficModeOf(account, cluster);
      return mode === 'service' ? 'kubernetesService' : mode;
    }
  }
}

/** Why `router` cannot carry `routing` (every field it cannot), or undefined when it can. */
export function routingRefusal(router: TrafficRouter, routing: Pick<RequestRouting, 'rules' | 'percentage'>): string | undefined {
  const issues = routingIssues(router, routing.rules, routing.percentage);
  return issues.length === 0 ? undefined : issues.map(describeIssue).join('; ');
}
