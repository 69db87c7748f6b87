/** Auto Scaling groups through the real @aws-sdk/client-auto-scaling against the fake. */
import {
  CreateAutoScalingGroupCommand, CreateOrUpdateTagsCommand, DeleteAutoScalingGroupCommand, DeleteTagsCommand,
  DescribeAutoScalingGroupsCommand, DescribeScalingActivitiesCommand, DescribeTagsCommand, ResumeProcessesCommand,
  SetDesiredCapacityCommand, SuspendProcessesCommand, TerminateInstanceInAutoScalingGroupCommand, UpdateAutoScalingGroupCommand, type AutoScalingGroup,
} from '@aws-sdk/client-auto-scaling';
import { CreateLaunchTemplateVersionCommand } from '@aws-sdk/client-ec2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeAws, type FakeAws } from './index';
import { awsError, clientsFor, eventually, launchTemplateFixture, type Clients } from './testSupport';

let fake: FakeAws;
let clients: Clients;
let subnetIds: string[];

beforeAll(async () => {
  fake = await startFakeAws({ readyDelayMs: 30 });
  clients = clientsFor(fake.url);
  ({ subnetIds } = await launchTemplateFixture(clients, 'app-lt'));
});
afterAll(() => fake.close());

async function createGroup(name: string, desired: number, extra: Partial<ConstructorParameters<typeof CreateAutoScalingGroupCommand>[0]> = {}): Promise<void> {
  await clients.autoScaling.send(new CreateAutoScalingGroupCommand({
    AutoScalingGroupName: name,
    LaunchTemplate: { LaunchTemplateName: 'app-lt', Version: '$Latest' },
    MinSize: 0,
    MaxSize: 10,
    DesiredCapacity: desired,
    VPCZoneIdentifier: subnetIds.join(','),
    ...extra,
  }));
}

async function group(name: string): Promise<AutoScalingGroup | undefined> {
  const out = await clients.autoScaling.send(new DescribeAutoScalingGroupsCommand({ AutoScalingGroupNames: [name] }));
  return out.AutoScalingGroups?.[0];
}

async function inService(name: string, count: number): Promise<AutoScalingGroup> {
  return eventually(async () => {
    const found = await group(name);
    const up = found?.Instances?.filter((i) => i.LifecycleState === 'InService' && i.HealthStatus === 'Healthy') ?? [];
    return up.length === count && found?.Instances?.length === count ? found : undefined;
  });
}

