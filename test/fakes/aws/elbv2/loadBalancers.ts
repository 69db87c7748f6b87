/**
 * ELBv2 load balancers: Create (provisioning → active after the ready delay), Describe, Delete
 * (which removes its listeners). They route nothing: traffic is what the listeners' weights say.
 */
import type { ActionTable } from '../context';
import { hex, loadBalancerArn } from '../ids';
import type { LoadBalancer } from '../model';
import { AwsError, validationError } from '../protocol/errors';
import { paginate } from '../protocol/pagination';
import { members, type XmlStruct } from '../protocol/xml';
import type { RegionState } from '../store';

const NAME = /^(?!-)(?!internal-)[a-zA-Z0-9-]{1,32}(?<!-)$/;
const HOSTED_ZONE = { application: 'Z35SXDOTRQ7X7K', network: 'Z26RNL4JYFTOTI' } as const;

export function loadBalancerNotFound(): AwsError {
  return new AwsError('LoadBalancerNotFound', 'One or more load balancers not found');
}

export function findLoadBalancer(region: RegionState, arn: string): LoadBalancer {
  const found = region.loadBalancers.get(arn);
  if (!found) throw loadBalancerNotFound();
  return found;
}

function loadBalancerXml(region: RegionState, lb: LoadBalancer): XmlStruct {
  return {
    LoadBalancerArn: lb.arn,
    DNSName: lb.dnsName,
    CanonicalHostedZoneId: lb.type === 'network' ? HOSTED_ZONE.network : HOSTED_ZONE.application,
    CreatedTime: lb.createdTime,
    LoadBalancerName: lb.name,
    Scheme: lb.scheme,
    VpcId: lb.vpcId,
    State: { Code: lb.state },
    Type: lb.type,
    AvailabilityZones: members(lb.subnetIds.map((subnetId) => ({ ZoneName: region.subnets.find((s) => s.subnetId === subnetId)?.availabilityZone, SubnetId: subnetId }))),
    SecurityGroups: lb.type === 'application' ? members(lb.securityGroups) : undefined,
    IpAddressType: lb.ipAddressType,
  };
}

export const loadBalancerActions: ActionTable = {
  CreateLoadBalancer: ({ params, region, store, now, timing }) => {
    const name = params.requiredString('Name');
    if (!NAME.test(name)) {
      throw validationError(`The load balancer name '${name}' can only contain alphanumeric characters or hyphens, must be at most 32 characters, and must not begin or end with a hyphen`);
    }
    const type = params.string('Type') ?? 'application';
    if (type !== 'application' && type !== 'network') throw validationError(`Load balancer type '${type}' is not supported by the fake (application, network)`);
    const subnetIds = params.strings('Subnets');
    const subnets = subnetIds.map((id) => region.subnets.find((subnet) => subnet.subnetId === id));
    const missing = subnetIds.find((_id, index) => subnets[index] === undefined);
    if (missing !== undefined) throw new AwsError('SubnetNotFound', `The subnet ID '${missing}' is not valid`);
    if (type === 'application' && new Set(subnets.map((s) => s?.availabilityZone)).size < 2) {
      throw validationError('At least two subnets in two different Availability Zones must be specified');
    }
    const scheme = params.string('Scheme') ?? 'internet-facing';
    const securityGroups = params.has('SecurityGroups') ? params.strings('SecurityGroups') : (type === 'application' ? [region.securityGroups[0]?.groupId ?? ''] : []);
    const existing = [...region.loadBalancers.values()].find((lb) => lb.name === name);
    if (existing) {
      const same = existing.type === type && existing.scheme === scheme && existing.subnetIds.join() === subnetIds.join();
      if (!same) throw new AwsError('DuplicateLoadBalancerName', `A load balancer with the same name '${name}' exists, but with different settings`);
      return { LoadBalancers: members([loadBalancerXml(region, existing)]) };
    }
    const lb: LoadBalancer = {
      arn: loadBalancerArn(region.region, type, name),
      name,
      dnsName: `${scheme === 'internal' ? 'internal-' : ''}${name}-${parseInt(hex(8), 16) % 2_000_000_000}.${region.region}.elb.amazonaws.com`,
      createdTime: new Date(now),
      scheme,
      type,
      vpcId: subnets[0]?.vpcId ?? region.vpcs[0]?.vpcId ?? '',
      subnetIds,
      securityGroups,
      ipAddressType: params.string('IpAddressType') ?? 'ipv4',
      state: 'provisioning',
      activeAt: now + timing.readyDelayMs(),
      tags: new Map(params.list('Tags').map((tag) => [tag.requiredString('Key'), tag.string('Value') ?? ''])),
    };
    region.loadBalancers.set(lb.arn, lb);
    store.changed();
    return { LoadBalancers: members([loadBalancerXml(region, lb)]) };
  },

  DescribeLoadBalancers: ({ params, region }) => {
    const arns = params.strings('LoadBalancerArns');
    const names = params.strings('Names');
    let found = [...region.loadBalancers.values()];
    if (arns.length > 0) {
      if (arns.some((arn) => !region.loadBalancers.has(arn))) throw loadBalancerNotFound();
      found = found.filter((lb) => arns.includes(lb.arn));
    }
    if (names.length > 0) {
      if (names.some((name) => !found.some((lb) => lb.name === name))) throw new AwsError('LoadBalancerNotFound', `Load balancers '[${names.join(', ')}]' not found`);
      found = found.filter((lb) => names.includes(lb.name));
    }
    found.sort((a, b) => a.name.localeCompare(b.name));
    const page = paginate(found, params.integerBetween('PageSize', 1, 400) ?? 400, params.string('Marker'), () => validationError('Invalid marker'));
    return { LoadBalancers: members(page.items.map((lb) => loadBalancerXml(region, lb))), NextMarker: page.nextToken };
  },

  // Deleting a load balancer that does not exist succeeds, as AWS documents.
  DeleteLoadBalancer: ({ params, region, store }) => {
    const arn = params.requiredString('LoadBalancerArn');
    region.loadBalancers.delete(arn);
    for (const listener of [...region.listeners.values()]) if (listener.loadBalancerArn === arn) region.listeners.delete(listener.arn);
    store.changed();
    return {};
  },
};
