/** Create, Describe, Update, SetDesiredCapacity and Delete of Auto Scaling groups. */
import type { ActionTable } from '../context';
import { autoScalingGroupArn } from '../ids';
import type { AutoScalingGroup, AsgTag } from '../model';
import { AwsError, validationError } from '../protocol/errors';
import { paginate } from '../protocol/pagination';
import type { QueryParams } from '../protocol/query';
import { members } from '../protocol/xml';
import type { RegionState } from '../store';
import { checkTargetGroups, findGroup, findLiveGroup, membersOf } from './groups';
import { readLaunchTemplateRef } from './launchTemplates';
import { groupXml } from './views';

const NAME = /^[^:]{1,255}$/;

function checkSizes(min: number, max: number, desired: number): void {
  if (min > max) throw validationError(`Max bound, ${max}, must be greater than or equal to min bound, ${min}`);
  if (desired < min || desired > max) {
    throw validationError(`Desired capacity:${desired} must be between the specified min size:${min} and max size:${max}`);
  }
}

function checkPlacement(region: RegionState, vpcZoneIdentifier: string, zones: string[]): void {
  if (vpcZoneIdentifier === '' && zones.length === 0) throw validationError('At least one Availability Zone or VPC Subnet is required.');
  for (const id of vpcZoneIdentifier.split(',').map((s) => s.trim()).filter((s) => s !== '')) {
    if (!region.subnets.some((subnet) => subnet.subnetId === id)) throw validationError(`The subnet ID '${id}' does not exist`);
  }
  for (const zone of zones) {
    if (!region.availabilityZones.includes(zone)) throw validationError(`The availability zone '${zone}' is not legal`);
  }
}

function readTags(params: QueryParams): AsgTag[] {
  return params.list('Tags').map((tag) => ({ key: tag.requiredString('Key'), value: tag.string('Value') ?? '', propagateAtLaunch: tag.boolean('PropagateAtLaunch') ?? false }));
}

const GROUP_FILTERS: Record<string, (group: AutoScalingGroup, value: string) => boolean> = {
  'tag-key': (group, value) => group.tags.some((tag) => tag.key === value),
  'tag-value': (group, value) => group.tags.some((tag) => tag.value === value),
};

function matchesFilter(group: AutoScalingGroup, name: string, values: string[]): boolean {
  if (name.startsWith('tag:')) return group.tags.some((tag) => tag.key === name.slice(4) && values.includes(tag.value));
  const test = GROUP_FILTERS[name];
  if (!test) throw validationError(`Filter type ${name} is not correct. Allowed Filter types are: tag-key tag-value tag:<key>`);
  return values.some((value) => test(group, value));
}

