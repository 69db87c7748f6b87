/** The seeded network of each region: default VPC, one subnet per AZ (a, b, c), the default security group. */
import type { ActionTable } from '../context';
import { ACCOUNT_ID } from '../ids';
import type { SecurityGroup, Subnet, Vpc } from '../model';
import { AwsError } from '../protocol/errors';
import { items } from '../protocol/xml';
import { applyFilters, readFilters, type FilterFields } from './filters';

function byIds<T>(all: T[], ids: string[], idOf: (resource: T) => string, notFound: (id: string) => AwsError): T[] {
  if (ids.length === 0) return all;
  const missing = ids.find((id) => !all.some((resource) => idOf(resource) === id));
  if (missing !== undefined) throw notFound(missing);
  return all.filter((resource) => ids.includes(idOf(resource)));
}

const SUBNET_FILTERS: FilterFields<Subnet> = {
  'subnet-id': (s) => s.subnetId,
  'vpc-id': (s) => s.vpcId,
  'availability-zone': (s) => s.availabilityZone,
  'availability-zone-id': (s) => s.zoneId,
  'default-for-az': (s) => String(s.defaultForAz),
  'cidr-block': (s) => s.cidrBlock,
  state: () => 'available',
};

const GROUP_FILTERS: FilterFields<SecurityGroup> = {
  'group-id': (g) => g.groupId,
  'group-name': (g) => g.groupName,
  'vpc-id': (g) => g.vpcId,
  description: (g) => g.description,
};

const VPC_FILTERS: FilterFields<Vpc> = {
  'vpc-id': (v) => v.vpcId,
  'is-default': (v) => String(v.isDefault),
  'cidr-block': (v) => v.cidrBlock,
  state: () => 'available',
};

const noTags = (): Map<string, string> => new Map();

export const networkActions: ActionTable = {
  DescribeSubnets: ({ params, region }) => {
    const subnets = byIds(region.subnets, params.strings('SubnetId'), (s) => s.subnetId, (id) => new AwsError('InvalidSubnetID.NotFound', `The subnet ID '${id}' does not exist`));
    return {
      subnetSet: items(applyFilters(subnets, readFilters(params), SUBNET_FILTERS, noTags).map((s) => ({
        subnetId: s.subnetId,
        subnetArn: `arn:aws:ec2:${region.region}:${ACCOUNT_ID}:subnet/${s.subnetId}`,
        state: 'available',
        vpcId: s.vpcId,
        cidrBlock: s.cidrBlock,
        availableIpAddressCount: 4091,
        availabilityZone: s.availabilityZone,
        availabilityZoneId: s.zoneId,
        defaultForAz: s.defaultForAz,
        mapPublicIpOnLaunch: true,
        ownerId: ACCOUNT_ID,
        assignIpv6AddressOnCreation: false,
      }))),
    };
  },

  DescribeSecurityGroups: ({ params, region }) => {
    let groups = byIds(region.securityGroups, params.strings('GroupId'), (g) => g.groupId, (id) => new AwsError('InvalidGroup.NotFound', `The security group '${id}' does not exist`));
    groups = byIds(groups, params.strings('GroupName'), (g) => g.groupName, (name) => new AwsError('InvalidGroup.NotFound', `The security group '${name}' does not exist in default VPC '${region.vpcs[0]?.vpcId}'`));
    return {
      securityGroupInfo: items(applyFilters(groups, readFilters(params), GROUP_FILTERS, noTags).map((g) => ({
        ownerId: ACCOUNT_ID,
        groupId: g.groupId,
        groupName: g.groupName,
        groupDescription: g.description,
        vpcId: g.vpcId,
        securityGroupArn: `arn:aws:ec2:${region.region}:${ACCOUNT_ID}:security-group/${g.groupId}`,
        ipPermissions: items([]),
        ipPermissionsEgress: items([{ ipProtocol: '-1', groups: items([]), ipRanges: items([{ cidrIp: '0.0.0.0/0' }]), ipv6Ranges: items([]), prefixListIds: items([]) }]),
      }))),
    };
  },

  DescribeAvailabilityZones: ({ params, region }) => {
    const zones = region.subnets.map((s) => ({ zoneName: s.availabilityZone, zoneId: s.zoneId }));
    const names = params.strings('ZoneName');
    const unknown = names.find((name) => !zones.some((zone) => zone.zoneName === name));
    if (unknown !== undefined) throw new AwsError('InvalidParameterValue', `Invalid availability zone: [${unknown}]`);
    const selected = zones.filter((zone) => names.length === 0 || names.includes(zone.zoneName));
    const filtered = applyFilters(selected, readFilters(params), {
      'zone-name': (z) => z.zoneName,
      'zone-id': (z) => z.zoneId,
      'region-name': () => region.region,
      state: () => 'available',
      'zone-type': () => 'availability-zone',
    });
    return {
      availabilityZoneInfo: items(filtered.map((zone) => ({
        zoneName: zone.zoneName,
        zoneState: 'available',
        regionName: region.region,
        zoneId: zone.zoneId,
        groupName: region.region,
        networkBorderGroup: region.region,
        optInStatus: 'opt-in-not-required',
        zoneType: 'availability-zone',
        messageSet: items([]),
      }))),
    };
  },

  DescribeVpcs: ({ params, region }) => {
    const vpcs = byIds(region.vpcs, params.strings('VpcId'), (v) => v.vpcId, (id) => new AwsError('InvalidVpcID.NotFound', `The vpc ID '${id}' does not exist`));
    return {
      vpcSet: items(applyFilters(vpcs, readFilters(params), VPC_FILTERS, noTags).map((v) => ({
        vpcId: v.vpcId,
        ownerId: ACCOUNT_ID,
        state: 'available',
        cidrBlock: v.cidrBlock,
        cidrBlockAssociationSet: items([{ associationId: `vpc-cidr-assoc-${v.vpcId.slice(4)}`, cidrBlock: v.cidrBlock, cidrBlockState: { state: 'associated' } }]),
        dhcpOptionsId: 'dopt-0000000000000000a',
        instanceTenancy: 'default',
        isDefault: v.isDefault,
      }))),
    };
  },
};
