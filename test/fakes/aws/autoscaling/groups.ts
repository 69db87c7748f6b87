/** Looking up Auto Scaling groups and their instances, shared by the actions and the controller. */
import type { AutoScalingGroup, Instance, Subnet } from '../model';
import { validationError, type AwsError } from '../protocol/errors';
import type { RegionState } from '../store';

export const PROCESSES = [
  'Launch', 'Terminate', 'AddToLoadBalancer', 'AlarmNotification', 'AZRebalance', 'HealthCheck', 'InstanceRefresh', 'ReplaceUnhealthy', 'ScheduledActions',
];

export function groupNotFound(name: string): AwsError {
  return validationError(`AutoScalingGroup name not found - AutoScalingGroup '${name}' not found`);
}

export function findGroup(region: RegionState, name: string): AutoScalingGroup {
  const group = region.autoScalingGroups.get(name);
  if (!group) throw groupNotFound(name);
  return group;
}

/** A group that accepts changes: not one being deleted. */
export function findLiveGroup(region: RegionState, name: string): AutoScalingGroup {
  const group = findGroup(region, name);
  if (group.deleteAfter !== undefined) throw validationError(`AutoScalingGroup ${name} is pending delete.`);
  return group;
}

export function membersOf(region: RegionState, group: AutoScalingGroup): Instance[] {
  return [...region.instances.values()].filter((instance) => instance.autoScaling?.groupName === group.name);
}

/** The subnets instances are launched into: those of VPCZoneIdentifier, else the default subnet of each AZ. */
export function groupSubnets(region: RegionState, group: AutoScalingGroup): Subnet[] {
  if (group.vpcZoneIdentifier !== '') {
    return group.vpcZoneIdentifier.split(',').map((id) => region.subnets.find((subnet) => subnet.subnetId === id.trim())).filter((s): s is Subnet => s !== undefined);
  }
  return group.availabilityZones.map((zone) => region.subnetInZone(zone)).filter((s): s is Subnet => s !== undefined);
}

export function checkTargetGroups(region: RegionState, arns: string[]): void {
  if (arns.some((arn) => !region.targetGroups.has(arn))) {
    throw validationError('Provided Target Groups may not be valid. Please ensure they exist and try again.');
  }
}

export function isSuspended(group: AutoScalingGroup, process: string): boolean {
  return group.suspendedProcesses.has(process);
}
