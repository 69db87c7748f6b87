/**
 * EC2 instances: RunInstances (also used by the Auto Scaling controller to launch), DescribeInstances,
 * TerminateInstances and StopInstances. State changes (pending → running, shutting-down →
 * terminated, stopping → stopped) are made by the controller when `transitionAt` passes.
 * Terminated instances stay visible, as on EC2.
 */
import type { ActionContext, ActionTable } from '../context';
import { ACCOUNT_ID, newInstanceId, newReservationId } from '../ids';
import type { Instance, InstanceStateName, LaunchTemplateData, LaunchTemplateRef, Subnet, TagMap } from '../model';
import { AwsError } from '../protocol/errors';
import { paginate } from '../protocol/pagination';
import { items, type XmlStruct } from '../protocol/xml';
import type { RegionState } from '../store';
import { applyFilters, readFilters, type FilterFields } from './filters';
import { usableImage } from './images';
import { findLaunchTemplate, resolveVersion } from './launchTemplates';
import { readTagSpecifications, tagSet, tagsFor } from './tags';

export const STATE_CODES: Record<InstanceStateName, number> = {
  pending: 0, running: 16, 'shutting-down': 32, terminated: 48, stopping: 64, stopped: 80,
};

export interface LaunchSpec {
  imageId: string;
  instanceType: string;
  subnet: Subnet;
  securityGroupIds: string[];
  keyName?: string;
  userData?: string;
  shutdownBehavior?: 'stop' | 'terminate';
  tags: TagMap;
  launchTemplate?: LaunchTemplateRef;
  clientToken?: string;
}

/** Launches `count` instances in one reservation; throws EC2's error when the image cannot be used. */
export function launchInstances(region: RegionState, spec: LaunchSpec, count: number, now: number, readyDelayMs: number): Instance[] {
  usableImage(region, spec.imageId);
  const reservationId = newReservationId();
  const launched: Instance[] = [];
  for (let index = 0; index < count; index++) {
    const instance: Instance = {
      instanceId: newInstanceId(),
      reservationId,
      imageId: spec.imageId,
      instanceType: spec.instanceType,
      availabilityZone: spec.subnet.availabilityZone,
      subnetId: spec.subnet.subnetId,
      vpcId: spec.subnet.vpcId,
      privateIpAddress: region.allocatePrivateIp(spec.subnet),
      state: 'pending',
      stateTransitionReason: '',
      launchTime: new Date(now),
      transitionAt: now + readyDelayMs,
      amiLaunchIndex: index,
      keyName: spec.keyName,
      userData: spec.userData,
      shutdownBehavior: spec.shutdownBehavior ?? 'stop',
      securityGroupIds: spec.securityGroupIds.length > 0 ? spec.securityGroupIds : [region.securityGroups[0]?.groupId ?? ''],
      tags: new Map(spec.tags),
      clientToken: spec.clientToken,
      launchTemplate: spec.launchTemplate,
    };
    region.instances.set(instance.instanceId, instance);
    launched.push(instance);
  }
  return launched;
}

/** Starts termination; the controller finishes it. Returns the state before. */
export function beginTermination(instance: Instance, now: number, readyDelayMs: number, reason: string): InstanceStateName {
  const previous = instance.state;
  if (previous !== 'terminated' && previous !== 'shutting-down') {
    instance.state = 'shutting-down';
    instance.stateTransitionReason = reason;
    instance.transitionAt = now + readyDelayMs;
  }
  return previous;
}

export function findSubnet(region: RegionState, subnetId: string): Subnet {
  const subnet = region.subnets.find((s) => s.subnetId === subnetId);
  if (!subnet) throw new AwsError('InvalidSubnetID.NotFound', `The subnet ID '${subnetId}' does not exist`);
  return subnet;
}

function stateXml(state: InstanceStateName): XmlStruct {
  return { code: STATE_CODES[state], name: state };
}