describe('CreateAutoScalingGroup and DescribeAutoScalingGroups', () => {
  it('creates a group whose instances launch Pending, then go InService spread over the zones', async () => {
    await createGroup('web-v001', 3, { Tags: [{ Key: 'app', Value: 'web', PropagateAtLaunch: true }], HealthCheckType: 'ELB', HealthCheckGracePeriod: 60 });
    const created = await group('web-v001');
    expect(created).toMatchObject({
      AutoScalingGroupName: 'web-v001', MinSize: 0, MaxSize: 10, DesiredCapacity: 3, HealthCheckType: 'ELB', HealthCheckGracePeriod: 60,
      LaunchTemplate: { LaunchTemplateName: 'app-lt', Version: '$Latest' }, VPCZoneIdentifier: subnetIds.join(','),
      Tags: [{ Key: 'app', Value: 'web', PropagateAtLaunch: true, ResourceId: 'web-v001', ResourceType: 'auto-scaling-group' }],
    });
    expect(created?.AutoScalingGroupARN).toMatch(/^arn:aws:autoscaling:us-east-1:123456789012:autoScalingGroup:[0-9a-f-]{36}:autoScalingGroupName\/web-v001$/);
    expect(created?.CreatedTime).toBeInstanceOf(Date);
    const ready = await inService('web-v001', 3);
    expect(new Set(ready.Instances?.map((i) => i.AvailabilityZone))).toEqual(new Set(['us-east-1a', 'us-east-1b', 'us-east-1c']));
    expect(ready.Instances?.[0]).toMatchObject({ InstanceType: 't3.micro', LaunchTemplate: { LaunchTemplateName: 'app-lt', Version: '1' }, ProtectedFromScaleIn: false });
    const instance = fake.instances().find((i) => i.instanceId === ready.Instances?.[0]?.InstanceId);
    expect(instance?.tags.get('app')).toBe('web');
    expect(instance?.tags.get('aws:autoscaling:groupName')).toBe('web-v001');
  });

  it('answers AlreadyExistsFault for a second group of the same name', async () => {
    const error = await awsError(createGroup('web-v001', 1));
    expect(error).toMatchObject({ name: 'AlreadyExistsFault', status: 400 });
    expect(error.message).toContain('web-v001');
  });

  it('answers ValidationError naming the bad field', async () => {
    expect(await awsError(createGroup('bad-sizes', 5, { MaxSize: 2 }))).toMatchObject({ name: 'ValidationError', message: expect.stringContaining('Desired capacity:5') });
    expect(await awsError(createGroup('bad-lt', 1, { LaunchTemplate: { LaunchTemplateName: 'nope' } }))).toMatchObject({ name: 'ValidationError', message: expect.stringContaining('template name nope') });
    expect(await awsError(createGroup('bad-subnet', 1, { VPCZoneIdentifier: 'subnet-0000000000000000' }))).toMatchObject({ name: 'ValidationError', message: expect.stringContaining('subnet-0000000000000000') });
    expect(await awsError(createGroup('bad-tg', 1, { TargetGroupARNs: ['arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/nope/0123456789abcdef'] }))).toMatchObject({ name: 'ValidationError' });
    expect(await group('bad-sizes')).toBeUndefined();
  });

  it('lists unknown names as nothing, filters by tag and pages with MaxRecords/NextToken', async () => {
    expect((await clients.autoScaling.send(new DescribeAutoScalingGroupsCommand({ AutoScalingGroupNames: ['missing'] }))).AutoScalingGroups).toEqual([]);
    for (const name of ['page-a', 'page-b', 'page-c']) await createGroup(name, 0, { Tags: [{ Key: 'paged', Value: name === 'page-b' ? 'odd' : 'yes', PropagateAtLaunch: false }] });
    const byTag = await clients.autoScaling.send(new DescribeAutoScalingGroupsCommand({ Filters: [{ Name: 'tag:paged', Values: ['yes'] }] }));
    expect(byTag.AutoScalingGroups?.map((g) => g.AutoScalingGroupName)).toEqual(['page-a', 'page-c']);
    const byKey = await clients.autoScaling.send(new DescribeAutoScalingGroupsCommand({ Filters: [{ Name: 'tag-key', Values: ['paged'] }] }));
    expect(byKey.AutoScalingGroups).toHaveLength(3);
    const withoutInstances = await clients.autoScaling.send(new DescribeAutoScalingGroupsCommand({ AutoScalingGroupNames: ['web-v001'], IncludeInstances: false }));
    expect(withoutInstances.AutoScalingGroups?.[0]?.Instances).toBeUndefined();
    const names: string[] = [];
    let token: string | undefined;
    let pages = 0;
    do {
      const page = await clients.autoScaling.send(new DescribeAutoScalingGroupsCommand({ Filters: [{ Name: 'tag-key', Values: ['paged'] }], MaxRecords: 2, NextToken: token }));
      names.push(...(page.AutoScalingGroups ?? []).map((g) => g.AutoScalingGroupName ?? ''));
      token = page.NextToken;
      pages++;
    } while (token);
    expect(names).toEqual(['page-a', 'page-b', 'page-c']);
    expect(pages).toBe(2);
    expect(await awsError(clients.autoScaling.send(new DescribeAutoScalingGroupsCommand({ NextToken: 'garbage' })))).toMatchObject({ name: 'InvalidNextToken' });
  });
});

describe('capacity changes', () => {
  it('scales out and in with SetDesiredCapacity and UpdateAutoScalingGroup', async () => {
    await createGroup('resize-v001', 1);
    await inService('resize-v001', 1);
    await clients.autoScaling.send(new SetDesiredCapacityCommand({ AutoScalingGroupName: 'resize-v001', DesiredCapacity: 3 }));
    await inService('resize-v001', 3);
    await clients.autoScaling.send(new UpdateAutoScalingGroupCommand({ AutoScalingGroupName: 'resize-v001', MinSize: 0, MaxSize: 1 }));
    const after = await group('resize-v001');
    expect(after).toMatchObject({ MaxSize: 1, DesiredCapacity: 1 });
    await inService('resize-v001', 1);
    expect(await awsError(clients.autoScaling.send(new SetDesiredCapacityCommand({ AutoScalingGroupName: 'resize-v001', DesiredCapacity: 4 })))).toMatchObject({ name: 'ValidationError', message: expect.stringContaining('above max value') });
    expect(await awsError(clients.autoScaling.send(new SetDesiredCapacityCommand({ AutoScalingGroupName: 'missing', DesiredCapacity: 1 })))).toMatchObject({ name: 'ValidationError', message: expect.stringContaining('not found') });
  });

  it('launches new instances from a new launch template version and removes the old ones first on scale-in', async () => {
    await createGroup('roll-v001', 2);
    const first = await inService('roll-v001', 2);
    await clients.ec2.send(new CreateLaunchTemplateVersionCommand({ LaunchTemplateName: 'app-lt', SourceVersion: '1', LaunchTemplateData: { InstanceType: 't3.large' } }));
    await clients.autoScaling.send(new SetDesiredCapacityCommand({ AutoScalingGroupName: 'roll-v001', DesiredCapacity: 4 }));
    await inService('roll-v001', 4);
    await clients.autoScaling.send(new SetDesiredCapacityCommand({ AutoScalingGroupName: 'roll-v001', DesiredCapacity: 2 }));
    const rolled = await inService('roll-v001', 2);
    expect(rolled.Instances?.map((i) => i.LaunchTemplate?.Version)).toEqual(['2', '2']);
    expect(rolled.Instances?.some((i) => first.Instances?.some((old) => old.InstanceId === i.InstanceId))).toBe(false);
  });
});

