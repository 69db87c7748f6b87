/**
 * Scaling activities: DescribeScalingActivities (what the controller recorded, newest first) and
 * TerminateInstanceInAutoScalingGroup, which answers with the activity it starts.
 */
import type { ActionTable } from '../context';
import type { ScalingActivity } from '../model';
import { AwsError, validationError } from '../protocol/errors';
import { paginate } from '../protocol/pagination';
import { members, type XmlStruct } from '../protocol/xml';
import type { RegionState } from '../store';
import { findLiveGroup } from './groups';
import { terminateMember } from './scaling';

function activityXml(region: RegionState, a: ScalingActivity): XmlStruct {
  return {
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
  };
}

export const activityActions: ActionTable = {
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
      Activities: members(page.items.map((a) => activityXml(region, a))),
      NextToken: page.nextToken,
    };
  },

  TerminateInstanceInAutoScalingGroup: ({ params, region, store, now, timing }) => {
    const instanceId = params.requiredString('InstanceId');
    const decrement = params.requiredBoolean('ShouldDecrementDesiredCapacity');
    const instance = region.instances.get(instanceId);
    const membership = instance?.autoScaling;
    if (!instance || !membership) throw validationError(`Instance Id not found - No managed instance found for instance ID: ${instanceId}`);
    const group = findLiveGroup(region, membership.groupName);
    if (decrement) {
      if (group.desiredCapacity <= group.minSize) {
        throw validationError(`Currently, desiredSize equals minSize (${group.minSize}). Terminating instance without replacement will violate group's min size constraint. Either set shouldDecrementDesiredCapacity flag to false or lower group's min size.`);
      }
      group.desiredCapacity--;
    }
    const cause = `At ${new Date(now).toISOString()} instance ${instanceId} was taken out of service in response to a user request${decrement ? ', shrinking the capacity' : ''}.`;
    const activity = terminateMember(region, group, instance, now, timing.readyDelayMs(), cause);
    store.changed();
    const latest = activity ?? region.activities.filter((a) => a.groupName === group.name).at(-1);
    return { Activity: latest && activityXml(region, latest) };
  },
};