function instanceXml(region: RegionState, instance: Instance): XmlStruct {
  const dnsName = `ip-${instance.privateIpAddress.replace(/\./g, '-')}.${region.region === 'us-east-1' ? 'ec2.internal' : `${region.region}.compute.internal`}`;
  return {
    instanceId: instance.instanceId,
    imageId: instance.imageId,
    instanceState: stateXml(instance.state),
    privateDnsName: instance.state === 'terminated' ? '' : dnsName,
    dnsName: '',
    reason: instance.stateTransitionReason,
    stateReason: instance.stateReason,
    keyName: instance.keyName,
    amiLaunchIndex: instance.amiLaunchIndex,
    productCodes: items([]),
    instanceType: instance.instanceType,
    launchTime: instance.launchTime,
    placement: { availabilityZone: instance.availabilityZone, groupName: '', tenancy: 'default' },
    monitoring: { state: 'disabled' },
    subnetId: instance.state === 'terminated' ? undefined : instance.subnetId,
    vpcId: instance.state === 'terminated' ? undefined : instance.vpcId,
    privateIpAddress: instance.state === 'terminated' ? undefined : instance.privateIpAddress,
    groupSet: items(instance.securityGroupIds.map((groupId) => ({ groupId, groupName: region.securityGroups.find((g) => g.groupId === groupId)?.groupName }))),
    architecture: 'x86_64',
    rootDeviceType: 'ebs',
    rootDeviceName: '/dev/xvda',
    blockDeviceMapping: items([]),
    virtualizationType: 'hvm',
    clientToken: instance.clientToken,
    tagSet: instance.tags.size > 0 ? tagSet(instance.tags) : undefined,
    hypervisor: 'xen',
    ebsOptimized: false,
  };
}

function reservationXml(region: RegionState, reservationId: string, instances: Instance[]): XmlStruct {
  return {
    reservationId,
    ownerId: ACCOUNT_ID,
    requesterId: instances[0]?.autoScaling ? '940372691376' : undefined,
    groupSet: items([]),
    instancesSet: items(instances.map((instance) => instanceXml(region, instance))),
  };
}

const INSTANCE_FILTERS: FilterFields<Instance> = {
  'instance-id': (i) => i.instanceId,
  'instance-state-name': (i) => i.state,
  'instance-state-code': (i) => String(STATE_CODES[i.state]),
  'image-id': (i) => i.imageId,
  'instance-type': (i) => i.instanceType,
  'availability-zone': (i) => i.availabilityZone,
  'subnet-id': (i) => i.subnetId,
  'vpc-id': (i) => i.vpcId,
  'private-ip-address': (i) => i.privateIpAddress,
  'reservation-id': (i) => i.reservationId,
  'client-token': (i) => i.clientToken,
  'instance.group-id': (i) => i.securityGroupIds,
};

function existingInstances(region: RegionState, ids: string[]): Instance[] {
  const missing = ids.filter((id) => !region.instances.has(id));
  if (missing.length > 0) throw new AwsError('InvalidInstanceID.NotFound', `The instance ID${missing.length > 1 ? 's' : ''} '${missing.join(', ')}' ${missing.length > 1 ? 'do' : 'does'} not exist`);
  return ids.map((id) => region.instances.get(id) as Instance);
}

function shutdownBehaviorParam(value: string | undefined): 'stop' | 'terminate' | undefined {
  if (value === undefined || value === 'stop' || value === 'terminate') return value;
  throw new AwsError('InvalidParameterValue', `Value (${value}) for parameter instanceInitiatedShutdownBehavior is invalid. Expected: 'stop' or 'terminate'`);
}

/**
 * A boot script that ends by powering the machine off (an image builder saying "installed"): the
 * controller runs it, and shuts the instance down once it is done, as the guest OS would.
 */
export function userDataPowersOff(userData: string | undefined): boolean {
  if (userData === undefined) return false;
  const lines = Buffer.from(userData, 'base64').toString('utf8').split('\n').map((line) => line.trim()).filter((line) => line !== '' && !line.startsWith('#'));
  return /^(shutdown( -[hP])? now|poweroff|halt -p)$/.test(lines[lines.length - 1] ?? '');
}