export const groupActions: ActionTable = {
  CreateAutoScalingGroup: ({ params, region, store, now }) => {
    const name = params.requiredString('AutoScalingGroupName');
    if (!NAME.test(name)) throw validationError(`AutoScalingGroupName '${name}' must be 1 to 255 characters without ':'`);
    if (region.autoScalingGroups.has(name)) throw new AwsError('AlreadyExists', `AutoScalingGroup by this name already exists - A group with the name ${name} already exists`);
    const templateParams = params.child('LaunchTemplate');
    if (!templateParams) {
      throw validationError('Valid requests must contain either LaunchTemplate, LaunchConfigurationName, InstanceId or MixedInstancesPolicy parameter. (the fake supports LaunchTemplate)');
    }
    const launchTemplate = readLaunchTemplateRef(region, templateParams);
    const minSize = params.requiredInteger('MinSize');
    const maxSize = params.requiredInteger('MaxSize');
    const desiredCapacity = params.integer('DesiredCapacity') ?? minSize;
    checkSizes(minSize, maxSize, desiredCapacity);
    const vpcZoneIdentifier = params.string('VPCZoneIdentifier') ?? '';
    const availabilityZones = params.strings('AvailabilityZones');
    checkPlacement(region, vpcZoneIdentifier, availabilityZones);
    const targetGroupArns = params.strings('TargetGroupARNs');
    checkTargetGroups(region, targetGroupArns);
    const group: AutoScalingGroup = {
      name,
      arn: autoScalingGroupArn(region.region, name),
      launchTemplate,
      minSize,
      maxSize,
      desiredCapacity,
      defaultCooldown: params.integer('DefaultCooldown') ?? 300,
      availabilityZones,
      vpcZoneIdentifier,
      targetGroups: targetGroupArns.map((arn) => ({ arn, state: 'Attached' })),
      healthCheckType: params.string('HealthCheckType') ?? 'EC2',
      healthCheckGracePeriod: params.integer('HealthCheckGracePeriod') ?? 0,
      createdTime: new Date(now),
      suspendedProcesses: new Map(),
      tags: readTags(params),
      terminationPolicies: params.has('TerminationPolicies') ? params.strings('TerminationPolicies') : ['Default'],
      newInstancesProtectedFromScaleIn: params.boolean('NewInstancesProtectedFromScaleIn') ?? false,
      deleteAfter: undefined,
    };
    region.autoScalingGroups.set(name, group);
    store.changed();
    return undefined;
  },

  DescribeAutoScalingGroups: ({ params, region }) => {
    const names = params.strings('AutoScalingGroupNames');
    const filters = params.list('Filters').map((filter) => ({ name: filter.requiredString('Name'), values: filter.strings('Values') }));
    const groups = [...region.autoScalingGroups.values()]
      .filter((group) => names.length === 0 || names.includes(group.name))
      .filter((group) => filters.every((filter) => matchesFilter(group, filter.name, filter.values)))
      .sort((a, b) => a.name.localeCompare(b.name));
    const maxRecords = params.integerBetween('MaxRecords', 1, 100) ?? 50;
    const page = paginate(groups, maxRecords, params.string('NextToken'), () => new AwsError('InvalidNextToken', 'The token is invalid.'));
    const includeInstances = params.boolean('IncludeInstances') ?? true;
    return { AutoScalingGroups: members(page.items.map((group) => groupXml(region, group, includeInstances))), NextToken: page.nextToken };
  },

  UpdateAutoScalingGroup: ({ params, region, store }) => {
    const group = findLiveGroup(region, params.requiredString('AutoScalingGroupName'));
    const templateParams = params.child('LaunchTemplate');
    const launchTemplate = templateParams ? readLaunchTemplateRef(region, templateParams) : group.launchTemplate;
    const minSize = params.integer('MinSize') ?? group.minSize;
    const maxSize = params.integer('MaxSize') ?? group.maxSize;
    // As AWS does: a new min or max alone pulls the desired capacity inside the new bounds.
    const desiredCapacity = params.integer('DesiredCapacity') ?? Math.min(maxSize, Math.max(minSize, group.desiredCapacity));
    checkSizes(minSize, maxSize, desiredCapacity);
    const vpcZoneIdentifier = params.string('VPCZoneIdentifier') ?? group.vpcZoneIdentifier;
    const availabilityZones = params.has('AvailabilityZones') ? params.strings('AvailabilityZones') : group.availabilityZones;
    checkPlacement(region, vpcZoneIdentifier, availabilityZones);
    Object.assign(group, {
      launchTemplate,
      minSize,
      maxSize,
      desiredCapacity,
      vpcZoneIdentifier,
      availabilityZones,
      defaultCooldown: params.integer('DefaultCooldown') ?? group.defaultCooldown,
      healthCheckType: params.string('HealthCheckType') ?? group.healthCheckType,
      healthCheckGracePeriod: params.integer('HealthCheckGracePeriod') ?? group.healthCheckGracePeriod,
      terminationPolicies: params.has('TerminationPolicies') ? params.strings('TerminationPolicies') : group.terminationPolicies,
      newInstancesProtectedFromScaleIn: params.boolean('NewInstancesProtectedFromScaleIn') ?? group.newInstancesProtectedFromScaleIn,
    });
    store.changed();
    return undefined;
  },

  SetDesiredCapacity: ({ params, region, store }) => {
    const group = findLiveGroup(region, params.requiredString('AutoScalingGroupName'));
    const desired = params.requiredInteger('DesiredCapacity');
    if (desired < group.minSize || desired > group.maxSize) {
      throw validationError(`New SetDesiredCapacity value ${desired} is ${desired < group.minSize ? 'below min value' : 'above max value'} ${desired < group.minSize ? group.minSize : group.maxSize} for the AutoScalingGroup.`);
    }
    group.desiredCapacity = desired;
    store.changed();
    return undefined;
  },

  DeleteAutoScalingGroup: ({ params, region, store, now, timing }) => {
    const group = findGroup(region, params.requiredString('AutoScalingGroupName'));
    const force = params.boolean('ForceDelete') ?? false;
    const instances = membersOf(region, group);
    if (!force && instances.length > 0) {
      if (instances.some((instance) => instance.autoScaling?.lifecycleState !== 'InService')) {
        throw new AwsError('ScalingActivityInProgress', 'You cannot delete an AutoScalingGroup while there are scaling activities in progress for that group.');
      }
      throw new AwsError('ResourceInUse', 'You cannot delete an AutoScalingGroup while there are instances or pending Spot instance request(s) still in the group.');
    }
    // The controller terminates every instance of a group being deleted, whatever is suspended.
    group.deleteAfter ??= now + timing.readyDelayMs();
    store.changed();
    return undefined;
  },
};
