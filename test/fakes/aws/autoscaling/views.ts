/** Auto Scaling groups as DescribeAutoScalingGroups writes them. */
import type { AutoScalingGroup, AsgTag } from '../model';
import { members, type XmlStruct } from '../protocol/xml';
import type { RegionState } from '../store';
import { currentLaunchVersion } from './launchTemplates';
import { groupSubnets, membersOf } from './groups';

export function tagXml(group: AutoScalingGroup, tag: AsgTag): XmlStruct {
  return { ResourceId: group.name, ResourceType: 'auto-scaling-group', Key: tag.key, Value: tag.value, PropagateAtLaunch: tag.propagateAtLaunch };
}

/** `includeInstances: false` leaves the Instances list out, as DescribeAutoScalingGroups' IncludeInstances does. */
export function groupXml(region: RegionState, group: AutoScalingGroup, includeInstances = true): XmlStruct {
  const instanceType = currentLaunchVersion(region, group)?.data.InstanceType;
  const zones = group.vpcZoneIdentifier !== '' ? [...new Set(groupSubnets(region, group).map((s) => s.availabilityZone))] : group.availabilityZones;
  return {
    AutoScalingGroupName: group.name,
    AutoScalingGroupARN: group.arn,
    LaunchTemplate: { LaunchTemplateId: group.launchTemplate.launchTemplateId, LaunchTemplateName: group.launchTemplate.launchTemplateName, Version: group.launchTemplate.version },
    MinSize: group.minSize,
    MaxSize: group.maxSize,
    DesiredCapacity: group.desiredCapacity,
    DefaultCooldown: group.defaultCooldown,
    AvailabilityZones: members(zones),
    LoadBalancerNames: members([]),
    TargetGroupARNs: members(group.targetGroups.filter((t) => t.state === 'Attached').map((t) => t.arn)),
    HealthCheckType: group.healthCheckType,
    HealthCheckGracePeriod: group.healthCheckGracePeriod,
    Instances: includeInstances ? members(membersOf(region, group).map((instance) => ({
      InstanceId: instance.instanceId,
      InstanceType: instanceType ?? instance.instanceType,
      AvailabilityZone: instance.availabilityZone,
      LifecycleState: instance.autoScaling?.lifecycleState,
      HealthStatus: instance.autoScaling?.healthStatus,
      LaunchTemplate: instance.launchTemplate && {
        LaunchTemplateId: instance.launchTemplate.launchTemplateId,
        LaunchTemplateName: instance.launchTemplate.launchTemplateName,
        Version: instance.launchTemplate.version,
      },
      ProtectedFromScaleIn: false,
    }))) : undefined,
    CreatedTime: group.createdTime,
    SuspendedProcesses: members([...group.suspendedProcesses].map(([ProcessName, SuspensionReason]) => ({ ProcessName, SuspensionReason }))),
    VPCZoneIdentifier: group.vpcZoneIdentifier === '' ? undefined : group.vpcZoneIdentifier,
    EnabledMetrics: members([]),
    Status: group.deleteAfter !== undefined ? 'Delete in progress' : undefined,
    Tags: members(group.tags.map((tag) => tagXml(group, tag))),
    TerminationPolicies: members(group.terminationPolicies),
    NewInstancesProtectedFromScaleIn: group.newInstancesProtectedFromScaleIn,
    ServiceLinkedRoleARN: `arn:aws:iam::123456789012:role/aws-service-role/autoscaling.amazonaws.com/AWSServiceRoleForAutoScaling`,
    TrafficSources: members(group.targetGroups.filter((t) => t.state === 'Attached').map((t) => ({ Identifier: t.arn, Type: 'elbv2' }))),
  };
}
