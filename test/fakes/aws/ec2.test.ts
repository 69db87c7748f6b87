/** EC2 launch templates, AMIs, instances, tags and the seeded network through the real @aws-sdk/client-ec2. */
import {
  CopyImageCommand, CreateImageCommand, CreateLaunchTemplateCommand, CreateLaunchTemplateVersionCommand, CreateTagsCommand,
  DeleteLaunchTemplateCommand, DeleteTagsCommand, DeregisterImageCommand, DescribeAvailabilityZonesCommand, DescribeImagesCommand,
  DescribeInstancesCommand, DescribeLaunchTemplateVersionsCommand, DescribeLaunchTemplatesCommand, DescribeSecurityGroupsCommand,
  DescribeSubnetsCommand, DescribeTagsCommand, DescribeVpcsCommand, RegisterImageCommand, RunInstancesCommand, StopInstancesCommand,
  TerminateInstancesCommand, type Instance,
} from '@aws-sdk/client-ec2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeAws, type FakeAws } from './index';
import { awsError, clientsFor, eventually, type Clients } from './testSupport';

let fake: FakeAws;
let ec2: Clients['ec2'];
let baseImageId: string;

beforeAll(async () => {
  fake = await startFakeAws({ readyDelayMs: 20, imageDelayMs: 50 });
  ec2 = clientsFor(fake.url).ec2;
  baseImageId = (await ec2.send(new DescribeImagesCommand({ Owners: ['amazon'] }))).Images?.[0]?.ImageId ?? '';
});
afterAll(() => fake.close());

async function runOne(tags: Record<string, string> = {}, clientToken?: string): Promise<Instance> {
  const out = await ec2.send(new RunInstancesCommand({
    ImageId: baseImageId, InstanceType: 't3.small', MinCount: 1, MaxCount: 1, ClientToken: clientToken, UserData: 'ZWNobyBoaQ==',
    TagSpecifications: [{ ResourceType: 'instance', Tags: Object.entries(tags).map(([Key, Value]) => ({ Key, Value })) }],
  }));
  return out.Instances?.[0] ?? {};
}

async function running(instanceId: string): Promise<Instance> {
  return eventually(async () => {
    const out = await ec2.send(new DescribeInstancesCommand({ InstanceIds: [instanceId] }));
    const instance = out.Reservations?.[0]?.Instances?.[0];
    return instance?.State?.Name === 'running' ? instance : undefined;
  });
}

describe('seeded network', () => {
  it('has a default VPC, a subnet in each of three zones and a default security group', async () => {
    const vpcs = await ec2.send(new DescribeVpcsCommand({ Filters: [{ Name: 'is-default', Values: ['true'] }] }));
    expect(vpcs.Vpcs).toHaveLength(1);
    const vpcId = vpcs.Vpcs?.[0]?.VpcId;
    const zones = await ec2.send(new DescribeAvailabilityZonesCommand({}));
    expect(zones.AvailabilityZones?.map((z) => [z.ZoneName, z.ZoneId, z.State])).toEqual([
      ['us-east-1a', 'use1-az1', 'available'], ['us-east-1b', 'use1-az2', 'available'], ['us-east-1c', 'use1-az3', 'available'],
    ]);
    const subnets = await ec2.send(new DescribeSubnetsCommand({ Filters: [{ Name: 'vpc-id', Values: [vpcId ?? ''] }, { Name: 'availability-zone', Values: ['us-east-1b'] }] }));
    expect(subnets.Subnets).toMatchObject([{ AvailabilityZone: 'us-east-1b', DefaultForAz: true, VpcId: vpcId, State: 'available' }]);
    const groups = await ec2.send(new DescribeSecurityGroupsCommand({ Filters: [{ Name: 'group-name', Values: ['default'] }] }));
    expect(groups.SecurityGroups).toMatchObject([{ GroupName: 'default', VpcId: vpcId }]);
    expect(await awsError(ec2.send(new DescribeSubnetsCommand({ SubnetIds: ['subnet-0000000000000000a'] })))).toMatchObject({ name: 'InvalidSubnetID.NotFound', status: 400 });
    expect(await awsError(ec2.send(new DescribeSubnetsCommand({ Filters: [{ Name: 'no-such-filter', Values: ['x'] }] })))).toMatchObject({ name: 'InvalidParameterValue' });
  });

  it('keeps each region apart, with its own ids', async () => {
    const west = clientsFor(fake.url, 'us-west-2').ec2;
    const zones = await west.send(new DescribeAvailabilityZonesCommand({}));
    expect(zones.AvailabilityZones?.map((z) => z.ZoneName)).toEqual(['us-west-2a', 'us-west-2b', 'us-west-2c']);
    const westImage = (await west.send(new DescribeImagesCommand({ Owners: ['amazon'] }))).Images?.[0]?.ImageId;
    expect(westImage).toMatch(/^ami-[0-9a-f]{17}$/);
    expect(westImage).not.toBe(baseImageId);
  });
});

