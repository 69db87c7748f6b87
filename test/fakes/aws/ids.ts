/** Identifiers shaped like AWS's: `i-` + 17 hex digits, target group ARNs with 16 hex digits… */
import { randomBytes } from 'node:crypto';

export const ACCOUNT_ID = '123456789012';

export function hex(digits: number): string {
  return randomBytes(Math.ceil(digits / 2)).toString('hex').slice(0, digits);
}

export const newInstanceId = (): string => `i-${hex(17)}`;
export const newImageId = (): string => `ami-${hex(17)}`;
export const newLaunchTemplateId = (): string => `lt-${hex(17)}`;
export const newReservationId = (): string => `r-${hex(17)}`;

export function targetGroupArn(region: string, name: string): string {
  return `arn:aws:elasticloadbalancing:${region}:${ACCOUNT_ID}:targetgroup/${name}/${hex(16)}`;
}

/** `arn:…:loadbalancer/app/<name>/<16 hex>` (`net/` for network load balancers). */
export function loadBalancerArn(region: string, type: string, name: string): string {
  return `arn:aws:elasticloadbalancing:${region}:${ACCOUNT_ID}:loadbalancer/${type === 'network' ? 'net' : 'app'}/${name}/${hex(16)}`;
}

/** A listener's ARN extends its load balancer's: `…:listener/app/<name>/<lb id>/<16 hex>`. */
export function listenerArn(loadBalancerArn: string): string {
  return `${loadBalancerArn.replace(':loadbalancer/', ':listener/')}/${hex(16)}`;
}

/** A rule's ARN extends its listener's: `…:listener-rule/app/<name>/<lb id>/<listener id>/<16 hex>`. */
export function ruleArn(listenerArn: string): string {
  return `${listenerArn.replace(':listener/', ':listener-rule/')}/${hex(16)}`;
}

export function autoScalingGroupArn(region: string, name: string): string {
  const id = `${hex(8)}-${hex(4)}-${hex(4)}-${hex(4)}-${hex(12)}`;
  return `arn:aws:autoscaling:${region}:${ACCOUNT_ID}:autoScalingGroup:${id}:autoScalingGroupName/${name}`;
}
