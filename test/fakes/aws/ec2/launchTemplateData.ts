/**
 * LaunchTemplateData: read from its request names (`LaunchTemplateData.SecurityGroupId.1`…) and
 * written with its response names (`securityGroupIdSet`…). Fields the fake does not model are
 * refused by name rather than dropped, so a client never believes something was stored that was not.
 */
import { AwsError } from '../protocol/errors';
import type { QueryParams } from '../protocol/query';
import { items, XmlList, type XmlStruct } from '../protocol/xml';
import type { LaunchTemplateData } from '../model';
import { readTagList, tagSet } from './tags';

const MODELED = new Set([
  'ImageId', 'InstanceType', 'KeyName', 'UserData', 'EbsOptimized', 'SecurityGroupId', 'SecurityGroup', 'IamInstanceProfile',
  'Monitoring', 'MetadataOptions', 'BlockDeviceMapping', 'NetworkInterface', 'TagSpecification',
]);

function defined<T extends object>(value: T): T | undefined {
  return Object.values(value).some((field) => field !== undefined) ? value : undefined;
}

export function readLaunchTemplateData(params: QueryParams | undefined): LaunchTemplateData {
  if (!params) return {};
  for (const name of params.names()) {
    if (!MODELED.has(name)) throw new AwsError('UnsupportedOperation', `The fake EC2 does not model ${params.nameOf(name)}; it models ${[...MODELED].join(', ')}.`);
  }
  const iam = params.child('IamInstanceProfile');
  const monitoring = params.child('Monitoring');
  const metadata = params.child('MetadataOptions');
  const data: LaunchTemplateData = {
    ImageId: params.string('ImageId'),
    InstanceType: params.string('InstanceType'),
    KeyName: params.string('KeyName'),
    UserData: params.string('UserData'),
    EbsOptimized: params.boolean('EbsOptimized'),
    SecurityGroupIds: params.has('SecurityGroupId') ? params.strings('SecurityGroupId') : undefined,
    SecurityGroups: params.has('SecurityGroup') ? params.strings('SecurityGroup') : undefined,
    IamInstanceProfile: iam && defined({ Arn: iam.string('Arn'), Name: iam.string('Name') }),
    Monitoring: monitoring && defined({ Enabled: monitoring.boolean('Enabled') }),
    MetadataOptions: metadata && defined({
      HttpTokens: metadata.string('HttpTokens'),
      HttpEndpoint: metadata.string('HttpEndpoint'),
      HttpPutResponseHopLimit: metadata.integer('HttpPutResponseHopLimit'),
      InstanceMetadataTags: metadata.string('InstanceMetadataTags'),
    }),
    BlockDeviceMappings: params.has('BlockDeviceMapping')
      ? params.list('BlockDeviceMapping').map((mapping) => {
          const ebs = mapping.child('Ebs');
          return {
            DeviceName: mapping.string('DeviceName'),
            Ebs: ebs && defined({
              VolumeSize: ebs.integer('VolumeSize'),
              VolumeType: ebs.string('VolumeType'),
              DeleteOnTermination: ebs.boolean('DeleteOnTermination'),
              Encrypted: ebs.boolean('Encrypted'),
              SnapshotId: ebs.string('SnapshotId'),
              Iops: ebs.integer('Iops'),
            }),
          };
        })
      : undefined,
    NetworkInterfaces: params.has('NetworkInterface')
      ? params.list('NetworkInterface').map((nic) => ({
          DeviceIndex: nic.integer('DeviceIndex'),
          AssociatePublicIpAddress: nic.boolean('AssociatePublicIpAddress'),
          DeleteOnTermination: nic.boolean('DeleteOnTermination'),
          SubnetId: nic.string('SubnetId'),
          Groups: nic.has('SecurityGroupId') ? nic.strings('SecurityGroupId') : undefined,
        }))
      : undefined,
    TagSpecifications: params.has('TagSpecification')
      ? params.list('TagSpecification').map((spec) => ({ ResourceType: spec.string('ResourceType'), Tags: readTagList(spec) }))
      : undefined,
  };
  return Object.fromEntries(Object.entries(data).filter(([, value]) => value !== undefined));
}

export function launchTemplateDataXml(data: LaunchTemplateData): XmlStruct {
  return {
    ebsOptimized: data.EbsOptimized,
    iamInstanceProfile: data.IamInstanceProfile && { arn: data.IamInstanceProfile.Arn, name: data.IamInstanceProfile.Name },
    blockDeviceMappingSet: data.BlockDeviceMappings && items(data.BlockDeviceMappings.map((mapping) => ({
      deviceName: mapping.DeviceName,
      ebs: mapping.Ebs && {
        encrypted: mapping.Ebs.Encrypted,
        deleteOnTermination: mapping.Ebs.DeleteOnTermination,
        iops: mapping.Ebs.Iops,
        snapshotId: mapping.Ebs.SnapshotId,
        volumeSize: mapping.Ebs.VolumeSize,
        volumeType: mapping.Ebs.VolumeType,
      },
    }))),
    networkInterfaceSet: data.NetworkInterfaces && items(data.NetworkInterfaces.map((nic) => ({
      associatePublicIpAddress: nic.AssociatePublicIpAddress,
      deleteOnTermination: nic.DeleteOnTermination,
      deviceIndex: nic.DeviceIndex,
      groupSet: nic.Groups && new XmlList('groupId', nic.Groups),
      subnetId: nic.SubnetId,
    }))),
    imageId: data.ImageId,
    instanceType: data.InstanceType,
    keyName: data.KeyName,
    monitoring: data.Monitoring && { enabled: data.Monitoring.Enabled },
    userData: data.UserData,
    tagSpecificationSet: data.TagSpecifications && items(data.TagSpecifications.map((spec) => ({
      resourceType: spec.ResourceType,
      tagSet: tagSet(new Map(spec.Tags.map((tag) => [tag.Key, tag.Value]))),
    }))),
    securityGroupIdSet: data.SecurityGroupIds && items(data.SecurityGroupIds),
    securityGroupSet: data.SecurityGroups && items(data.SecurityGroups),
    metadataOptions: data.MetadataOptions && {
      state: 'applied',
      httpTokens: data.MetadataOptions.HttpTokens,
      httpPutResponseHopLimit: data.MetadataOptions.HttpPutResponseHopLimit,
      httpEndpoint: data.MetadataOptions.HttpEndpoint,
      instanceMetadataTags: data.MetadataOptions.InstanceMetadataTags,
    },
  };
}