describe('launch templates', () => {
  it('creates, versions, describes and deletes a launch template', async () => {
    const created = await ec2.send(new CreateLaunchTemplateCommand({
      LaunchTemplateName: 'checkout-v001',
      VersionDescription: 'first',
      LaunchTemplateData: {
        ImageId: baseImageId, InstanceType: 't3.micro', UserData: 'IyEvYmluL3No', SecurityGroupIds: ['sg-0123456789abcdef0'],
        IamInstanceProfile: { Name: 'app-role' }, MetadataOptions: { HttpTokens: 'required' },
        BlockDeviceMappings: [{ DeviceName: '/dev/xvda', Ebs: { VolumeSize: 20, VolumeType: 'gp3' } }],
        TagSpecifications: [{ ResourceType: 'instance', Tags: [{ Key: 'app', Value: 'checkout' }] }],
      },
      TagSpecifications: [{ ResourceType: 'launch-template', Tags: [{ Key: 'cluster', Value: 'checkout' }] }],
    }));
    expect(created.LaunchTemplate).toMatchObject({ LaunchTemplateName: 'checkout-v001', DefaultVersionNumber: 1, LatestVersionNumber: 1, Tags: [{ Key: 'cluster', Value: 'checkout' }] });
    const id = created.LaunchTemplate?.LaunchTemplateId ?? '';
    expect(id).toMatch(/^lt-[0-9a-f]{17}$/);

    expect(await awsError(ec2.send(new CreateLaunchTemplateCommand({ LaunchTemplateName: 'checkout-v001', LaunchTemplateData: { ImageId: baseImageId } }))))
      .toMatchObject({ name: 'InvalidLaunchTemplateName.AlreadyExistsException', status: 400 });

    const v2 = await ec2.send(new CreateLaunchTemplateVersionCommand({ LaunchTemplateId: id, SourceVersion: '$Latest', LaunchTemplateData: { InstanceType: 't3.large' } }));
    expect(v2.LaunchTemplateVersion).toMatchObject({ VersionNumber: 2, DefaultVersion: false, LaunchTemplateData: { InstanceType: 't3.large', ImageId: baseImageId, UserData: 'IyEvYmluL3No' } });

    const versions = await ec2.send(new DescribeLaunchTemplateVersionsCommand({ LaunchTemplateName: 'checkout-v001', Versions: ['$Default', '$Latest'] }));
    expect(versions.LaunchTemplateVersions?.map((v) => v.VersionNumber)).toEqual([1, 2]);
    expect(versions.LaunchTemplateVersions?.[0]?.LaunchTemplateData).toMatchObject({
      SecurityGroupIds: ['sg-0123456789abcdef0'], IamInstanceProfile: { Name: 'app-role' }, MetadataOptions: { HttpTokens: 'required' },
      BlockDeviceMappings: [{ DeviceName: '/dev/xvda', Ebs: { VolumeSize: 20, VolumeType: 'gp3' } }],
      TagSpecifications: [{ ResourceType: 'instance', Tags: [{ Key: 'app', Value: 'checkout' }] }],
    });

    const byFilter = await ec2.send(new DescribeLaunchTemplatesCommand({ Filters: [{ Name: 'tag:cluster', Values: ['checkout'] }] }));
    expect(byFilter.LaunchTemplates?.map((t) => [t.LaunchTemplateId, t.LatestVersionNumber])).toEqual([[id, 2]]);

    await ec2.send(new DeleteLaunchTemplateCommand({ LaunchTemplateName: 'checkout-v001' }));
    expect(await awsError(ec2.send(new DescribeLaunchTemplatesCommand({ LaunchTemplateNames: ['checkout-v001'] })))).toMatchObject({ name: 'InvalidLaunchTemplateName.NotFoundException' });
    expect(await awsError(ec2.send(new DescribeLaunchTemplatesCommand({ LaunchTemplateIds: [id] })))).toMatchObject({ name: 'InvalidLaunchTemplateId.NotFound' });
  });

  it('returns the same template for a repeated ClientToken and refuses fields it does not model', async () => {
    const first = await ec2.send(new CreateLaunchTemplateCommand({ LaunchTemplateName: 'token-lt', ClientToken: 'tok-1', LaunchTemplateData: { ImageId: baseImageId } }));
    const again = await ec2.send(new CreateLaunchTemplateCommand({ LaunchTemplateName: 'token-lt', ClientToken: 'tok-1', LaunchTemplateData: { ImageId: baseImageId } }));
    expect(again.LaunchTemplate?.LaunchTemplateId).toBe(first.LaunchTemplate?.LaunchTemplateId);
    const unmodeled = await awsError(ec2.send(new CreateLaunchTemplateCommand({ LaunchTemplateName: 'spot-lt', LaunchTemplateData: { ImageId: baseImageId, InstanceMarketOptions: { MarketType: 'spot' } } })));
    expect(unmodeled).toMatchObject({ name: 'UnsupportedOperation', message: expect.stringContaining('LaunchTemplateData.InstanceMarketOptions') });
    expect(await awsError(ec2.send(new CreateLaunchTemplateCommand({ LaunchTemplateName: 'x', LaunchTemplateData: { ImageId: baseImageId } })))).toMatchObject({ name: 'InvalidLaunchTemplateName.MalformedException' });
  });
});