describe('TerminateInstanceInAutoScalingGroup', () => {
  it('terminates one instance, with or without shrinking the group, and answers the activity', async () => {
    await createGroup('shrink-v001', 2, { MinSize: 1 });
    const ready = await inService('shrink-v001', 2);
    const [first, second] = ready.Instances?.map((i) => i.InstanceId ?? '') ?? [];
    const shrink = await clients.autoScaling.send(new TerminateInstanceInAutoScalingGroupCommand({ InstanceId: first, ShouldDecrementDesiredCapacity: true }));
    expect(shrink.Activity).toMatchObject({ AutoScalingGroupName: 'shrink-v001', Description: `Terminating EC2 instance: ${first}`, StatusCode: 'Successful' });
    expect((await group('shrink-v001'))?.DesiredCapacity).toBe(1);
    const remaining = await inService('shrink-v001', 1);
    expect(remaining.Instances?.[0]?.InstanceId).toBe(second);
    expect(await awsError(clients.autoScaling.send(new TerminateInstanceInAutoScalingGroupCommand({ InstanceId: second, ShouldDecrementDesiredCapacity: true }))))
      .toMatchObject({ name: 'ValidationError', message: expect.stringContaining('min size') });
    await clients.autoScaling.send(new TerminateInstanceInAutoScalingGroupCommand({ InstanceId: second, ShouldDecrementDesiredCapacity: false }));
    const replaced = await inService('shrink-v001', 1);
    expect(replaced.Instances?.[0]?.InstanceId).not.toBe(second);
    expect(await awsError(clients.autoScaling.send(new TerminateInstanceInAutoScalingGroupCommand({ InstanceId: 'i-0123456789abcdef0', ShouldDecrementDesiredCapacity: false }))))
      .toMatchObject({ name: 'ValidationError', message: expect.stringContaining('No managed instance') });
  });
});

describe('suspended processes', () => {
  it('launches nothing while Launch is suspended and keeps instances while Terminate is suspended', async () => {
    await createGroup('suspend-v001', 1);
    await inService('suspend-v001', 1);
    await clients.autoScaling.send(new SuspendProcessesCommand({ AutoScalingGroupName: 'suspend-v001', ScalingProcesses: ['Launch', 'Terminate'] }));
    const suspended = await group('suspend-v001');
    expect(suspended?.SuspendedProcesses?.map((p) => p.ProcessName).sort()).toEqual(['Launch', 'Terminate']);
    expect(suspended?.SuspendedProcesses?.[0]?.SuspensionReason).toMatch(/^User suspended at \d{4}-/);
    await clients.autoScaling.send(new SetDesiredCapacityCommand({ AutoScalingGroupName: 'suspend-v001', DesiredCapacity: 2 }));
    await new Promise((resolve) => setTimeout(resolve, 150));
    expect((await group('suspend-v001'))?.Instances).toHaveLength(1);
    await clients.autoScaling.send(new ResumeProcessesCommand({ AutoScalingGroupName: 'suspend-v001', ScalingProcesses: ['Launch'] }));
    await inService('suspend-v001', 2);
    await clients.autoScaling.send(new SetDesiredCapacityCommand({ AutoScalingGroupName: 'suspend-v001', DesiredCapacity: 0 }));
    await new Promise((resolve) => setTimeout(resolve, 150));
    expect((await group('suspend-v001'))?.Instances).toHaveLength(2);
    await clients.autoScaling.send(new ResumeProcessesCommand({ AutoScalingGroupName: 'suspend-v001' }));
    await eventually(async () => ((await group('suspend-v001'))?.Instances?.length === 0 ? true : undefined));
    expect(await awsError(clients.autoScaling.send(new SuspendProcessesCommand({ AutoScalingGroupName: 'suspend-v001', ScalingProcesses: ['Sleep'] })))).toMatchObject({ name: 'ValidationError' });
  });
});

