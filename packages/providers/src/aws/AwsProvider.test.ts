import { CreateAutoScalingGroupCommand, DescribeAutoScalingGroupsCommand } from '@aws-sdk/client-auto-scaling';
import { CreateLaunchTemplateCommand, DescribeSecurityGroupsCommand, DescribeSubnetsCommand, DescribeVpcsCommand, TerminateInstancesCommand } from '@aws-sdk/client-ec2';
import { CreateListenerCommand, CreateLoadBalancerCommand, CreateRuleCommand, CreateTargetGroupCommand, DescribeRulesCommand } from '@aws-sdk/client-elastic-load-balancing-v2';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startFakeAws, type FakeAws } from '../../../../test/fakes/aws';
import { clientsFor, type Clients } from '../../../../test/fakes/aws/testSupport';
import { seedAws } from '../../../../test/support/aws';
import { readUntil } from '../../../../test/support/eventually';
import { parseAccounts } from '../accounts';
import type { AwsAccountConfig } from './account';
import type { CloudProvider, Health, ServerGroupRef, ServerGroupSpec } from '../CloudProvider';
import { ProviderError, isProviderError } from '../errors';
import { ProviderRegistry } from '../ProviderRegistry';
import type { RetryOptions } from '../retry';
import { AwsProvider } from './AwsProvider';
import { AwsClient } from './client';

/**
 * The provider through the registry (so with its retrying wrapper) and the real AWS SDK v3
 * clients, against the stateful fake of Auto Scaling, EC2 and ELBv2.
 */

const REGION = 'us-east-1';
const COPY_REGION = 'eu-west-1';
const READY_DELAY_MS = 100;
const SETTLE_TIMEOUT_MS = 8_000;
const TARGET_GROUP = 'web-tg';

let fake: FakeAws;
let sdk: Clients;
let registry: ProviderRegistry;
let baseImage: string;
let targetGroupArn: string;
let waits: number[];
let serial = 0;

const ENV = { FAKE_AWS_KEY: 'AKIAFAKE', FAKE_AWS_SECRET: 'fake-secret' };

function accountsYaml(url: string): string {
  return `
accounts:
  - name: aws-test
    provider: aws
    endpoint: ${url}
    credentials: { accessKeyId: { env: FAKE_AWS_KEY }, secretAccessKey: { env: FAKE_AWS_SECRET } }
    defaultInstanceType: t3.micro
    regions:
      - name: ${REGION}
        availabilityZones: [${REGION}a, ${REGION}b]
      - ${COPY_REGION}
  - name: aws-down
    provider: aws
    endpoint: http://127.0.0.1:1
    credentials: { accessKeyId: { env: FAKE_AWS_KEY }, secretAccessKey: { env: FAKE_AWS_SECRET } }
    regions: [${REGION}]
`;
}

function awsAccount(name: string): AwsAccountConfig {
  const account = parseAccounts(accountsYaml(fake.url), 'accounts.yaml').find((candidate) => candidate.name === name);
  if (account?.provider !== 'aws') throw new Error(`no aws account ${name}`);
  return account;
}

beforeAll(async () => {
  fake = await startFakeAws({ readyDelayMs: READY_DELAY_MS, imageDelayMs: 150 });
  sdk = clientsFor(fake.url, REGION);
  const seeded = await seedAws(fake.url, [TARGET_GROUP]);
  baseImage = seeded.baseImage;
  targetGroupArn = seeded.targetGroupArns[TARGET_GROUP] ?? '';
  waits = [];
  const retry: RetryOptions = { attempts: 4, baseDelayMs: 10, maxDelayMs: 2_000, sleep: async (ms) => void waits.push(ms) };
  registry = new ProviderRegistry(parseAccounts(accountsYaml(fake.url), 'accounts.yaml'), {}, { retry, env: ENV });
});

afterAll(async () => {
  for (const client of Object.values(sdk ?? {})) client.destroy();
  await fake?.close();
});

beforeEach(() => {
  fake.clearFaults();
  fake.failInstances(null);
  waits.length = 0;
});

function provider(account = 'aws-test'): CloudProvider {
  return registry.forAccount(account).provider;
}

/** A fresh cluster per test, so tests share the fake without seeing each other's groups. */
function newCluster() {
  const application = `app${++serial}`;
  const cluster = `${application}-prod`;
  const group = (sequence: number, overrides: Partial<ServerGroupSpec> = {}): ServerGroupSpec => ({
    account: 'aws-test',
    location: REGION,
    application,
    cluster,
    name: `${cluster}-v${String(sequence).padStart(3, '0')}`,
    image: baseImage,
    capacity: { min: 1, max: 4, desired: 2 },
    enabled: false,
    settings: { targetGroups: [TARGET_GROUP], userData: '#!/bin/sh\necho hello\n', tags: { team: 'payments' } },
    ...overrides,
  });
  return { application, cluster, group, ref: (spec: ServerGroupSpec): ServerGroupRef => ({ account: spec.account, location: REGION, name: spec.name }) };
}

