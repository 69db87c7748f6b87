/** The real AWS CLI against the fake: what the SDK created, the CLI (botocore's own XML parsing) lists. */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { CreateAutoScalingGroupCommand } from '@aws-sdk/client-auto-scaling';
import { CreateListenerCommand, CreateLoadBalancerCommand, CreateTargetGroupCommand } from '@aws-sdk/client-elastic-load-balancing-v2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeAws, type FakeAws } from './index';
import { AWS_CLI_ENV } from '../../support/aws';
import { onPath } from '../../support/onPath';
import { clientsFor, eventually, launchTemplateFixture } from './testSupport';

const run = promisify(execFile);

const awsOnPath = onPath('aws');
if (!awsOnPath) console.warn('aws (the AWS CLI) is not on PATH: skipping the AWS CLI tests against the fake AWS');

let fake: FakeAws;
let baseImageId: string;
let listenerArn: string;
let targetGroupArn: string;

const cliEnv = { ...AWS_CLI_ENV, AWS_MAX_ATTEMPTS: '1' };

function cli(args: string[]): Promise<{ stdout: string }> {
  return run('aws', ['--endpoint-url', fake.url, '--region', 'us-east-1', ...args], { env: cliEnv, timeout: 60_000 });
}

async function aws<T>(...args: string[]): Promise<T> {
  const { stdout } = await cli(['--output', 'json', ...args]);
  return JSON.parse(stdout) as T;
}

beforeAll(async () => {
  fake = await startFakeAws({ readyDelayMs: 20 });
  const clients = clientsFor(fake.url);
  const fixture = await launchTemplateFixture(clients, 'cli-lt');
  baseImageId = fixture.imageId;
  const tg = await clients.elbv2.send(new CreateTargetGroupCommand({ Name: 'cli-tg', Protocol: 'HTTP', Port: 80, VpcId: fixture.vpcId }));
  targetGroupArn = tg.TargetGroups?.[0]?.TargetGroupArn ?? '';
  const lb = await clients.elbv2.send(new CreateLoadBalancerCommand({ Name: 'cli-alb', Subnets: fixture.subnetIds.slice(0, 2), Type: 'application' }));
  const listener = await clients.elbv2.send(new CreateListenerCommand({ LoadBalancerArn: lb.LoadBalancers?.[0]?.LoadBalancerArn, Protocol: 'HTTP', Port: 80, DefaultActions: [{ Type: 'forward', TargetGroupArn: targetGroupArn }] }));
  listenerArn = listener.Listeners?.[0]?.ListenerArn ?? '';
  await clients.autoScaling.send(new CreateAutoScalingGroupCommand({
    AutoScalingGroupName: 'cli-v001', LaunchTemplate: { LaunchTemplateName: 'cli-lt', Version: '1' }, MinSize: 1, MaxSize: 2, DesiredCapacity: 1,
    VPCZoneIdentifier: fixture.subnetIds.join(','), TargetGroupARNs: [tg.TargetGroups?.[0]?.TargetGroupArn ?? ''],
    Tags: [{ Key: 'app', Value: 'cli', PropagateAtLaunch: true }],
  }));
});
afterAll(() => fake.close());

describe.skipIf(!awsOnPath)('aws CLI against the fake', () => {
  it('describe-auto-scaling-groups lists the group the SDK created, with its instance InService', async () => {
    const out = await eventually(async () => {
      const result = await aws<{ AutoScalingGroups: { AutoScalingGroupName: string; Instances: { LifecycleState: string }[]; Tags: { Key: string }[]; LaunchTemplate: { Version: string }; CreatedTime: string }[] }>('autoscaling', 'describe-auto-scaling-groups');
      return result.AutoScalingGroups[0]?.Instances[0]?.LifecycleState === 'InService' ? result : undefined;
    }, 60_000);
    expect(out.AutoScalingGroups).toHaveLength(1);
    expect(out.AutoScalingGroups[0]).toMatchObject({ AutoScalingGroupName: 'cli-v001', LaunchTemplate: { Version: '1' }, Tags: [{ Key: 'app' }] });
    expect(Date.parse(out.AutoScalingGroups[0]?.CreatedTime ?? '')).not.toBeNaN();
  });

  it('describe-images, describe-instances, describe-launch-templates and describe-target-groups parse', async () => {
    const images = await aws<{ Images: { ImageId: string; State: string }[] }>('ec2', 'describe-images', '--owners', 'amazon');
    expect(images.Images).toEqual([expect.objectContaining({ ImageId: baseImageId, State: 'available' })]);
    const instances = await aws<{ Reservations: { Instances: { Tags: { Key: string; Value: string }[]; State: { Name: string } }[] }[] }>('ec2', 'describe-instances', '--filters', 'Name=tag:app,Values=cli');
    expect(instances.Reservations[0]?.Instances[0]?.Tags).toContainEqual({ Key: 'aws:autoscaling:groupName', Value: 'cli-v001' });
    const templates = await aws<{ LaunchTemplates: { LaunchTemplateName: string }[] }>('ec2', 'describe-launch-templates', '--launch-template-names', 'cli-lt');
    expect(templates.LaunchTemplates.map((t) => t.LaunchTemplateName)).toEqual(['cli-lt']);
    const groups = await aws<{ TargetGroups: { TargetGroupName: string; Port: number }[] }>('elbv2', 'describe-target-groups', '--names', 'cli-tg');
    expect(groups.TargetGroups).toMatchObject([{ TargetGroupName: 'cli-tg', Port: 80 }]);
  });

  it('create-rule and describe-rules: ALB listener rules with header and path conditions, the default rule last', async () => {
    const conditions = JSON.stringify([
      { Field: 'http-header', HttpHeaderConfig: { HttpHeaderName: 'X-Variant', Values: ['b'] } },
      { Field: 'path-pattern', PathPatternConfig: { Values: ['/shop', '/shop/*'] } },
    ]);
    const actions = JSON.stringify([{ Type: 'forward', TargetGroupArn: targetGroupArn }]);
    await aws('elbv2', 'create-rule', '--listener-arn', listenerArn, '--priority', '10', '--conditions', conditions, '--actions', actions);
    const rules = await aws<{ Rules: { Priority: string; IsDefault: boolean; Conditions: { Field: string; HttpHeaderConfig?: { HttpHeaderName: string; Values: string[] }; PathPatternConfig?: { Values: string[] } }[] }[] }>(
      'elbv2', 'describe-rules', '--listener-arn', listenerArn,
    );
    expect(rules.Rules.map((rule) => [rule.Priority, rule.IsDefault])).toEqual([['10', false], ['default', true]]);
    expect(rules.Rules[0]?.Conditions).toMatchObject([{ Field: 'http-header', HttpHeaderConfig: { HttpHeaderName: 'X-Variant', Values: ['b'] } }, { Field: 'path-pattern', PathPatternConfig: { Values: ['/shop', '/shop/*'] } }]);
    const taken = await cli(['elbv2', 'create-rule', '--listener-arn', listenerArn, '--priority', '10', '--conditions', conditions, '--actions', actions]).then(() => '', (error: { stderr?: string }) => error.stderr ?? '');
    expect(taken).toContain('PriorityInUse');
  });

  it('reports the fake errors with their codes', async () => {
    const failure = await cli(['ec2', 'describe-images', '--image-ids', 'ami-0123456789abcdef0']).then(() => '', (error: { stderr?: string }) => error.stderr ?? '');
    expect(failure).toContain('InvalidAMIID.NotFound');
  });
});