describe('instances', () => {
  it('runs an instance pending → running, finds it by tag and state, terminates it shutting-down → terminated', async () => {
    const launched = await runOne({ app: 'api', stack: 'test' });
    expect(launched).toMatchObject({ State: { Code: 0, Name: 'pending' }, ImageId: baseImageId, InstanceType: 't3.small', Placement: { AvailabilityZone: 'us-east-1a' } });
    const id = launched.InstanceId ?? '';
    expect(id).toMatch(/^i-[0-9a-f]{17}$/);
    const up = await running(id);
    expect(up.PrivateIpAddress).toMatch(/^172\.31\./);
    const byTag = await ec2.send(new DescribeInstancesCommand({ Filters: [{ Name: 'tag:app', Values: ['api'] }, { Name: 'instance-state-name', Values: ['running'] }] }));
    expect(byTag.Reservations?.flatMap((r) => r.Instances ?? []).map((i) => i.InstanceId)).toEqual([id]);
    const terminated = await ec2.send(new TerminateInstancesCommand({ InstanceIds: [id] }));
    expect(terminated.TerminatingInstances).toEqual([{ InstanceId: id, CurrentState: { Code: 32, Name: 'shutting-down' }, PreviousState: { Code: 16, Name: 'running' } }]);
    await eventually(async () => {
      const out = await ec2.send(new DescribeInstancesCommand({ InstanceIds: [id] }));
      return out.Reservations?.[0]?.Instances?.[0]?.State?.Name === 'terminated' ? true : undefined;
    });
    expect(await awsError(ec2.send(new DescribeInstancesCommand({ InstanceIds: ['i-0123456789abcdef0'] })))).toMatchObject({ name: 'InvalidInstanceID.NotFound' });
  });

  it('answers the same reservation for a repeated ClientToken', async () => {
    const first = await runOne({}, 'run-token-1');
    const again = await runOne({}, 'run-token-1');
    expect(again.InstanceId).toBe(first.InstanceId);
    expect(fake.instances().filter((i) => i.clientToken === 'run-token-1')).toHaveLength(1);
  });

  it('refuses an unknown image and stops a running instance', async () => {
    expect(await awsError(ec2.send(new RunInstancesCommand({ ImageId: 'ami-0123456789abcdef0', MinCount: 1, MaxCount: 1 })))).toMatchObject({ name: 'InvalidAMIID.NotFound' });
    expect(await awsError(ec2.send(new RunInstancesCommand({ ImageId: 'not-an-ami', MinCount: 1, MaxCount: 1 })))).toMatchObject({ name: 'InvalidAMIID.Malformed' });
    const id = (await runOne()).InstanceId ?? '';
    await running(id);
    const stopped = await ec2.send(new StopInstancesCommand({ InstanceIds: [id] }));
    expect(stopped.StoppingInstances?.[0]?.CurrentState?.Name).toBe('stopping');
    await eventually(async () => ((await ec2.send(new DescribeInstancesCommand({ InstanceIds: [id] }))).Reservations?.[0]?.Instances?.[0]?.State?.Name === 'stopped' ? true : undefined));
  });

  it('runs a boot script that ends by powering off: the instance stops (or terminates) itself, as its shutdown behaviour says', async () => {
    const script = (last: string) => Buffer.from(`#!/bin/sh\nset -eu\necho installing\n${last}\n`).toString('base64');
    const launch = async (userData: string, behavior?: 'stop' | 'terminate') =>
      (await ec2.send(new RunInstancesCommand({ ImageId: baseImageId, MinCount: 1, MaxCount: 1, UserData: userData, InstanceInitiatedShutdownBehavior: behavior }))).Instances?.[0]?.InstanceId ?? '';
    const describe = async (id: string) => (await ec2.send(new DescribeInstancesCommand({ InstanceIds: [id] }))).Reservations?.[0]?.Instances?.[0];
    const stops = await launch(script('shutdown -h now'));
    const terminates = await launch(script('poweroff'), 'terminate');
    const keepsRunning = await launch(script('echo done'));
    const stopped = await eventually(async () => ((await describe(stops))?.State?.Name === 'stopped' ? describe(stops) : undefined));
    expect(stopped?.StateReason).toEqual({ Code: 'Client.InstanceInitiatedShutdown', Message: 'Client.InstanceInitiatedShutdown: Instance initiated shutdown' });
    await eventually(async () => ((await describe(terminates))?.State?.Name === 'terminated' ? true : undefined));
    expect((await describe(keepsRunning))?.State?.Name).toBe('running');
    expect(await awsError(launch(script('poweroff'), 'hibernate' as 'stop'))).toMatchObject({ name: 'InvalidParameterValue' });
    await ec2.send(new TerminateInstancesCommand({ InstanceIds: [keepsRunning] }));
  });

  it('pages DescribeInstances with MaxResults/NextToken', async () => {
    await ec2.send(new RunInstancesCommand({ ImageId: baseImageId, MinCount: 7, MaxCount: 7, TagSpecifications: [{ ResourceType: 'instance', Tags: [{ Key: 'paged', Value: 'yes' }] }] }));
    const ids: string[] = [];
    let token: string | undefined;
    do {
      const page = await ec2.send(new DescribeInstancesCommand({ Filters: [{ Name: 'tag-key', Values: ['paged'] }], MaxResults: 5, NextToken: token }));
      ids.push(...(page.Reservations ?? []).flatMap((r) => r.Instances ?? []).map((i) => i.InstanceId ?? ''));
      token = page.NextToken;
    } while (token);
    expect(new Set(ids).size).toBe(7);
    const first = await ec2.send(new DescribeInstancesCommand({ Filters: [{ Name: 'tag-key', Values: ['paged'] }], MaxResults: 5 }));
    expect(first.Reservations?.flatMap((r) => r.Instances ?? [])).toHaveLength(5);
    expect(first.NextToken).toBeDefined();
    expect(await awsError(ec2.send(new DescribeInstancesCommand({ MaxResults: 2 })))).toMatchObject({ name: 'InvalidParameterValue' });
  });
});

