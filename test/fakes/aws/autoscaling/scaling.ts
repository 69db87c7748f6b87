/**
 * What the simulated Auto Scaling service does to one group on each controller pass: launch up to
 * the desired capacity, terminate the excess (AWS's default order: the most crowded zone, unhealthy
 * first, then instances of an older launch template, then the oldest), honour suspended processes,
 * and finish a deletion.
 */
import { randomUUID } from 'node:crypto';
import { beginTermination, launchInstances } from '../ec2/instances';
import { deregisterTarget } from '../elbv2/targetGroups';
import type { AutoScalingGroup, Instance, ScalingActivity } from '../model';
import { AwsError } from '../protocol/errors';
import type { RegionState } from '../store';
import { groupSubnets, isSuspended, membersOf } from './groups';
import { currentLaunchVersion } from './launchTemplates';

/** How long a group waits after a failed launch before trying again. */
export const LAUNCH_RETRY_MS = 1000;
const MAX_ACTIVITIES = 1000;

function record(region: RegionState, activity: Omit<ScalingActivity, 'activityId'>): ScalingActivity {
  const full = { activityId: randomUUID(), ...activity };
  region.activities.push(full);
  if (region.activities.length > MAX_ACTIVITIES) region.activities.shift();
  return full;
}

function active(region: RegionState, group: AutoScalingGroup): Instance[] {
  return membersOf(region, group).filter((instance) => instance.autoScaling?.lifecycleState !== 'Terminating');
}

/** Starts terminating a group's instance (deregistered from its target groups first); returns the activity, if it started. */
export function terminateMember(region: RegionState, group: AutoScalingGroup, instance: Instance, now: number, readyDelayMs: number, cause: string): ScalingActivity | undefined {
  if (!instance.autoScaling || instance.autoScaling.lifecycleState === 'Terminating') return undefined;
  instance.autoScaling.lifecycleState = 'Terminating';
  for (const attachment of group.targetGroups) {
    const targetGroup = region.targetGroups.get(attachment.arn);
    if (targetGroup) deregisterTarget(targetGroup, { id: instance.instanceId, port: undefined }, now, readyDelayMs);
  }
  beginTermination(instance, now, readyDelayMs, 'Service initiated (Auto Scaling)');
  return record(region, {
    groupName: group.name,
    description: `Terminating EC2 instance: ${instance.instanceId}`,
    cause,
    startTime: new Date(now),
    endTime: new Date(now),
    statusCode: 'Successful',
    progress: 100,
  });
}

function launch(region: RegionState, group: AutoScalingGroup, count: number, now: number, readyDelayMs: number): number {
  const current = active(region, group).length;
  const cause = `At ${new Date(now).toISOString()} an instance was started in response to a difference between desired and actual capacity, increasing the capacity from ${current} to ${current + count}.`;
  if (group.lastLaunchFailure && now - group.lastLaunchFailure.at < LAUNCH_RETRY_MS) return group.lastLaunchFailure.at + LAUNCH_RETRY_MS;
  const version = currentLaunchVersion(region, group);
  const subnets = groupSubnets(region, group);
  try {
    if (!version) {
      throw new AwsError('InvalidLaunchTemplateId.NotFound', `The specified launch template, with template ID ${group.launchTemplate.launchTemplateId}, does not exist.`);
    }
    const data = version.data;
    if (data.ImageId === undefined) throw new AwsError('MissingParameter', 'The request must contain the parameter ImageId');
    for (let i = 0; i < count; i++) {
      // The zone with the fewest instances gets the next one.
      const counts = subnets.map((subnet) => active(region, group).filter((instance) => instance.subnetId === subnet.subnetId).length);
      const subnet = subnets[counts.indexOf(Math.min(...counts))];
      if (!subnet) throw new AwsError('InvalidSubnetID.NotFound', 'The group has no usable subnet');
      const tags = new Map<string, string>();
      for (const spec of data.TagSpecifications ?? []) if (spec.ResourceType === 'instance') for (const tag of spec.Tags) tags.set(tag.Key, tag.Value);
      for (const tag of group.tags) if (tag.propagateAtLaunch) tags.set(tag.key, tag.value);
      tags.set('aws:autoscaling:groupName', group.name);
      const [instance] = launchInstances(region, {
        imageId: data.ImageId,
        instanceType: data.InstanceType ?? 'm1.small',
        subnet,
        securityGroupIds: data.SecurityGroupIds ?? data.NetworkInterfaces?.[0]?.Groups ?? [],
        keyName: data.KeyName,
        userData: data.UserData,
        tags,
        launchTemplate: { ...group.launchTemplate, version: String(version.versionNumber) },
      }, 1, now, readyDelayMs);
      if (!instance) continue;
      const activity = record(region, {
        groupName: group.name,
        description: `Launching a new EC2 instance: ${instance.instanceId}`,
        cause,
        startTime: new Date(now),
        statusCode: 'InProgress',
        progress: 30,
      });
      instance.autoScaling = {
        groupName: group.name,
        lifecycleState: 'Pending',
        healthStatus: 'Healthy',
        skipLoadBalancers: isSuspended(group, 'AddToLoadBalancer'),
        activityId: activity.activityId,
      };
    }
    group.lastLaunchFailure = undefined;
    return Infinity;
  } catch (error) {
    if (!(error instanceof AwsError)) throw error;
    const message = `${error.message}. Launching EC2 instance failed.`;
    if (group.lastLaunchFailure?.message !== message) {
      record(region, {
        groupName: group.name,
        description: 'Launching a new EC2 instance.  Status Reason: ' + message,
        cause,
        startTime: new Date(now),
        endTime: new Date(now),
        statusCode: 'Failed',
        statusMessage: message,
        progress: 100,
      });
    }
    group.lastLaunchFailure = { at: now, message };
    return now + LAUNCH_RETRY_MS;
  }
}