function runInstances(context: ActionContext): XmlStruct {
  const { params, region, store, now, timing } = context;
  const clientToken = params.string('ClientToken');
  if (clientToken !== undefined) {
    const earlier = [...region.instances.values()].filter((i) => i.clientToken === clientToken);
    const first = earlier[0];
    if (first) return reservationXml(region, first.reservationId, earlier.filter((i) => i.reservationId === first.reservationId));
  }
  const minCount = params.requiredInteger('MinCount');
  const maxCount = params.requiredInteger('MaxCount');
  if (minCount < 1 || maxCount < minCount) throw new AwsError('InvalidParameterValue', `MinCount (${minCount}) must be at least 1 and no more than MaxCount (${maxCount})`);
  const templateParams = params.child('LaunchTemplate');
  let launchTemplate: LaunchTemplateRef | undefined;
  let fromTemplate: LaunchTemplateData = {};
  if (templateParams) {
    const template = findLaunchTemplate(region, { id: templateParams.string('LaunchTemplateId'), name: templateParams.string('LaunchTemplateName') });
    const version = resolveVersion(template, templateParams.string('Version'));
    fromTemplate = version.data;
    launchTemplate = { launchTemplateId: template.launchTemplateId, launchTemplateName: template.launchTemplateName, version: String(version.versionNumber) };
  }
  const imageId = params.string('ImageId') ?? fromTemplate.ImageId;
  if (imageId === undefined) throw new AwsError('MissingParameter', 'The request must contain the parameter ImageId');
  const subnetId = params.string('SubnetId');
  const zone = params.child('Placement')?.string('AvailabilityZone');
  const subnet = subnetId !== undefined ? findSubnet(region, subnetId) : (zone !== undefined ? region.subnetInZone(zone) : region.subnets[0]);
  if (!subnet) throw new AwsError('InvalidParameterValue', `Invalid availability zone: [${zone}]`);
  const specs = readTagSpecifications(params);
  const tags = new Map([
    ...tagsFor((fromTemplate.TagSpecifications ?? []).map((s) => ({ resourceType: s.ResourceType ?? '', tags: s.Tags })), 'instance', ['instance', 'volume', 'network-interface', 'spot-instances-request']),
    ...tagsFor(specs, 'instance', ['instance', 'volume', 'network-interface', 'spot-instances-request']),
  ]);
  const securityGroupIds = params.has('SecurityGroupId') ? params.strings('SecurityGroupId') : (fromTemplate.SecurityGroupIds ?? []);
  const launched = launchInstances(region, {
    imageId,
    instanceType: params.string('InstanceType') ?? fromTemplate.InstanceType ?? 'm1.small',
    subnet,
    securityGroupIds,
    keyName: params.string('KeyName') ?? fromTemplate.KeyName,
    userData: params.string('UserData') ?? fromTemplate.UserData,
    shutdownBehavior: shutdownBehaviorParam(params.string('InstanceInitiatedShutdownBehavior')),
    tags,
    launchTemplate,
    clientToken,
  }, maxCount, now, timing.readyDelayMs());
  store.changed();
  return reservationXml(region, launched[0]?.reservationId ?? '', launched);
}

export const instanceActions: ActionTable = {
  RunInstances: runInstances,

  DescribeInstances: ({ params, region }) => {
    const ids = params.strings('InstanceId');
    const maxResults = params.integerBetween('MaxResults', 5, 1000);
    if (ids.length > 0 && maxResults !== undefined) {
      throw new AwsError('InvalidParameterCombination', 'The parameter instancesSet cannot be used with the parameter maxResults');
    }
    let instances = ids.length > 0 ? existingInstances(region, ids) : [...region.instances.values()];
    instances = applyFilters(instances, readFilters(params), INSTANCE_FILTERS, (i) => i.tags);
    const page = paginate(instances, maxResults ?? Math.max(instances.length, 1), params.string('NextToken'), () => new AwsError('InvalidParameterValue', 'The NextToken is invalid.'));
    const reservations = new Map<string, Instance[]>();
    for (const instance of page.items) reservations.set(instance.reservationId, [...(reservations.get(instance.reservationId) ?? []), instance]);
    return {
      reservationSet: items([...reservations].map(([reservationId, members]) => reservationXml(region, reservationId, members))),
      nextToken: page.nextToken,
    };
  },

  TerminateInstances: ({ params, region, store, now, timing }) => {
    const ids = params.strings('InstanceId');
    if (ids.length === 0) throw new AwsError('MissingParameter', 'The request must contain the parameter InstanceId');
    const changes = existingInstances(region, ids).map((instance) => {
      const previous = beginTermination(instance, now, timing.readyDelayMs(), 'User initiated');
      return { instanceId: instance.instanceId, currentState: stateXml(instance.state), previousState: stateXml(previous) };
    });
    store.changed();
    return { instancesSet: items(changes) };
  },

  StopInstances: ({ params, region, store, now, timing }) => {
    const ids = params.strings('InstanceId');
    if (ids.length === 0) throw new AwsError('MissingParameter', 'The request must contain the parameter InstanceId');
    const instances = existingInstances(region, ids);
    const wrong = instances.find((i) => i.state !== 'running' && i.state !== 'stopping' && i.state !== 'stopped');
    if (wrong) throw new AwsError('IncorrectInstanceState', `The instance '${wrong.instanceId}' is not in a state from which it can be stopped.`);
    const changes = instances.map((instance) => {
      const previous = instance.state;
      if (previous === 'running') {
        instance.state = 'stopping';
        instance.stateTransitionReason = 'User initiated';
        instance.transitionAt = now + timing.readyDelayMs();
      }
      return { instanceId: instance.instanceId, currentState: stateXml(instance.state), previousState: stateXml(previous) };
    });
    store.changed();
    return { instancesSet: items(changes) };
  },
};