describe('images', () => {
  it('creates an AMI from an instance (pending → available), refuses a duplicate name, and deregisters it', async () => {
    const id = (await runOne()).InstanceId ?? '';
    await running(id);
    const created = await ec2.send(new CreateImageCommand({
      InstanceId: id, Name: 'checkout-1.2.3-20260101', Description: 'checkout 1.2.3',
      TagSpecifications: [{ ResourceType: 'image', Tags: [{ Key: 'package', Value: 'checkout' }, { Key: 'version', Value: '1.2.3' }] }],
    }));
    const imageId = created.ImageId ?? '';
    const first = await ec2.send(new DescribeImagesCommand({ ImageIds: [imageId] }));
    expect(first.Images?.[0]).toMatchObject({ State: 'pending', Name: 'checkout-1.2.3-20260101', OwnerId: '123456789012', SourceInstanceId: id });
    await eventually(async () => ((await ec2.send(new DescribeImagesCommand({ ImageIds: [imageId] }))).Images?.[0]?.State === 'available' ? true : undefined));
    const byTags = await ec2.send(new DescribeImagesCommand({ Owners: ['self'], Filters: [{ Name: 'tag:package', Values: ['checkout'] }, { Name: 'tag:version', Values: ['1.2.3'] }, { Name: 'state', Values: ['available'] }] }));
    expect(byTags.Images?.map((i) => i.ImageId)).toEqual([imageId]);
    const byName = await ec2.send(new DescribeImagesCommand({ Owners: ['self'], Filters: [{ Name: 'name', Values: ['checkout-1.2.*'] }] }));
    expect(byName.Images?.map((i) => i.ImageId)).toEqual([imageId]);

    const duplicate = await awsError(ec2.send(new CreateImageCommand({ InstanceId: id, Name: 'checkout-1.2.3-20260101' })));
    expect(duplicate).toMatchObject({ name: 'InvalidAMIName.Duplicate', message: expect.stringContaining(imageId) });
    expect(await awsError(ec2.send(new CreateImageCommand({ InstanceId: 'i-0123456789abcdef0', Name: 'orphan' })))).toMatchObject({ name: 'InvalidInstanceID.NotFound' });

    await ec2.send(new DeregisterImageCommand({ ImageId: imageId }));
    expect(await awsError(ec2.send(new DescribeImagesCommand({ ImageIds: [imageId] })))).toMatchObject({ name: 'InvalidAMIID.NotFound' });
  });

  it('copies an AMI to another region under a new id, pending then available, with its tags when asked', async () => {
    const registered = await ec2.send(new RegisterImageCommand({ Name: 'copy-source', TagSpecifications: [{ ResourceType: 'image', Tags: [{ Key: 'package', Value: 'copied' }] }] }));
    const sourceId = registered.ImageId ?? '';
    expect((await ec2.send(new DescribeImagesCommand({ ImageIds: [sourceId] }))).Images?.[0]?.State).toBe('available');
    const west = clientsFor(fake.url, 'eu-west-1').ec2;
    const copy = await west.send(new CopyImageCommand({ SourceRegion: 'us-east-1', SourceImageId: sourceId, Name: 'copy-source', CopyImageTags: true, ClientToken: 'copy-1' }));
    const copyId = copy.ImageId ?? '';
    expect(copyId).not.toBe(sourceId);
    expect((await west.send(new CopyImageCommand({ SourceRegion: 'us-east-1', SourceImageId: sourceId, Name: 'copy-source', ClientToken: 'copy-1' }))).ImageId).toBe(copyId);
    const image = await eventually(async () => {
      const out = await west.send(new DescribeImagesCommand({ ImageIds: [copyId] }));
      return out.Images?.[0]?.State === 'available' ? out.Images[0] : undefined;
    });
    expect(image).toMatchObject({ Name: 'copy-source', SourceImageId: sourceId, SourceImageRegion: 'us-east-1', Tags: [{ Key: 'package', Value: 'copied' }] });
    expect(await awsError(ec2.send(new DescribeImagesCommand({ ImageIds: [copyId] })))).toMatchObject({ name: 'InvalidAMIID.NotFound' });
    expect(await awsError(west.send(new CopyImageCommand({ SourceRegion: 'us-east-1', SourceImageId: 'ami-0123456789abcdef0', Name: 'nothing' })))).toMatchObject({ name: 'InvalidAMIID.NotFound' });
  });
});