describe('DeleteAutoScalingGroup', () => {
  it('refuses a group with instances (ResourceInUseFault), force-deletes one, which then disappears', async () => {
    await createGroup('delete-v001', 2);
    await inService('delete-v001', 2);
    expect(await awsError(clients.autoScaling.send(new DeleteAutoScalingGroupCommand({ AutoScalingGroupName: 'delete-v001' })))).toMatchObject({ name: 'ResourceInUseFault', status: 400 });
    await clients.autoScaling.send(new DeleteAutoScalingGroupCommand({ AutoScalingGroupName: 'delete-v001', ForceDelete: true }));
    const deleting = await group('delete-v001');
    expect(deleting?.Status).toBe('Delete in progress');
    expect(await awsError(clients.autoScaling.send(new SetDesiredCapacityCommand({ AutoScalingGroupName: 'delete-v001', DesiredCapacity: 1 })))).toMatchObject({ name: 'ValidationError' });
    await eventually(async () => ((await group('delete-v001')) === undefined ? true : undefined));
    expect(await awsError(clients.autoScaling.send(new DeleteAutoScalingGroupCommand({ AutoScalingGroupName: 'delete-v001' })))).toMatchObject({ name: 'ValidationError', message: expect.stringContaining('not found') });
    expect(fake.instances().filter((i) => i.tags.get('aws:autoscaling:groupName') === 'delete-v001').map((i) => i.state)).toEqual(['terminated', 'terminated']);
  });

  it('answers ScalingActivityInProgressFault while instances are still launching', async () => {
    fake.setReadyDelay(2000);
    try {
      await createGroup('busy-v001', 1);
      await eventually(async () => ((await group('busy-v001'))?.Instances?.length === 1 ? true : undefined));
      expect(await awsError(clients.autoScaling.send(new DeleteAutoScalingGroupCommand({ AutoScalingGroupName: 'busy-v001' })))).toMatchObject({ name: 'ScalingActivityInProgressFault' });
    } finally {
      fake.setReadyDelay(30);
    }
  });

  it('deletes an empty group without ForceDelete', async () => {
    await createGroup('empty-v001', 0);
    await clients.autoScaling.send(new DeleteAutoScalingGroupCommand({ AutoScalingGroupName: 'empty-v001' }));
    await eventually(async () => ((await group('empty-v001')) === undefined ? true : undefined));
  });
});

describe('tags and activities', () => {
  it('creates, updates, describes and deletes group tags', async () => {
    await createGroup('tags-v001', 0);
    await clients.autoScaling.send(new CreateOrUpdateTagsCommand({ Tags: [
      { ResourceId: 'tags-v001', ResourceType: 'auto-scaling-group', Key: 'stack', Value: 'prod', PropagateAtLaunch: true },
      { ResourceId: 'tags-v001', ResourceType: 'auto-scaling-group', Key: 'owner', Value: 'team-a', PropagateAtLaunch: false },
    ] }));
    await clients.autoScaling.send(new CreateOrUpdateTagsCommand({ Tags: [{ ResourceId: 'tags-v001', ResourceType: 'auto-scaling-group', Key: 'owner', Value: 'team-b' }] }));
    const described = await clients.autoScaling.send(new DescribeTagsCommand({ Filters: [{ Name: 'auto-scaling-group', Values: ['tags-v001'] }] }));
    expect(described.Tags?.map((t) => [t.Key, t.Value, t.PropagateAtLaunch])).toEqual([['stack', 'prod', true], ['owner', 'team-b', false]]);
    await clients.autoScaling.send(new DeleteTagsCommand({ Tags: [{ ResourceId: 'tags-v001', ResourceType: 'auto-scaling-group', Key: 'stack' }] }));
    expect((await group('tags-v001'))?.Tags?.map((t) => t.Key)).toEqual(['owner']);
    expect(await awsError(clients.autoScaling.send(new CreateOrUpdateTagsCommand({ Tags: [{ ResourceId: 'missing', ResourceType: 'auto-scaling-group', Key: 'k', Value: 'v' }] })))).toMatchObject({ name: 'ValidationError' });
  });

  it('records launches, and a failed launch when the launch template image is gone', async () => {
    const { launchTemplateId } = await launchTemplateFixture(clients, 'no-image-lt', { ImageId: 'ami-0123456789abcdef0' });
    await createGroup('broken-v001', 1, { LaunchTemplate: { LaunchTemplateId: launchTemplateId } });
    const activities = await eventually(async () => {
      const out = await clients.autoScaling.send(new DescribeScalingActivitiesCommand({ AutoScalingGroupName: 'broken-v001' }));
      return out.Activities?.length ? out.Activities : undefined;
    });
    expect(activities[0]).toMatchObject({ StatusCode: 'Failed', AutoScalingGroupName: 'broken-v001', StatusMessage: expect.stringContaining('ami-0123456789abcdef0') });
    expect((await group('broken-v001'))?.Instances).toEqual([]);
    const launches = await clients.autoScaling.send(new DescribeScalingActivitiesCommand({ AutoScalingGroupName: 'web-v001' }));
    expect(launches.Activities?.filter((a) => a.Description?.startsWith('Launching a new EC2 instance: i-') && a.StatusCode === 'Successful')).toHaveLength(3);
  });
});
