import type { AutoScalingGroup, Instance } from '@aws-sdk/client-auto-scaling';
import { applicationOfCluster, parseServerGroupName } from '@gantry/core';
import type { Capacity, Health, ServerGroup, ServerGroupInstance } from '../CloudProvider';
import { TAGS, splitNames, tagValue } from './tags';

/** Pure reading of what the APIs returned: Auto Scaling group + target health → ServerGroup and Health. */

/** Target states by target group ARN, then by instance id (`healthy`, `unhealthy`, `initial`, …). */
export type TargetStates = ReadonlyMap<string, ReadonlyMap<string, string>>;

/** The process whose suspension keeps new instances out of the target groups: Spinnaker's "disabled". */
export const ADD_TO_LOAD_BALANCER = 'AddToLoadBalancer';

/** Deleting a group is asynchronous: the group stays listed with this status until its instances are gone. */
export const DELETE_IN_PROGRESS = 'Delete in progress';

/** Instances on their way out of the group (or parked): they neither serve nor will. */
const LEAVING = /^(Terminat|Detach|EnteringStandby|Standby|Warmed)/;

export function isOurServerGroup(group: AutoScalingGroup, name: string): boolean {
  return tagValue(group.Tags, TAGS.serverGroup) === name;
}

export function isDeleting(group: AutoScalingGroup): boolean {
  return group.Status === DELETE_IN_PROGRESS;
}

/** `arn:aws:elasticloadbalancing:us-east-1:123:targetgroup/web/0123abcd` → `web`. */
export function targetGroupNameOf(arn: string): string {
  return arn.split(':').at(-1)?.split('/')[1] ?? arn;
}

/** The cluster's target groups as remembered at creation (names). */
export function clusterTargetGroups(group: AutoScalingGroup): string[] {
  return splitNames(tagValue(group.Tags, TAGS.targetGroups));
}

export function isAddToLoadBalancerSuspended(group: AutoScalingGroup): boolean {
  return group.SuspendedProcesses?.some((process) => process.ProcessName === ADD_TO_LOAD_BALANCER) ?? false;
}

/**
 * In traffic: AddToLoadBalancer runs (new instances join the target groups) and every target
 * group of the cluster is attached. A cluster without target groups is enabled unless suspended,
 * as Spinnaker reads it.
 */
export function isEnabled(group: AutoScalingGroup): boolean {
  if (isAddToLoadBalancerSuspended(group)) return false;
  const attached = new Set((group.TargetGroupARNs ?? []).map(targetGroupNameOf));
  return clusterTargetGroups(group).every((name) => attached.has(name));
}

type InstanceState = 'up' | 'down' | 'unknown';

function instanceState(instance: Instance, targetGroupArns: readonly string[], targets: TargetStates): InstanceState {
  if (instance.HealthStatus === 'Unhealthy') return 'down';
  if (instance.LifecycleState !== 'InService') return 'unknown';
  const id = instance.InstanceId ?? '';
  const states = targetGroupArns.map((arn) => targets.get(arn)?.get(id));
  if (states.includes('unhealthy')) return 'down';
  return states.every((state) => state === 'healthy') ? 'up' : 'unknown';
}

/**
 * Instances by state: up = InService, healthy to Auto Scaling and, while the group is enabled,
 * `healthy` in every attached target group; down = Unhealthy to Auto Scaling or `unhealthy` in a
 * target group; unknown = launching, or not yet judged by a target group (`initial`, unregistered).
 * Instances leaving the group (terminating, detaching, standby) no longer count.
 */
export function computeHealth(group: AutoScalingGroup, targets: TargetStates): Health {
  const judging = judgingTargetGroups(group);
  const health: Health = { desired: group.DesiredCapacity ?? 0, up: 0, down: 0, unknown: 0 };
  for (const instance of group.Instances ?? []) {
    if (LEAVING.test(instance.LifecycleState ?? '')) continue;
    health[instanceState(instance, judging, targets)] += 1;
  }
  return health;
}

/** The group's instances not leaving it; healthy is what computeHealth counts as up. */
export function groupInstances(group: AutoScalingGroup, targets: TargetStates): ServerGroupInstance[] {
  const judging = judgingTargetGroups(group);
  return (group.Instances ?? [])
    .filter((instance) => instance.InstanceId !== undefined && !LEAVING.test(instance.LifecycleState ?? ''))
    .map((instance) => ({ id: instance.InstanceId ?? '', healthy: instanceState(instance, judging, targets) === 'up' }));
}

/** The target groups whose health decides a group's health (attached and the group enabled). */
export function judgingTargetGroups(group: AutoScalingGroup): string[] {
  return isEnabled(group) ? (group.TargetGroupARNs ?? []) : [];
}

export function readCapacity(group: AutoScalingGroup): Capacity {
  return { min: group.MinSize ?? 0, max: group.MaxSize ?? 0, desired: group.DesiredCapacity ?? 0 };
}

export function toServerGroup(group: AutoScalingGroup, targets: TargetStates, account: string, region: string): ServerGroup {
  const name = group.AutoScalingGroupName ?? '';
  const parsed = parseServerGroupName(name);
  return {
    account,
    location: region,
    application: tagValue(group.Tags, TAGS.application) ?? (parsed ? applicationOfCluster(parsed.cluster) : ''),
    cluster: tagValue(group.Tags, TAGS.cluster) ?? parsed?.cluster ?? '',
    name,
    sequence: parsed?.sequence ?? 0,
    image: tagValue(group.Tags, TAGS.image) ?? '',
    capacity: readCapacity(group),
    enabled: isEnabled(group),
    createdAt: group.CreatedTime ?? new Date(0),
    health: computeHealth(group, targets),
    ...launchTemplateOf(group),
    details: {
      autoScalingGroupArn: group.AutoScalingGroupARN,
      status: group.Status,
      launchTemplate: group.LaunchTemplate,
      targetGroupArns: group.TargetGroupARNs ?? [],
      clusterTargetGroups: clusterTargetGroups(group),
      suspendedProcesses: (group.SuspendedProcesses ?? []).map((process) => process.ProcessName),
      availabilityZones: group.AvailabilityZones ?? [],
      subnetIds: splitNames(group.VPCZoneIdentifier),
      healthCheckType: group.HealthCheckType,
      instances: (group.Instances ?? []).map((instance) => ({
        id: instance.InstanceId,
        zone: instance.AvailabilityZone,
        lifecycleState: instance.LifecycleState,
        healthStatus: instance.HealthStatus,
      })),
    },
  };
}

/** The group's launch template as Auto Scaling names it (by name, or by id when only that is known), with the version it launches. */
function launchTemplateOf(group: AutoScalingGroup): Pick<ServerGroup, 'template'> {
  const spec = group.LaunchTemplate;
  const name = spec?.LaunchTemplateName ?? spec?.LaunchTemplateId;
  if (name === undefined) return {};
  return { template: { type: 'launchTemplate', name, ...(spec?.Version === undefined ? {} : { version: spec.Version }) } };
}