describe('failing images', () => {
  it('ends matching pending AMIs failed with a state reason, and only those', async () => {
    const id = (await runOne()).InstanceId ?? '';
    await running(id);
    fake.failImages((image) => image.name.startsWith('doomed-'));
    try {
      const doomed = (await ec2.send(new CreateImageCommand({ InstanceId: id, Name: 'doomed-1' }))).ImageId ?? '';
      const fine = (await ec2.send(new CreateImageCommand({ InstanceId: id, Name: 'fine-1' }))).ImageId ?? '';
      const states = await eventually(async () => {
        const out = await ec2.send(new DescribeImagesCommand({ ImageIds: [doomed, fine] }));
        const images = out.Images ?? [];
        return images.every((image) => image.State !== 'pending') ? images : undefined;
      });
      expect(states.find((image) => image.ImageId === doomed)).toMatchObject({ State: 'failed', StateReason: { Code: 'Server.InternalError' } });
      expect(states.find((image) => image.ImageId === fine)?.State).toBe('available');
      expect(await awsError(ec2.send(new RunInstancesCommand({ ImageId: doomed, MinCount: 1, MaxCount: 1 })))).toMatchObject({ name: 'InvalidAMIID.Unavailable' });
    } finally {
      fake.failImages(null);
    }
  });
});