function scaleInOrder(region: RegionState, group: AutoScalingGroup, candidates: Instance[]): Instance | undefined {
  const byZone = new Map<string, Instance[]>();
  for (const instance of candidates) byZone.set(instance.availabilityZone, [...(byZone.get(instance.availabilityZone) ?? []), instance]);
  const crowded = [...byZone.values()].sort((a, b) => b.length - a.length)[0] ?? [];
  const current = currentLaunchVersion(region, group)?.versionNumber;
  const rank = (instance: Instance): [number, number, number] => [
    instance.autoScaling?.healthStatus === 'Unhealthy' ? 0 : 1,
    instance.launchTemplate?.version === String(current) ? 1 : 0,
    instance.launchTime.getTime(),
  ];
  return [...crowded].sort((a, b) => {
    const [ra, rb] = [rank(a), rank(b)];
    return ra[0] - rb[0] || ra[1] - rb[1] || ra[2] - rb[2];
  })[0];
}

/** One pass over a group; returns when it next needs attention (ms epoch) or Infinity. */
export function reconcileGroup(region: RegionState, group: AutoScalingGroup, now: number, readyDelayMs: number): number {
  if (group.deleteAfter !== undefined) {
    for (const instance of membersOf(region, group)) terminateMember(region, group, instance, now, readyDelayMs, 'The group is being deleted.');
    if (membersOf(region, group).length === 0 && now >= group.deleteAfter) {
      region.autoScalingGroups.delete(group.name);
      return Infinity;
    }
    return group.deleteAfter;
  }
  let wakeAt = Infinity;
  const running = active(region, group);
  if (running.length < group.desiredCapacity && !isSuspended(group, 'Launch')) {
    wakeAt = Math.min(wakeAt, launch(region, group, group.desiredCapacity - running.length, now, readyDelayMs));
  }
  if (running.length > group.desiredCapacity && !isSuspended(group, 'Terminate')) {
    const cause = `At ${new Date(now).toISOString()} a user request explicitly set group desired capacity changing the desired capacity from ${running.length} to ${group.desiredCapacity}.`;
    let candidates = running;
    for (let excess = running.length - group.desiredCapacity; excess > 0; excess--) {
      const victim = scaleInOrder(region, group, candidates);
      if (!victim) break;
      terminateMember(region, group, victim, now, readyDelayMs, cause);
      candidates = candidates.filter((instance) => instance !== victim);
    }
  }
  // Detached target groups leave the list once their instances have drained out of them.
  const ids = new Set(membersOf(region, group).map((instance) => instance.instanceId));
  group.targetGroups = group.targetGroups.filter((attachment) => {
    if (attachment.state !== 'Removing') return true;
    return region.targetGroups.get(attachment.arn)?.targets.some((target) => ids.has(target.id)) ?? false;
  });
  return wakeAt;
}

export function completeLaunchActivity(region: RegionState, instance: Instance, now: number): void {
  const activity = region.activities.find((a) => a.activityId === instance.autoScaling?.activityId);
  if (activity && activity.statusCode === 'InProgress') {
    activity.statusCode = 'Successful';
    activity.progress = 100;
    activity.endTime = new Date(now);
  }
}
