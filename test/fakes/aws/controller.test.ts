/** The simulated Auto Scaling + ELB behaviour: registration of group instances, health, suspension, detach, replacement. */
import {
  AttachLoadBalancerTargetGroupsCommand, CreateAutoScalingGroupCommand, DescribeAutoScalingGroupsCommand,
  DescribeLoadBalancerTargetGroupsCommand, DetachLoadBalancerTargetGroupsCommand, ResumeProcessesCommand, SetDesiredCapacityCommand,
  SuspendProcessesCommand,
  type AutoScalingGroup,
} from '@aws-sdk/client-auto-scaling';
import { TerminateInstancesCommand } from '@aws-sdk/client-ec2';
import { CreateTargetGroupCommand, DescribeTargetHealthCommand, type TargetHealthDescription } from '@aws-sdk/client-elastic-load-balancing-v2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeAws, type FakeAws } from './index';
import { clientsFor, eventually, launchTemplateFixture, type Clients } from './testSupport';

let fake: FakeAws;
let clients: Clients;
let subnetIds: string[];
let vpcId: string;

beforeAll(async () => {
  fake = await startFakeAws({ readyDelayMs: 30 });
  clients = clientsFor(fake.url);
  ({ subnetIds, vpcId } = await launchTemplateFixture(clients, 'ctl-lt'));
});
afterAll(() => fake.close());

async function targetGroup(name: string): Promise<string> {
  const out = await clients.elbv2.send(new CreateTargetGroupCommand({ Name: name, Protocol: 'HTTP', Port: 80, VpcId: vpcId }));
  return out.TargetGroups?.[0]?.TargetGroupArn ?? '';
}

async function createGroup(name: string, desired: number, targetGroupArns: string[] = []): Promise<void> {
  await clients.autoScaling.send(new CreateAutoScalingGroupCommand({
    AutoScalingGroupName: name, LaunchTemplate: { LaunchTemplateName: 'ctl-lt' }, MinSize: 0, MaxSize: 5, DesiredCapacity: desired,
    VPCZoneIdentifier: subnetIds.join(','), TargetGroupARNs: targetGroupArns,
  }));
}

async function group(name: string): Promise<AutoScalingGroup | undefined> {
  return (await clients.autoScaling.send(new DescribeAutoScalingGroupsCommand({ AutoScalingGroupNames: [name] }))).AutoScalingGroups?.[0];
}

async function health(arn: string): Promise<TargetHealthDescription[]> {
  return (await clients.elbv2.send(new DescribeTargetHealthCommand({ TargetGroupArn: arn }))).TargetHealthDescriptions ?? [];
}

async function healthyTargets(arn: string, count: number): Promise<string[]> {
  return eventually(async () => {
    const healthy = (await health(arn)).filter((d) => d.TargetHealth?.State === 'healthy');
    return healthy.length === count ? healthy.map((d) => d.Target?.Id ?? '').sort() : undefined;
  });
}

async function attachmentState(name: string): Promise<string[]> {
  const out = await clients.autoScaling.send(new DescribeLoadBalancerTargetGroupsCommand({ AutoScalingGroupName: name }));
  return (out.LoadBalancerTargetGroups ?? []).map((t) => t.State ?? '');
}

