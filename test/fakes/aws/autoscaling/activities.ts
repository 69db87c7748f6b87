/** DescribeScalingActivities: the launches and terminations the controller recorded, newest first. */
import type { ActionTable } from '../context';
import { AwsError } from '../protocol/errors';
import { paginate } from '../protocol/pagination';
import { members } from '../protocol/xml';

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