describe('tags', () => {
  it('creates, describes and deletes tags on images, instances and launch templates', async () => {
    const instanceId = (await runOne()).InstanceId ?? '';
    const imageId = (await ec2.send(new RegisterImageCommand({ Name: 'tagged-image' }))).ImageId ?? '';
    await ec2.send(new CreateTagsCommand({ Resources: [instanceId, imageId], Tags: [{ Key: 'team', Value: 'red' }, { Key: 'tier', Value: 'web' }] }));
    const described = await ec2.send(new DescribeTagsCommand({ Filters: [{ Name: 'key', Values: ['team'] }, { Name: 'resource-id', Values: [instanceId, imageId] }] }));
    expect(described.Tags?.map((t) => [t.ResourceId, t.ResourceType, t.Value]).sort()).toEqual([[imageId, 'image', 'red'], [instanceId, 'instance', 'red']].sort());
    await ec2.send(new DeleteTagsCommand({ Resources: [instanceId], Tags: [{ Key: 'team' }] }));
    expect(fake.instances().find((i) => i.instanceId === instanceId)?.tags).toEqual(new Map([['tier', 'web']]));
    expect(await awsError(ec2.send(new CreateTagsCommand({ Resources: ['ami-0123456789abcdef0'], Tags: [{ Key: 'k', Value: 'v' }] })))).toMatchObject({ name: 'InvalidAMIID.NotFound' });
  });
});