describe('instances of a group with target groups', () => {
  it('registers them as they go InService and reports the attachment InService once healthy', async () => {
    const arn = await targetGroup('ctl-web');
    await createGroup('ctl-web-v001', 2, [arn]);
    const ids = await healthyTargets(arn, 2);
    const described = await group('ctl-web-v001');
    expect(described?.Instances?.map((i) => i.InstanceId).sort()).toEqual(ids);
    expect(await attachmentState('ctl-web-v001')).toEqual(['InService']);
  });

  it('marks the instances of failing groups Unhealthy and their targets unhealthy, until cleared', async () => {
    const arn = await targetGroup('ctl-fail');
    await createGroup('ctl-fail-v001', 1, [arn]);
    await healthyTargets(arn, 1);
    fake.failInstances((instance) => instance.autoScalingGroupName === 'ctl-fail-v001');
    try {
      const unhealthy = await eventually(async () => {
        const found = await group('ctl-fail-v001');
        return found?.Instances?.[0]?.HealthStatus === 'Unhealthy' ? found : undefined;
      });
      expect(unhealthy.Instances?.[0]?.LifecycleState).toBe('InService');
      await eventually(async () => ((await health(arn))[0]?.TargetHealth?.Reason === 'Target.FailedHealthChecks' ? true : undefined));
      expect((await group('ctl-web-v001'))?.Instances?.every((i) => i.HealthStatus === 'Healthy')).toBe(true);
    } finally {
      fake.failInstances(null);
    }
    await healthyTargets(arn, 1);
  });

  it('leaves instances out of target groups while AddToLoadBalancer is suspended', async () => {
    const arn = await targetGroup('ctl-noadd');
    await createGroup('ctl-noadd-v001', 0, [arn]);
    await clients.autoScaling.send(new SuspendProcessesCommand({ AutoScalingGroupName: 'ctl-noadd-v001', ScalingProcesses: ['AddToLoadBalancer'] }));
    await clients.autoScaling.send(new SetDesiredCapacityCommand({ AutoScalingGroupName: 'ctl-noadd-v001', DesiredCapacity: 1 }));
    await eventually(async () => ((await group('ctl-noadd-v001'))?.Instances?.[0]?.LifecycleState === 'InService' ? true : undefined));
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(await health(arn)).toEqual([]);
    await clients.autoScaling.send(new ResumeProcessesCommand({ AutoScalingGroupName: 'ctl-noadd-v001', ScalingProcesses: ['AddToLoadBalancer'] }));
    await clients.autoScaling.send(new AttachLoadBalancerTargetGroupsCommand({ AutoScalingGroupName: 'ctl-noadd-v001', TargetGroupARNs: [arn] }));
    await healthyTargets(arn, 1);
  });

  it('drains the instances out of a detached target group, which then leaves the group', async () => {
    const arn = await targetGroup('ctl-detach');
    await createGroup('ctl-detach-v001', 2, [arn]);
    await healthyTargets(arn, 2);
    await clients.autoScaling.send(new DetachLoadBalancerTargetGroupsCommand({ AutoScalingGroupName: 'ctl-detach-v001', TargetGroupARNs: [arn] }));
    expect((await health(arn)).map((d) => d.TargetHealth?.State)).toEqual(['draining', 'draining']);
    expect(await attachmentState('ctl-detach-v001')).toEqual(['Removing']);
    expect((await group('ctl-detach-v001'))?.TargetGroupARNs).toEqual([]);
    await eventually(async () => ((await health(arn)).length === 0 && (await attachmentState('ctl-detach-v001')).length === 0 ? true : undefined));
    expect((await group('ctl-detach-v001'))?.Instances).toHaveLength(2);
  });
});

describe('replacement', () => {
  it('replaces an instance terminated through EC2, unless Launch is suspended', async () => {
    await createGroup('ctl-replace-v001', 1);
    const first = await eventually(async () => {
      const instance = (await group('ctl-replace-v001'))?.Instances?.[0];
      return instance?.LifecycleState === 'InService' ? instance.InstanceId : undefined;
    });
    await clients.ec2.send(new TerminateInstancesCommand({ InstanceIds: [first ?? ''] }));
    const second = await eventually(async () => {
      const instances = (await group('ctl-replace-v001'))?.Instances ?? [];
      return instances.length === 1 && instances[0]?.InstanceId !== first && instances[0]?.LifecycleState === 'InService' ? instances[0].InstanceId : undefined;
    });
    await clients.autoScaling.send(new SuspendProcessesCommand({ AutoScalingGroupName: 'ctl-replace-v001', ScalingProcesses: ['Launch'] }));
    await clients.ec2.send(new TerminateInstancesCommand({ InstanceIds: [second ?? ''] }));
    await eventually(async () => ((await group('ctl-replace-v001'))?.Instances?.length === 0 ? true : undefined));
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect((await group('ctl-replace-v001'))?.Instances).toEqual([]);
    expect(fake.autoScalingGroups().find((g) => g.name === 'ctl-replace-v001')?.desiredCapacity).toBe(1);
  });
});
