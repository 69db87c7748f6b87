/** ELBv2 target groups and target health through the real @aws-sdk/client-elastic-load-balancing-v2. */
import { DescribeInstancesCommand, DescribeVpcsCommand, RunInstancesCommand, DescribeImagesCommand } from '@aws-sdk/client-ec2';
import {
  CreateListenerCommand, CreateLoadBalancerCommand, CreateTargetGroupCommand, DeleteListenerCommand, DeleteLoadBalancerCommand,
  DeleteTargetGroupCommand, DeregisterTargetsCommand, DescribeListenersCommand, DescribeLoadBalancersCommand, DescribeTargetGroupsCommand,
  DescribeTargetHealthCommand, ModifyListenerCommand, RegisterTargetsCommand, type TargetHealthDescription,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import { DescribeSubnetsCommand } from '@aws-sdk/client-ec2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeAws, type FakeAws } from './index';
import { awsError, clientsFor, eventually, type Clients } from './testSupport';

let fake: FakeAws;
let clients: Clients;
let vpcId: string;

beforeAll(async () => {
  fake = await startFakeAws({ readyDelayMs: 20 });
  clients = clientsFor(fake.url);
  vpcId = (await clients.ec2.send(new DescribeVpcsCommand({}))).Vpcs?.[0]?.VpcId ?? '';
});
afterAll(() => fake.close());

async function createTargetGroup(name: string, port = 80): Promise<string> {
  const out = await clients.elbv2.send(new CreateTargetGroupCommand({ Name: name, Protocol: 'HTTP', Port: port, VpcId: vpcId, HealthCheckPath: '/health' }));
  return out.TargetGroups?.[0]?.TargetGroupArn ?? '';
}

async function runningInstance(): Promise<string> {
  const imageId = (await clients.ec2.send(new DescribeImagesCommand({ Owners: ['amazon'] }))).Images?.[0]?.ImageId;
  const id = (await clients.ec2.send(new RunInstancesCommand({ ImageId: imageId, MinCount: 1, MaxCount: 1 }))).Instances?.[0]?.InstanceId ?? '';
  await eventually(async () => ((await clients.ec2.send(new DescribeInstancesCommand({ InstanceIds: [id] }))).Reservations?.[0]?.Instances?.[0]?.State?.Name === 'running' ? true : undefined));
  return id;
}

async function health(arn: string): Promise<TargetHealthDescription[]> {
  return (await clients.elbv2.send(new DescribeTargetHealthCommand({ TargetGroupArn: arn }))).TargetHealthDescriptions ?? [];
}

describe('target groups', () => {
  it('creates a target group with a real-looking ARN and defaults, again idempotently, and deletes it', async () => {
    const arn = await createTargetGroup('checkout-prod');
    expect(arn).toMatch(/^arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup\/checkout-prod\/[0-9a-f]{16}$/);
    expect(await createTargetGroup('checkout-prod')).toBe(arn);
    const described = await clients.elbv2.send(new DescribeTargetGroupsCommand({ Names: ['checkout-prod'] }));
    expect(described.TargetGroups?.[0]).toMatchObject({
      TargetGroupName: 'checkout-prod', Protocol: 'HTTP', Port: 80, VpcId: vpcId, TargetType: 'instance', HealthCheckPath: '/health',
      HealthCheckPort: 'traffic-port', HealthCheckProtocol: 'HTTP', Matcher: { HttpCode: '200' },
    });
    expect(await awsError(clients.elbv2.send(new CreateTargetGroupCommand({ Name: 'checkout-prod', Protocol: 'HTTP', Port: 8080, VpcId: vpcId }))))
      .toMatchObject({ name: 'DuplicateTargetGroupNameException', status: 400 });
    await clients.elbv2.send(new DeleteTargetGroupCommand({ TargetGroupArn: arn }));
    expect(await awsError(clients.elbv2.send(new DescribeTargetGroupsCommand({ TargetGroupArns: [arn] })))).toMatchObject({ name: 'TargetGroupNotFoundException' });
    expect(await awsError(clients.elbv2.send(new DescribeTargetGroupsCommand({ Names: ['checkout-prod'] })))).toMatchObject({ name: 'TargetGroupNotFoundException' });
  });

  it('answers ValidationError for a bad name or a missing port', async () => {
    expect(await awsError(clients.elbv2.send(new CreateTargetGroupCommand({ Name: '-bad-', Protocol: 'HTTP', Port: 80, VpcId: vpcId })))).toMatchObject({ name: 'ValidationError' });
    expect(await awsError(clients.elbv2.send(new CreateTargetGroupCommand({ Name: 'no-port', Protocol: 'HTTP', VpcId: vpcId })))).toMatchObject({ name: 'ValidationError', message: 'A port must be specified' });
  });

  it('pages with PageSize and Marker', async () => {
    for (const name of ['page-1', 'page-2', 'page-3']) await createTargetGroup(name);
    const names: string[] = [];
    let marker: string | undefined;
    do {
      const page = await clients.elbv2.send(new DescribeTargetGroupsCommand({ PageSize: 2, Marker: marker }));
      names.push(...(page.TargetGroups ?? []).map((g) => g.TargetGroupName ?? ''));
      marker = page.NextMarker;
    } while (marker);
    expect(names.filter((n) => n.startsWith('page-'))).toEqual(['page-1', 'page-2', 'page-3']);
  });
});

describe('targets', () => {
  it('registers a target initial → healthy, fails it on demand, drains it on deregistration', async () => {
    const arn = await createTargetGroup('health-tg', 8080);
    const id = await runningInstance();
    await clients.elbv2.send(new RegisterTargetsCommand({ TargetGroupArn: arn, Targets: [{ Id: id }] }));
    expect(await health(arn)).toEqual([{ Target: { Id: id, Port: 8080 }, HealthCheckPort: '8080', TargetHealth: { State: 'initial', Reason: 'Elb.RegistrationInProgress', Description: 'Target registration is in progress' } }]);
    await eventually(async () => ((await health(arn))[0]?.TargetHealth?.State === 'healthy' ? true : undefined));

    fake.failInstances((instance) => instance.instanceId === id);
    const failing = await eventually(async () => {
      const [description] = await health(arn);
      return description?.TargetHealth?.State === 'unhealthy' ? description : undefined;
    });
    expect(failing.TargetHealth?.Reason).toBe('Target.FailedHealthChecks');
    fake.failInstances(null);
    await eventually(async () => ((await health(arn))[0]?.TargetHealth?.State === 'healthy' ? true : undefined));

    await clients.elbv2.send(new DeregisterTargetsCommand({ TargetGroupArn: arn, Targets: [{ Id: id }] }));
    expect((await health(arn))[0]?.TargetHealth).toMatchObject({ State: 'draining', Reason: 'Target.DeregistrationInProgress' });
    await eventually(async () => ((await health(arn)).length === 0 ? true : undefined));
    const asked = await clients.elbv2.send(new DescribeTargetHealthCommand({ TargetGroupArn: arn, Targets: [{ Id: id }] }));
    expect(asked.TargetHealthDescriptions?.[0]?.TargetHealth).toMatchObject({ State: 'unused', Reason: 'Target.NotRegistered' });
    expect(fake.targetHealth('us-east-1', arn)).toEqual([]);
  });

  it('refuses unknown instances and unknown target groups', async () => {
    const arn = await createTargetGroup('strict-tg');
    expect(await awsError(clients.elbv2.send(new RegisterTargetsCommand({ TargetGroupArn: arn, Targets: [{ Id: 'i-0123456789abcdef0' }] })))).toMatchObject({ name: 'InvalidTargetException' });
    const missing = 'arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/missing/0123456789abcdef';
    expect(await awsError(clients.elbv2.send(new DescribeTargetHealthCommand({ TargetGroupArn: missing })))).toMatchObject({ name: 'TargetGroupNotFoundException' });
  });
});

describe('load balancers and weighted listeners', () => {
  it('creates an ALB (provisioning → active), a listener forwarding to weighted target groups, and shifts the weights', async () => {
    const subnets = (await clients.ec2.send(new DescribeSubnetsCommand({}))).Subnets?.map((subnet) => subnet.SubnetId ?? '') ?? [];
    const created = await clients.elbv2.send(new CreateLoadBalancerCommand({ Name: 'checkout-alb', Subnets: subnets.slice(0, 2), Type: 'application' }));
    const lb = created.LoadBalancers?.[0];
    expect(lb).toMatchObject({ LoadBalancerName: 'checkout-alb', Type: 'application', Scheme: 'internet-facing', VpcId: vpcId, State: { Code: 'provisioning' } });
    expect(lb?.LoadBalancerArn).toMatch(/^arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer\/app\/checkout-alb\/[0-9a-f]{16}$/);
    expect(lb?.AvailabilityZones?.map((zone) => zone.ZoneName)).toEqual(['us-east-1a', 'us-east-1b']);
    await eventually(async () => ((await clients.elbv2.send(new DescribeLoadBalancersCommand({ Names: ['checkout-alb'] }))).LoadBalancers?.[0]?.State?.Code === 'active' ? true : undefined));

    const blue = await createTargetGroup('checkout-blue');
    const green = await createTargetGroup('checkout-green');
    const listener = (await clients.elbv2.send(new CreateListenerCommand({
      LoadBalancerArn: lb?.LoadBalancerArn, Protocol: 'HTTP', Port: 80, DefaultActions: [{ Type: 'forward', TargetGroupArn: blue }],
    }))).Listeners?.[0];
    expect(listener?.DefaultActions?.[0]).toMatchObject({ Type: 'forward', TargetGroupArn: blue, ForwardConfig: { TargetGroups: [{ TargetGroupArn: blue, Weight: 1 }] } });
    expect((await clients.elbv2.send(new DescribeTargetGroupsCommand({ TargetGroupArns: [blue] }))).TargetGroups?.[0]?.LoadBalancerArns).toEqual([lb?.LoadBalancerArn]);

    await clients.elbv2.send(new ModifyListenerCommand({
      ListenerArn: listener?.ListenerArn,
      DefaultActions: [{ Type: 'forward', ForwardConfig: { TargetGroups: [{ TargetGroupArn: blue, Weight: 90 }, { TargetGroupArn: green, Weight: 10 }] } }],
    }));
    const described = await clients.elbv2.send(new DescribeListenersCommand({ LoadBalancerArn: lb?.LoadBalancerArn }));
    expect(described.Listeners?.[0]?.DefaultActions?.[0]?.ForwardConfig?.TargetGroups).toEqual([{ TargetGroupArn: blue, Weight: 90 }, { TargetGroupArn: green, Weight: 10 }]);
    expect(fake.listeners()[0]?.defaultActions[0]?.targetGroups).toEqual([{ arn: blue, weight: 90 }, { arn: green, weight: 10 }]);
    const byLoadBalancer = await clients.elbv2.send(new DescribeTargetGroupsCommand({ LoadBalancerArn: lb?.LoadBalancerArn }));
    expect(byLoadBalancer.TargetGroups?.map((g) => g.TargetGroupName)).toEqual(['checkout-blue', 'checkout-green']);

    expect(await awsError(clients.elbv2.send(new DeleteTargetGroupCommand({ TargetGroupArn: green })))).toMatchObject({ name: 'ResourceInUseException' });
    expect(await awsError(clients.elbv2.send(new CreateListenerCommand({ LoadBalancerArn: lb?.LoadBalancerArn, Protocol: 'HTTP', Port: 80, DefaultActions: [{ Type: 'forward', TargetGroupArn: green }] }))))
      .toMatchObject({ name: 'DuplicateListenerException' });
    expect(await awsError(clients.elbv2.send(new ModifyListenerCommand({ ListenerArn: listener?.ListenerArn, DefaultActions: [{ Type: 'forward', ForwardConfig: { TargetGroups: [{ TargetGroupArn: blue, Weight: 1000 }] } }] }))))
      .toMatchObject({ name: 'ValidationError' });

    await clients.elbv2.send(new DeleteListenerCommand({ ListenerArn: listener?.ListenerArn }));
    await clients.elbv2.send(new DeleteTargetGroupCommand({ TargetGroupArn: green }));
    await clients.elbv2.send(new DeleteLoadBalancerCommand({ LoadBalancerArn: lb?.LoadBalancerArn }));
    await clients.elbv2.send(new DeleteLoadBalancerCommand({ LoadBalancerArn: lb?.LoadBalancerArn }));
    expect(await awsError(clients.elbv2.send(new DescribeLoadBalancersCommand({ LoadBalancerArns: [lb?.LoadBalancerArn ?? ''] })))).toMatchObject({ name: 'LoadBalancerNotFoundException' });
  });
});
