/** Attaching ELBv2 target groups to an Auto Scaling group: its instances are registered, or drained on detach. */
import type { ActionTable } from '../context';
import type { AutoScalingGroup } from '../model';
import { AwsError } from '../protocol/errors';
import { paginate } from '../protocol/pagination';
import { members } from '../protocol/xml';
import { deregisterTarget, registerTarget } from '../elbv2/targetGroups';
import type { RegionState } from '../store';
import { checkTargetGroups, findGroup, findLiveGroup, isSuspended, membersOf } from './groups';

/** The attachment's state as DescribeLoadBalancerTargetGroups reports it. */
function attachmentState(region: RegionState, group: AutoScalingGroup, arn: string, removing: boolean): string {
  if (removing) return 'Removing';
  const targetGroup = region.targetGroups.get(arn);
  const ids = new Set(membersOf(region, group).filter((i) => i.autoScaling?.lifecycleState === 'InService' && !i.autoScaling.skipLoadBalancers).map((i) => i.instanceId));
  const targets = targetGroup?.targets.filter((target) => ids.has(target.id)) ?? [];
  if (targets.some((target) => target.state === 'healthy')) return 'InService';
  return targets.length >= ids.size ? 'Added' : 'Adding';
}

export const targetGroupAttachmentActions: ActionTable = {
  AttachLoadBalancerTargetGroups: ({ params, region, store, now, timing }) => {
    const group = findLiveGroup(region, params.requiredString('AutoScalingGroupName'));
    const arns = params.strings('TargetGroupARNs');
    checkTargetGroups(region, arns);
    for (const arn of arns) {
      group.targetGroups = group.targetGroups.filter((attachment) => attachment.arn !== arn);
      group.targetGroups.push({ arn, state: 'Attached' });
      if (isSuspended(group, 'AddToLoadBalancer')) continue;
      const targetGroup = region.targetGroups.get(arn);
      for (const instance of membersOf(region, group)) {
        if (targetGroup && instance.autoScaling?.lifecycleState === 'InService') registerTarget(targetGroup, { id: instance.instanceId, port: undefined }, now, timing.readyDelayMs());
      }
    }
    store.changed();
    return {};
  },

  DetachLoadBalancerTargetGroups: ({ params, region, store, now, timing }) => {
    const group = findGroup(region, params.requiredString('AutoScalingGroupName'));
    const arns = params.strings('TargetGroupARNs');
    for (const attachment of group.targetGroups.filter((a) => arns.includes(a.arn))) {
      attachment.state = 'Removing';
      const targetGroup = region.targetGroups.get(attachment.arn);
      for (const instance of membersOf(region, group)) {
        if (targetGroup) deregisterTarget(targetGroup, { id: instance.instanceId, port: undefined }, now, timing.readyDelayMs());
      }
    }
    store.changed();
    return {};
  },

  DescribeLoadBalancerTargetGroups: ({ params, region }) => {
    const group = findGroup(region, params.requiredString('AutoScalingGroupName'));
    const states = group.targetGroups.map((attachment) => ({
      LoadBalancerTargetGroupARN: attachment.arn,
      State: attachmentState(region, group, attachment.arn, attachment.state === 'Removing'),
    }));
    const page = paginate(states, params.integerBetween('MaxRecords', 1, 100) ?? 100, params.string('NextToken'), () => new AwsError('InvalidNextToken', 'The token is invalid.'));
    return { LoadBalancerTargetGroups: members(page.items), NextToken: page.nextToken };
  },
};