const isUp = (health: Health) => health.desired > 0 && health.up === health.desired;

/** The group's instances the target group sends traffic to, as the fake's load balancer sees it. */
function servingInstances(serverGroup: string): string[] {
  const members = new Set(fake.instances(REGION).filter((instance) => instance.autoScaling?.groupName === serverGroup).map((instance) => instance.instanceId));
  return fake
    .targetHealth(REGION, targetGroupArn)
    .filter((target) => target.state === 'healthy' && members.has(target.id))
    .map((target) => target.id);
}

function asgOf(name: string) {
  return fake.autoScalingGroups(REGION).find((group) => group.name === name);
}

describe('AwsProvider against the fake AWS', () => {
  it('creates a disabled server group idempotently: ASG + launch template, tagged, target groups remembered', async () => {
    const { cluster, group } = newCluster();
    const spec = group(1);
    const first = await provider().createServerGroup(spec);
    const second = await provider().createServerGroup(spec);

    expect(first).toMatchObject({ account: 'aws-test', location: REGION, cluster, name: spec.name, sequence: 1, image: baseImage, enabled: false, capacity: spec.capacity });
    expect(second.createdAt).toEqual(first.createdAt);
    expect(fake.autoScalingGroups(REGION).filter((asg) => asg.name.startsWith(cluster))).toHaveLength(1);
    expect(fake.launchTemplates(REGION).filter((template) => template.launchTemplateName === spec.name)).toHaveLength(1);

    const asg = asgOf(spec.name);
    expect(asg?.targetGroups).toEqual([]);
    expect([...(asg?.suspendedProcesses.keys() ?? [])]).toEqual(['AddToLoadBalancer']);
    expect(asg?.availabilityZones).toEqual([`${REGION}a`, `${REGION}b`]);
    expect(asg?.tags).toEqual(
      expect.arrayContaining([
        { key: 'gantry:cluster', value: cluster, propagateAtLaunch: true },
        { key: 'gantry:server-group', value: spec.name, propagateAtLaunch: true },
        { key: 'gantry:application', value: spec.application, propagateAtLaunch: true },
        { key: 'team', value: 'payments', propagateAtLaunch: true },
        { key: 'gantry:target-groups', value: TARGET_GROUP, propagateAtLaunch: false },
      ]),
    );
    const template = fake.launchTemplates(REGION).find((candidate) => candidate.launchTemplateName === spec.name);
    expect(template?.versions[0]?.data).toMatchObject({ ImageId: baseImage, InstanceType: 't3.micro', UserData: Buffer.from('#!/bin/sh\necho hello\n').toString('base64') });
    expect(template?.tags.get('gantry:server-group')).toBe(spec.name);

    // Instances carry the propagated tags once launched.
    await readUntil(async () => fake.instances(REGION).filter((instance) => instance.autoScaling?.groupName === spec.name), (instances) => instances.length === 2, SETTLE_TIMEOUT_MS);
    const instance = fake.instances(REGION).find((candidate) => candidate.autoScaling?.groupName === spec.name);
    expect(instance?.tags.get('gantry:cluster')).toBe(cluster);
  });

  it('finishes what a create interrupted between any two calls left, with one ASG and one template', async () => {
    const { group } = newCluster();
    const unretried = new AwsProvider(awsAccount('aws-test'), { env: ENV });
    for (const [sequence, action] of [[1, 'CreateAutoScalingGroup'], [2, 'SuspendProcesses']] as const) {
      const spec = group(sequence);
      fake.injectFault({ action, code: 'InternalFailure', status: 500 });
      const error = await unretried.createServerGroup(spec).catch((caught: unknown) => caught);
      expect(error).toMatchObject({ kind: 'Transient', reason: expect.stringMatching(/^InternalFailure: /) });
      const done = await provider().createServerGroup(spec);
      expect(done).toMatchObject({ name: spec.name, enabled: false });
      expect(fake.autoScalingGroups(REGION).filter((asg) => asg.name === spec.name)).toHaveLength(1);
      expect(fake.launchTemplates(REGION).filter((template) => template.launchTemplateName === spec.name)).toHaveLength(1);
      expect(asgOf(spec.name)?.suspendedProcesses.has('AddToLoadBalancer')).toBe(true);
    }
    unretried.close();
  });

  it('places the group in the given subnets with security groups looked up by name', async () => {
    const { group } = newCluster();
    const subnets = (await sdk.ec2.send(new DescribeSubnetsCommand({}))).Subnets?.map((subnet) => subnet.SubnetId ?? '').slice(0, 2) ?? [];
    const defaultGroup = (await sdk.ec2.send(new DescribeSecurityGroupsCommand({ GroupNames: ['default'] }))).SecurityGroups?.[0]?.GroupId;
    const spec = group(1, { settings: { subnetIds: subnets, securityGroups: ['default'], instanceType: 'm5.large', keyPair: 'ops', iamInstanceProfile: 'web-role' } });
    await provider().createServerGroup(spec);
    expect(asgOf(spec.name)?.vpcZoneIdentifier).toBe(subnets.join(','));
    expect(fake.launchTemplates(REGION).find((template) => template.launchTemplateName === spec.name)?.versions[0]?.data).toMatchObject({
      InstanceType: 'm5.large',
      SecurityGroupIds: [defaultGroup],
      KeyName: 'ops',
      IamInstanceProfile: { Name: 'web-role' },
    });
    await expect(provider().createServerGroup(group(2, { settings: { securityGroups: ['no-such-group'] } }))).rejects.toThrow(/security groups not found in us-east-1: no-such-group/);
  });

  it('refuses a foreign group of the same name, and one of ours running another image', async () => {
    const { group } = newCluster();
    const foreign = group(1);
    await sdk.ec2.send(new CreateLaunchTemplateCommand({ LaunchTemplateName: `${foreign.name}-hand`, LaunchTemplateData: { ImageId: baseImage, InstanceType: 't3.micro' } }));
    await sdk.autoScaling.send(
      new CreateAutoScalingGroupCommand({ AutoScalingGroupName: foreign.name, LaunchTemplate: { LaunchTemplateName: `${foreign.name}-hand` }, MinSize: 0, MaxSize: 0, AvailabilityZones: [`${REGION}a`] }),
    );
    await expect(provider().createServerGroup(foreign)).rejects.toMatchObject({ kind: 'Conflict', message: expect.stringMatching(/not managed by Gantry/) });
    await expect(provider().destroy({ account: 'aws-test', location: REGION, name: foreign.name })).rejects.toMatchObject({ kind: 'Conflict' });

    const mine = group(2);
    await provider().createServerGroup(mine);
    await expect(provider().createServerGroup({ ...mine, image: 'ami-0123456789abcdef0' })).rejects.toMatchObject({
      kind: 'Conflict',
      message: expect.stringMatching(/already exists with image/),
    });
  });

  it('enable attaches the target groups and resumes AddToLoadBalancer; disable detaches and suspends', async () => {
    const { group, ref } = newCluster();
    const spec = group(1);
    await provider().createServerGroup(spec);
    await readUntil(() => provider().health(ref(spec)), isUp, SETTLE_TIMEOUT_MS);
    expect(servingInstances(spec.name)).toEqual([]);

    await provider().enable(ref(spec));
    expect(asgOf(spec.name)?.targetGroups).toEqual([{ arn: targetGroupArn, state: 'Attached' }]);
    expect(asgOf(spec.name)?.suspendedProcesses.size).toBe(0);
    await readUntil(async () => servingInstances(spec.name), (serving) => serving.length === 2, SETTLE_TIMEOUT_MS);
    expect(await provider().getServerGroup(ref(spec))).toMatchObject({ enabled: true, health: { desired: 2, up: 2, down: 0, unknown: 0 } });

    await provider().disable(ref(spec));
    expect(servingInstances(spec.name)).toEqual([]);
    expect(asgOf(spec.name)?.suspendedProcesses.has('AddToLoadBalancer')).toBe(true);
    expect(await provider().getServerGroup(ref(spec))).toMatchObject({ enabled: false });
    // Idempotent both ways.
    await provider().disable(ref(spec));
    await provider().enable(ref(spec));
    await provider().enable(ref(spec));
    await readUntil(async () => servingInstances(spec.name), (serving) => serving.length === 2, SETTLE_TIMEOUT_MS);
  });

  it('a group created enabled takes traffic as its instances come up', async () => {
    const { group, ref } = newCluster();
    const spec = group(1, { enabled: true });
    const created = await provider().createServerGroup(spec);
    expect(created.enabled).toBe(true);
    // Up counts target health while enabled: healthy in the target group, not only InService.
    await readUntil(() => provider().health(ref(spec)), isUp, SETTLE_TIMEOUT_MS);
    expect(servingInstances(spec.name)).toHaveLength(2);
  });

  it('resizes min, max and desired', async () => {
    const { group, ref } = newCluster();
    const spec = group(1);
    await provider().createServerGroup(spec);
    await provider().resize(ref(spec), { min: 2, max: 8, desired: 3 });
    expect(asgOf(spec.name)).toMatchObject({ minSize: 2, maxSize: 8, desiredCapacity: 3 });
    await readUntil(() => provider().health(ref(spec)), (health) => health.up === 3, SETTLE_TIMEOUT_MS);
    expect((await provider().getServerGroup(ref(spec)))?.capacity).toEqual({ min: 2, max: 8, desired: 3 });
    await expect(provider().resize(ref(spec), { min: 5, max: 8, desired: 4 })).rejects.toMatchObject({ kind: 'Fatal' });
  });

  it('counts instances that fail their health checks as down, in the group and in the target group', async () => {
    const { group, ref } = newCluster();
    const disabled = group(1);
    const enabled = group(2, { enabled: true });
    fake.failInstances((instance) => instance.autoScalingGroupName === disabled.name || instance.autoScalingGroupName === enabled.name);
    await provider().createServerGroup(disabled);
    await provider().createServerGroup(enabled);
    for (const spec of [disabled, enabled]) {
      const health = await readUntil(() => provider().health(ref(spec)), (h) => h.down === 2, SETTLE_TIMEOUT_MS);
      expect(health).toMatchObject({ desired: 2, up: 0 });
    }
  });

  it('lists a cluster oldest first, leaving out other clusters; get is null for a group that is not there', async () => {
    const { application, cluster, group } = newCluster();
    await provider().createServerGroup(group(1));
    await provider().createServerGroup(group(2));
    await provider().createServerGroup({ ...group(1), cluster: `${cluster}x`, name: `${cluster}x-v001` });
    const listed = await provider().listServerGroups({ account: 'aws-test', location: REGION, application, cluster });
    expect(listed.map((serverGroup) => serverGroup.name)).toEqual([`${cluster}-v001`, `${cluster}-v002`]);
    expect(await provider().getServerGroup({ account: 'aws-test', location: REGION, name: `${cluster}-v099` })).toBeNull();
  });

  it('lists every page of a large cluster', async () => {
    const { application, cluster, group } = newCluster();
    // DescribeAutoScalingGroups answers 50 groups a page.
    const specs = Array.from({ length: 53 }, (_, sequence) => group(sequence, { capacity: { min: 0, max: 0, desired: 0 } }));
    for (const spec of specs) await provider().createServerGroup(spec);
    const listed = await provider().listServerGroups({ account: 'aws-test', location: REGION, application, cluster });
    expect(listed.map((serverGroup) => serverGroup.name).sort()).toEqual(specs.map((spec) => spec.name));
  });

  it('destroys the ASG (ForceDelete) and the template; then the group is gone and destroying it again is done', async () => {
    const { group, ref } = newCluster();
    const spec = group(1);
    await provider().createServerGroup(spec);
    // Slow instances keep the deletion under way for a while, as AWS takes minutes.
    fake.setReadyDelay(2_000);
    try {
      await provider().destroy(ref(spec));
      expect(asgOf(spec.name)?.deleteAfter).toBeDefined();
      expect(fake.launchTemplates(REGION).some((template) => template.launchTemplateName === spec.name)).toBe(false);
      expect(await provider().getServerGroup(ref(spec))).toBeNull();
      // Destroying a group already being deleted is done at once, without a second delete call.
      await provider().destroy(ref(spec));
      expect(fake.requests().filter((request) => request.action === 'DeleteAutoScalingGroup')).toHaveLength(1);
    } finally {
      fake.setReadyDelay(READY_DELAY_MS);
    }
    await readUntil(async () => asgOf(spec.name), (asg) => asg === undefined, SETTLE_TIMEOUT_MS);
    await provider().destroy(ref(spec));
    expect(fake.requests().filter((request) => request.action === 'DeleteAutoScalingGroup')).toHaveLength(1);
    await expect(provider().health(ref(spec))).rejects.toMatchObject({ kind: 'NotFound' });
  });

  it('weights: above zero enables, zero and unlisted disable, instances split by weight', async () => {
    const { application, cluster, group } = newCluster();
    const v1 = group(1, { enabled: true, capacity: { min: 0, max: 10, desired: 3 } });
    const v2 = group(2, { capacity: { min: 0, max: 10, desired: 1 } });
    await provider().createServerGroup(v1);
    await provider().createServerGroup(v2);
    const clusterRef = { account: 'aws-test', location: REGION, application, cluster };
    await provider().setTrafficWeights(clusterRef, { [v1.name]: 50, [v2.name]: 50 });
    expect((await provider().listServerGroups(clusterRef)).map((g) => [g.name, g.capacity.desired, g.enabled])).toEqual([
      [v1.name, 2, true],
      [v2.name, 2, true],
    ]);
    await provider().setTrafficWeights(clusterRef, { [v2.name]: 100 });
    expect((await provider().listServerGroups(clusterRef)).map((g) => [g.name, g.enabled])).toEqual([
      [v1.name, false],
      [v2.name, true],
    ]);
    await expect(provider().setTrafficWeights(clusterRef, { [v2.name]: 50 })).rejects.toThrow(/sum to 100/);
  });

  it('A/B on an ALB: listener rules to the variant\'s own target group, after the listener\'s other rules; a re-run changes nothing; weights end it', async () => {
    const { application, cluster, group, ref } = newCluster();
    const vpcId = (await sdk.ec2.send(new DescribeVpcsCommand({}))).Vpcs?.[0]?.VpcId;
    const shared = (await sdk.elbv2.send(new CreateTargetGroupCommand({ Name: `${cluster}-tg`, Protocol: 'HTTP', Port: 8080, VpcId: vpcId, HealthCheckPath: '/health' }))).TargetGroups?.[0]?.TargetGroupArn ?? '';
    const other = (await sdk.elbv2.send(new CreateTargetGroupCommand({ Name: `${cluster}-api`, Protocol: 'HTTP', Port: 8080, VpcId: vpcId }))).TargetGroups?.[0]?.TargetGroupArn ?? '';
    const subnets = (await sdk.ec2.send(new DescribeSubnetsCommand({}))).Subnets?.map((subnet) => subnet.SubnetId ?? '') ?? [];
    const lb = (await sdk.elbv2.send(new CreateLoadBalancerCommand({ Name: `${cluster}-alb`, Subnets: subnets.slice(0, 2), Type: 'application' }))).LoadBalancers?.[0];
    const listener = (await sdk.elbv2.send(new CreateListenerCommand({ LoadBalancerArn: lb?.LoadBalancerArn, Protocol: 'HTTP', Port: 80, DefaultActions: [{ Type: 'forward', TargetGroupArn: shared }] }))).Listeners?.[0]?.ListenerArn ?? '';
    // Someone else's rule: it keeps its priority and wins over the experiment.
    await sdk.elbv2.send(new CreateRuleCommand({ ListenerArn: listener, Priority: 5, Conditions: [{ Field: 'path-pattern', PathPatternConfig: { Values: ['/api/*'] } }], Actions: [{ Type: 'forward', TargetGroupArn: other }] }));
    const settings = { targetGroups: [`${cluster}-tg`] };
    const [control, variant, old] = [group(2, { settings, enabled: true }), group(3, { settings }), group(1, { settings, enabled: true })];
    for (const spec of [old, control, variant]) await provider().createServerGroup(spec);
    const clusterRef = { account: 'aws-test', location: REGION, application, cluster };
    const routing = {
      control: control.name,
      variant: variant.name,
      rules: [{ header: { name: 'X-Variant', equals: 'b' } }, { cookie: { name: 'group', equals: 'beta' }, pathPrefix: '/shop' }],
      percentage: { percent: 10, cookie: 'uid' },
    };
    await provider().setRequestRouting(clusterRef, routing);

    const abGroup = fake.targetGroups(REGION).find((tg) => tg.name === `${cluster}-ab`);
    expect(abGroup).toMatchObject({ port: 8080, protocol: 'HTTP', vpcId, healthCheckPath: '/health' });
    const ab = abGroup?.arn ?? '';
    const attached = (name: string) => asgOf(name)?.targetGroups.filter((tg) => tg.state === 'Attached').map((tg) => tg.arn);
    expect(attached(variant.name)).toEqual([ab]);
    expect(attached(control.name)).toEqual([shared]);
    expect(attached(old.name)).toEqual([]);
    const rules = () => fake.rules(REGION).filter((rule) => rule.listenerArn === listener);
    expect(rules().map((rule) => [rule.priority, rule.conditions])).toEqual([
      [5, [{ field: 'path-pattern', values: ['/api/*'] }]],
      [6, [{ field: 'http-header', headerName: 'X-Variant', values: ['b'] }]],
      [7, [{ field: 'path-pattern', values: ['/shop', '/shop/*'] }, { field: 'http-header', headerName: 'Cookie', values: ['group=beta', 'group=beta;*'] }]],
      [8, [{ field: 'path-pattern', values: ['/shop', '/shop/*'] }, { field: 'http-header', headerName: 'Cookie', values: ['*; group=beta', '*; group=beta;*'] }]],
      [9, [{ field: 'http-header', headerName: 'Cookie', values: ['uid=?*', '*; uid=?*'] }]],
    ]);
    expect(rules()[4]?.actions).toEqual([{ targetGroups: [{ arn: shared, weight: 900 }, { arn: ab, weight: 100 }], stickiness: { enabled: true, durationSeconds: 604_800 } }]);
    // Per request, as the ALB would pick.
    const to = (path: string, headers: Record<string, string> = {}) => fake.route(listener, { path, headers }, REGION).action?.targetGroups.map((tg) => tg.arn);
    expect(to('/', { 'x-variant': 'b' })).toEqual([ab]);
    expect(to('/', { 'X-Variant': 'a' })).toEqual([shared]);
    expect(to('/shop/cart', { Cookie: 'a=1; group=beta' })).toEqual([ab]);
    expect(to('/shop', { Cookie: 'group=beta; a=1' })).toEqual([ab]);
    expect(to('/shopping', { Cookie: 'group=beta' })).toEqual([shared]);
    expect(to('/shop', { Cookie: 'subgroup=beta' })).toEqual([shared]);
    expect(to('/api/x', { 'X-Variant': 'b' })).toEqual([other]);
    expect(to('/', { Cookie: 'uid=42' })).toEqual([shared, ab]);
    expect(to('/', { Cookie: 'uid=' })).toEqual([shared]);

    const calls = fake.requests().length;
    await provider().setRequestRouting(clusterRef, routing);
    const writes = fake.requests().slice(calls).map((request) => request.action).filter((action) => !/^Describe/.test(action));
    expect(writes).toEqual([]);

    // Other rules: the new ones are written after, then the old ones go.
    await provider().setRequestRouting(clusterRef, { ...routing, rules: [{ pathPrefix: '/beta/' }], percentage: undefined });
    expect(rules().map((rule) => [rule.priority, rule.conditions])).toEqual([
      [5, [{ field: 'path-pattern', values: ['/api/*'] }]],
      [10, [{ field: 'path-pattern', values: ['/beta/*'] }]],
    ]);

    await provider().setTrafficWeights(clusterRef, { [control.name]: 100 });
    expect(rules().map((rule) => rule.priority)).toEqual([5]);
    expect(fake.targetGroups(REGION).some((tg) => tg.name === `${cluster}-ab`)).toBe(false);
    expect(attached(variant.name)).toEqual([]);
    expect((await provider().getServerGroup(ref(control)))?.enabled).toBe(true);
    const left = await sdk.elbv2.send(new DescribeRulesCommand({ ListenerArn: listener }));
    expect(left.Rules?.map((rule) => [rule.Priority, rule.IsDefault])).toEqual([['5', false], ['default', true]]);

    await expect(provider().setRequestRouting(clusterRef, { ...routing, rules: [{ header: { name: 'X-Variant', regex: 'b|c' } }] })).rejects.toThrow(/rules\.0\.header: the awsTargetGroups router cannot route by a header regex match/);
  });

  it('bakes an AMI step by step, then reuses it: no second builder, no second image', async () => {
    const request = { account: 'aws-test', location: REGION, package: `checkout${++serial}`, version: '1.2.3', baseImage };
    const imagesBefore = fake.images(REGION).length;
    const first = await provider().bake(request);
    expect(first).toMatchObject({ reused: false, state: 'pending' });
    const builder = fake.instances(REGION).find((instance) => instance.tags.get('gantry:package') === request.package);
    expect(builder).toMatchObject({ imageId: baseImage, instanceType: 't3.micro' });
    expect(Buffer.from(builder?.userData ?? '', 'base64').toString()).toMatch(/install -y 'checkout\d+'='1.2.3'/);
    expect(builder?.shutdownBehavior).toBe('stop');

    const done = await readUntil(() => provider().bake(request), (image) => image.state === 'available', SETTLE_TIMEOUT_MS);
    expect(done).toMatchObject({ id: expect.stringMatching(/^ami-/), regions: { [REGION]: done.id } });
    const ami = fake.images(REGION).find((image) => image.imageId === done.id);
    expect(ami?.tags.get('gantry:package')).toBe(request.package);
    expect(ami?.tags.get('gantry:version')).toBe('1.2.3');
    expect(ami?.tags.get('gantry:bake-key')).toMatch(/^[0-9a-f]{32}$/);
    // Imaged from the builder that stopped itself once its install was done.
    expect(ami?.sourceInstanceId).toBe(builder?.instanceId);
    await readUntil(async () => fake.instances(REGION).find((instance) => instance.instanceId === builder?.instanceId)?.state, (state) => state === 'terminated', SETTLE_TIMEOUT_MS);
    expect(fake.images(REGION).length).toBe(imagesBefore + 1);

    const again = await provider().bake(request);
    expect(again).toMatchObject({ id: done.id, reused: true, state: 'available' });
    expect(fake.images(REGION).length).toBe(imagesBefore + 1);
    expect(fake.instances(REGION).filter((instance) => instance.tags.get('gantry:package') === request.package)).toHaveLength(1);
  });

  it("bakes no package as rosco does: the base image as is, nothing installed, named after baseName or 'all'", async () => {
    const request = { account: 'aws-test', location: REGION, version: 'latest', baseImage, baseName: `bare${++serial}` };
    const first = await provider().bake(request);
    expect(first).toMatchObject({ reused: false, state: 'pending', name: expect.stringMatching(new RegExp(`^${request.baseName}-[0-9a-f]{12}$`)) });
    const builder = fake.instances(REGION).find((instance) => instance.imageId === baseImage && Buffer.from(instance.userData ?? '', 'base64').toString().includes('no package'));
    const script = Buffer.from(builder?.userData ?? '', 'base64').toString();
    expect(script).not.toMatch(/install/);
    expect(script.trimEnd().endsWith('shutdown -h now')).toBe(true);
    const done = await readUntil(() => provider().bake(request), (image) => image.state === 'available', SETTLE_TIMEOUT_MS);
    const ami = fake.images(REGION).find((image) => image.imageId === done.id);
    expect(ami?.sourceInstanceId).toBe(builder?.instanceId);
    expect(ami?.tags.has('gantry:package')).toBe(false);
    expect(await provider().bake(request)).toMatchObject({ id: done.id, reused: true });
  });

  it('takes no image of a builder whose install failed (it never powers itself off), and gives up on it after installTimeoutSec', async () => {
    const request = { account: 'aws-test', location: REGION, package: `broken${++serial}`, version: '1.0.0', baseImage, settings: { installTimeoutSec: 2 } };
    const builders = () => fake.instances(REGION).filter((instance) => instance.tags.get('gantry:package') === request.package);
    fake.failInstances((instance) => builders().some((builder) => builder.instanceId === instance.instanceId));
    const imagesBefore = fake.images(REGION).length;
    await provider().bake(request);
    const [builder] = builders();
    await readUntil(async () => builders()[0]?.state, (state) => state === 'running', SETTLE_TIMEOUT_MS);
    // Pending, looked at again and again, until installTimeoutSec has passed (many times as long as a working install takes here).
    let given: unknown;
    while (given === undefined) {
      const answer = await provider().bake(request).catch((error: unknown) => error);
      if (answer instanceof Error) given = answer;
      else expect(answer).toMatchObject({ state: 'pending', details: { builder: builder?.instanceId, builderState: 'running' } });
      await new Promise((resolve) => setTimeout(resolve, READY_DELAY_MS));
    }
    expect(given).toMatchObject({ kind: 'Fatal', message: expect.stringMatching(new RegExp(`builder ${builder?.instanceId} did not finish installing within installTimeoutSec=2`)) });
    expect(fake.images(REGION).length).toBe(imagesBefore);
    expect(['shutting-down', 'terminated']).toContain(builders()[0]?.state);
  });

  it('starts another builder when the first one is gone before its image was taken', async () => {
    const request = { account: 'aws-test', location: REGION, package: `reclaimed${++serial}`, version: '1.0.0', baseImage };
    const builders = () => fake.instances(REGION).filter((instance) => instance.tags.get('gantry:package') === request.package);
    await provider().bake(request);
    const [first] = builders();
    await sdk.ec2.send(new TerminateInstancesCommand({ InstanceIds: [first?.instanceId ?? ''] }));
    await readUntil(async () => builders().find((instance) => instance.instanceId === first?.instanceId)?.state, (state) => state === 'terminated', SETTLE_TIMEOUT_MS);

    const done = await readUntil(() => provider().bake(request), (image) => image.state === 'available', SETTLE_TIMEOUT_MS);
    expect(builders().map((instance) => instance.instanceId)).toHaveLength(2);
    expect(fake.images(REGION).find((image) => image.imageId === done.id)?.sourceInstanceId).not.toBe(first?.instanceId);
  });

  it('refuses a bake without a base AMI, to a region the account lacks, or with unknown settings', async () => {
    const request = { account: 'aws-test', location: REGION, package: 'checkout', version: '1.0.0', baseImage };
    await expect(provider().bake({ ...request, baseImage: undefined })).rejects.toThrow(/baseImage \(Spinnaker: baseAmi\) must be an AMI id/);
    await expect(provider().bake({ ...request, copyTo: ['ap-south-1'] })).rejects.toThrow(/region ap-south-1 is not one of the account's regions/);
    await expect(provider().bake({ ...request, settings: { vmType: 'hvm' } })).rejects.toMatchObject({ kind: 'Fatal', message: expect.stringMatching(/invalid settings: settings: Unrecognized key: "vmType"/) });
    expect(fake.instances(REGION).filter((instance) => instance.tags.get('gantry:package') === 'checkout')).toHaveLength(0);
  });

  it('copies a baked AMI to copyTo regions once, tagged there too', async () => {
    const request = { account: 'aws-test', location: REGION, package: `copied${++serial}`, version: '2.0.0', baseImage, copyTo: [COPY_REGION] };
    const done = await readUntil(() => provider().bake(request), (image) => image.state === 'available', SETTLE_TIMEOUT_MS);
    const copyId = done.regions?.[COPY_REGION];
    expect(copyId).toMatch(/^ami-/);
    expect(copyId).not.toBe(done.id);
    const copy = fake.images(COPY_REGION).find((image) => image.imageId === copyId);
    expect(copy).toMatchObject({ state: 'available', sourceImageId: done.id, sourceImageRegion: REGION });
    expect(copy?.tags.get('gantry:package')).toBe(request.package);
    const again = await provider().bake(request);
    expect(again).toMatchObject({ reused: true, regions: { [REGION]: done.id, [COPY_REGION]: copyId } });
    expect(fake.images(COPY_REGION).filter((image) => image.tags.get('gantry:package') === request.package)).toHaveLength(1);
  });

  it('resends throttled requests (AWS did not act on them); past that, a Throttled error for the wrapper to retry', async () => {
    const { group, ref } = newCluster();
    const spec = group(1);
    await provider().createServerGroup(spec);
    const throttledBefore = fake.requests().filter((request) => request.errorCode === 'Throttling').length;
    fake.injectFault({ action: 'DescribeAutoScalingGroups', code: 'Throttling', message: 'Rate exceeded', times: 2 });
    await expect(provider().health(ref(spec))).resolves.toMatchObject({ desired: 2 });
    expect(waits).toHaveLength(0);

    fake.injectFault({ action: 'DescribeAutoScalingGroups', code: 'Throttling', message: 'Rate exceeded', times: 5 });
    await expect(provider().health(ref(spec))).resolves.toMatchObject({ desired: 2 });
    expect(waits).toHaveLength(1);

    const unretried = new AwsProvider(awsAccount('aws-test'), { env: ENV, throttledAttempts: 1 });
    fake.injectFault({ action: 'DescribeAutoScalingGroups', code: 'Throttling', message: 'Rate exceeded' });
    await expect(unretried.health(ref(spec))).rejects.toMatchObject({ kind: 'Throttled', reason: 'Throttling: Rate exceeded' });
    // One request per throttled answer: the SDK's own retries are off (maxAttempts 1).
    expect(fake.requests().filter((request) => request.errorCode === 'Throttling').length - throttledBefore).toBe(8);
    unretried.close();
  });

  it('words errors as aws/operation/resource: code: message (account, region, resource), typed', async () => {
    const { group, ref } = newCluster();
    const spec = group(1);
    fake.injectFault({ action: 'CreateLaunchTemplate', code: 'UnauthorizedOperation', status: 403, message: 'You are not authorized to perform this operation.', times: 5 });
    const denied = await provider().createServerGroup(spec).catch((error: unknown) => error);
    expect(denied).toBeInstanceOf(ProviderError);
    expect((denied as ProviderError).message).toBe(
      `aws/createServerGroup/${spec.name}: UnauthorizedOperation: You are not authorized to perform this operation. (account aws-test, region ${REGION}, launch-template ${spec.name})`,
    );
    expect(isProviderError(denied, 'Fatal')).toBe(true);
    expect(fake.requests().filter((request) => request.action === 'CreateLaunchTemplate' && request.errorCode === 'UnauthorizedOperation')).toHaveLength(1);

    const missing = await provider().health(ref(spec)).catch((error: unknown) => error);
    expect((missing as ProviderError).message).toBe(`aws/health/${spec.name}: no Auto Scaling group named ${spec.name} (account aws-test, region ${REGION}, auto-scaling-group ${spec.name})`);
    expect(isProviderError(missing, 'NotFound')).toBe(true);
  });

  it('refuses bad settings and unknown target groups before creating anything, naming the field', async () => {
    const { group } = newCluster();
    await expect(provider().createServerGroup(group(1, { settings: { targetGroups: ['-bad-'], instanceTyp: 'x' } }))).rejects.toThrow(
      /invalid settings: settings.targetGroups\[0\]: a target group name or ARN; settings: Unrecognized key: "instanceTyp"/,
    );
    await expect(provider().createServerGroup(group(2, { settings: { targetGroups: ['nope-tg'] } }))).rejects.toMatchObject({
      kind: 'Fatal',
      message: expect.stringMatching(/target groups not found in us-east-1: nope-tg \(settings.targetGroups\)/),
    });
    await expect(provider().createServerGroup(group(3, { image: 'checkout:1' }))).rejects.toThrow(/image must be an AMI id/);
    await expect(provider().createServerGroup(group(4, { location: 'ap-south-1' }))).rejects.toThrow(/region ap-south-1 is not one of the account's regions \(us-east-1, eu-west-1\)/);
    expect(fake.launchTemplates(REGION).filter((template) => template.launchTemplateName.startsWith(group(1).cluster))).toHaveLength(0);
  });

  it('reports an unreachable endpoint as Transient, and a missing credential variable as Fatal', async () => {
    const error = await provider('aws-down').getServerGroup({ account: 'aws-down', name: 'app-v001' }).catch((caught: unknown) => caught);
    expect(error).toMatchObject({ kind: 'Transient', account: 'aws-down', location: REGION });
    expect((error as Error).message).toMatch(/ECONNREFUSED/);
    expect(() => new AwsProvider(awsAccount('aws-test'), { env: {} })).toThrow(/the variable FAKE_AWS_KEY \(credentials.accessKeyId.env\) is not set/);
  });

  it('reads every page of a NextToken listing', async () => {
    const tag = `paged-${++serial}`;
    const template = `${tag}-lt`;
    await sdk.ec2.send(new CreateLaunchTemplateCommand({ LaunchTemplateName: template, LaunchTemplateData: { ImageId: baseImage, InstanceType: 't3.micro' } }));
    for (const name of ['a', 'b', 'c']) {
      await sdk.autoScaling.send(
        new CreateAutoScalingGroupCommand({
          AutoScalingGroupName: `${tag}-${name}`,
          LaunchTemplate: { LaunchTemplateName: template },
          MinSize: 0,
          MaxSize: 0,
          AvailabilityZones: [`${REGION}a`],
          Tags: [{ Key: tag, Value: 'yes', PropagateAtLaunch: false }],
        }),
      );
    }
    const client = new AwsClient(awsAccount('aws-test'), { env: ENV });
    try {
      const pages = await client.pages({ operation: 'listServerGroups', region: REGION }, (a, NextToken) =>
        a.autoScaling.send(new DescribeAutoScalingGroupsCommand({ Filters: [{ Name: 'tag-key', Values: [tag] }], MaxRecords: 2, NextToken })),
      );
      expect(pages.map((page) => (page.AutoScalingGroups ?? []).map((group) => group.AutoScalingGroupName))).toEqual([
        [`${tag}-a`, `${tag}-b`],
        [`${tag}-c`],
      ]);
    } finally {
      client.close();
    }
  });
});
