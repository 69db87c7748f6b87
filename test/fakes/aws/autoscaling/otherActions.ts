/**
 * The smaller Auto Scaling actions: process suspension, target group attachment, tags, and the
 * scaling activity history.
 */
import type { ActionTable } from '../context';
import type { AsgTag, AutoScalingGroup } from '../model';
import { AwsError, validationError } from '../protocol/errors';
import { paginate } from '../protocol/pagination';
import type { QueryParams } from '../protocol/query';
import { members } from '../protocol/xml';
import { deregisterTarget, registerTarget } from '../elbv2/targetGroups';
import type { RegionState } from '../store';
import { checkTargetGroups } from './groupActions';
import { findGroup, findLiveGroup, isSuspended, membersOf, PROCESSES } from './groups';
import { tagXml } from './views';

function readProcesses(params: QueryParams): string[] {
  const processes = params.strings('ScalingProcesses');
  const unknown = processes.find((process) => !PROCESSES.includes(process));
  if (unknown !== undefined) throw validationError(`Process '${unknown}' is not a valid process. Valid processes are: ${PROCESSES.join(', ')}`);
  return processes.length === 0 ? PROCESSES : processes;
}

/** The attachment's state as DescribeLoadBalancerTargetGroups reports it. */
function attachmentState(region: RegionState, group: AutoScalingGroup, arn: string, removing: boolean): string {
  if (removing) return 'Removing';
  const targetGroup = region.targetGroups.get(arn);
  const ids = new Set(membersOf(region, group).filter((i) => i.autoScaling?.lifecycleState === 'InService' && !i.autoScaling.skipLoadBalancers).map((i) => i.instanceId));
  const targets = targetGroup?.targets.filter((target) => ids.has(target.id)) ?? [];
  if (targets.some((target) => target.state === 'healthy')) return 'InService';
  return targets.length >= ids.size ? 'Added' : 'Adding';
}

function findTagGroup(region: RegionState, tag: QueryParams): AutoScalingGroup {
  const type = tag.string('ResourceType') ?? 'auto-scaling-group';
  if (type !== 'auto-scaling-group') throw validationError(`Invalid resource type: ${type}`);
  return findGroup(region, tag.requiredString('ResourceId'));
}

export const otherActions: ActionTable = {
  SuspendProcesses: ({ params, region, store, now }) => {
    const group = findLiveGroup(region, params.requiredString('AutoScalingGroupName'));
    const reason = `User suspended at ${new Date(now).toISOString().replace(/\.\d{3}Z$/, 'Z')}`;
    for (const process of readProcesses(params)) if (!group.suspendedProcesses.has(process)) group.suspendedProcesses.set(process, reason);
    store.changed();
    return undefined;
  },

  ResumeProcesses: ({ params, region, store }) => {
    const group = findLiveGroup(region, params.requiredString('AutoScalingGroupName'));
    for (const process of readProcesses(params)) group.suspendedProcesses.delete(process);
    store.changed();
    return undefined;
  },

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

  CreateOrUpdateTags: ({ params, region, store }) => {
    const tags = params.list('Tags');
    if (tags.length === 0) throw validationError("1 validation error detected: Value null at 'tags' failed to satisfy constraint: Member must not be null");
    for (const tag of tags) {
      const group = findTagGroup(region, tag);
      const entry: AsgTag = { key: tag.requiredString('Key'), value: tag.string('Value') ?? '', propagateAtLaunch: tag.boolean('PropagateAtLaunch') ?? false };
      group.tags = [...group.tags.filter((t) => t.key !== entry.key), entry];
    }
    store.changed();
    return undefined;
  },

  DeleteTags: ({ params, region, store }) => {
    for (const tag of params.list('Tags')) {
      const group = findTagGroup(region, tag);
      const key = tag.requiredString('Key');
      group.tags = group.tags.filter((t) => t.key !== key);
    }
    store.changed();
    return undefined;
  },

  DescribeTags: ({ params, region }) => {
    const filters = params.list('Filters').map((filter) => ({ name: filter.requiredString('Name'), values: filter.strings('Values') }));
    const fields: Record<string, (group: AutoScalingGroup, tag: AsgTag) => string> = {
      'auto-scaling-group': (group) => group.name,
      key: (_group, tag) => tag.key,
      value: (_group, tag) => tag.value,
      'propagate-at-launch': (_group, tag) => String(tag.propagateAtLaunch),
    };
    for (const filter of filters) if (!fields[filter.name]) throw validationError(`Filter type ${filter.name} is not correct. Allowed Filter types are: auto-scaling-group key value propagate-at-launch`);
    const rows = [...region.autoScalingGroups.values()]
      .flatMap((group) => group.tags.map((tag) => ({ group, tag })))
      .filter(({ group, tag }) => filters.every((filter) => filter.values.includes(fields[filter.name]?.(group, tag) ?? '')));
    const page = paginate(rows, params.integerBetween('MaxRecords', 1, 100) ?? 50, params.string('NextToken'), () => new AwsError('InvalidNextToken', 'The token is invalid.'));
    return { Tags: members(page.items.map(({ group, tag }) => tagXml(group, tag))), NextToken: page.nextToken };
  },

  DescribeScalingActivities: ({ params, region }) => {
    const name = params.string('AutoScalingGroupName');
    if (name !== undefined && !region.autoScalingGroups.has(name) && !(params.boolean('IncludeDeletedGroups') ?? false)) {
      return { Activities: members([]) };
    }
    const ids = params.strings('ActivityIds');
    const activities = region.activities
      .filter((a) => (name === undefined || a.groupName === name) && (ids.length === 0 || ids.includes(a.activityId)))
      .sort((a, b) => b.startTime.getTime() - a.startTime.getTime());
    const page = paginate(activities, params.integerBetween('MaxRecords', 1, 100) ?? 100, params.string('NextToken'), () => new AwsError('InvalidNextToken', 'The token is invalid.'));
    return {
      Activities: members(page.items.map((a) => ({
        ActivityId: a.activityId,
        AutoScalingGroupName: a.groupName,
        Description: a.description,
        Cause: a.cause,
        StartTime: a.startTime,
        EndTime: a.endTime,
        StatusCode: a.statusCode,
        StatusMessage: a.statusMessage,
        Progress: a.progress,
        Details: '{}',
        AutoScalingGroupARN: region.autoScalingGroups.get(a.groupName)?.arn,
      }))),
      NextToken: page.nextToken,
    };
  },
};
