import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { RegisterImageCommand } from '@aws-sdk/client-ec2';
import { startFakeAws, type FakeAws } from '../fakes/aws';
import { clientsFor } from '../fakes/aws/sdkClients';
import { AWS_CLI_ENV, AWS_COPY_REGION, AWS_REGION, AWS_TEST_ENV, autoScalingGroupsOf, awsAccount, launchTemplatesOf, seedAws, servedByTargetGroup } from '../support/aws';
import { SUCCEEDED, auditEvents, bakeThenDeploy, liveServerGroups, outcomeOf, regionDeployStage, savedPipeline } from '../support/cloudStages';
import { eventually } from '../support/eventually';
import { stageOf, startTestGantry, type TestGantry } from '../support/gantryHarness';
import { onPath } from '../support/onPath';
import { QUEUE_BACKENDS } from '../support/queueBackends';
import { testRegistry } from '../support/serverGroups';
import { startStandaloneFake, type StandaloneFake } from '../support/standaloneFake';
import { AWS_TAGS } from '../../packages/providers/src';

/**
 * Pipelines through the REST API and the worker, with the AWS provider's real SDK v3 clients
 * against the fake Auto Scaling, EC2 and ELBv2: what a user of an AWS account would see.
 */

// One queue backend is enough here: these tests are about stages and providers, and the engine
// suites already cover both backends.
const backend = QUEUE_BACKENDS[0] ?? 'redis';
const TARGET_GROUP = 'shop-web-tg';
const where = { account: 'aws', region: AWS_REGION };
const settings = { targetGroups: [TARGET_GROUP], tags: { team: 'payments' } };


describe(`AWS end to end (fake AWS APIs, real SDK, ${backend} queue)`, () => {
  let fake: FakeAws;
  let gantry: TestGantry;
  let baseImage: string;
  let targetGroupArn: string;

  beforeAll(async () => {
    fake = await startFakeAws({ readyDelayMs: 100, imageDelayMs: 200 });
    const seeded = await seedAws(fake.url, [TARGET_GROUP]);
    baseImage = seeded.baseImage;
    targetGroupArn = seeded.targetGroupArns[TARGET_GROUP] ?? '';
    gantry = await startTestGantry({ backend, providers: testRegistry([awsAccount(fake.url)], AWS_TEST_ENV) });
  });
  afterEach(() => fake.clearFaults());
  afterAll(async () => {
    await gantry?.stop();
    await fake?.close();
  });


  it('deploys v000, then v001 with highlander: one Auto Scaling group and launch template left, serving through the target group, v000 destroyed', async () => {
    const deploy = await savedPipeline(gantry, 'shop', [regionDeployStage(where, 'shop', 'web', baseImage, settings)]);

    const first = await deploy();
    expect(outcomeOf(first)).toEqual(SUCCEEDED);
    expect(stageOf(first, 'deploy').outputs).toMatchObject({ serverGroupName: 'shop-web-v000', previousServerGroup: null, account: 'aws', location: AWS_REGION });
    // The load balancer's own health checks take their time (the fake's ready delay).
    await eventually(async () => (servedByTargetGroup(fake, targetGroupArn).length === 2 ? true : undefined), 10_000);
    expect(servedByTargetGroup(fake, targetGroupArn)).toEqual(['shop-web-v000', 'shop-web-v000']);

    const second = await deploy();
    expect(outcomeOf(second)).toEqual(SUCCEEDED);
    expect(stageOf(second, 'deploy').outputs).toMatchObject({
      serverGroupName: 'shop-web-v001',
      previousServerGroup: 'shop-web-v000',
      image: baseImage,
      'deploy.server.groups': { [AWS_REGION]: ['shop-web-v001'] },
      disabledServerGroups: ['shop-web-v000'],
      destroyedServerGroups: ['shop-web-v000'],
    });

    // AWS finishes a ForceDelete by itself once v000's instances are terminated.
    await eventually(async () => (autoScalingGroupsOf(fake, 'shop-web').length === 1 ? true : undefined), 10_000);
    expect(autoScalingGroupsOf(fake, 'shop-web')).toEqual(['shop-web-v001']);
    expect(launchTemplatesOf(fake, 'shop-web')).toEqual(['shop-web-v001']);
    const v001 = fake.autoScalingGroups(AWS_REGION).find((group) => group.name === 'shop-web-v001');
    expect(v001?.targetGroups).toEqual([{ arn: targetGroupArn, state: 'Attached' }]);
    expect(v001?.tags).toEqual(expect.arrayContaining([expect.objectContaining({ key: 'team', value: 'payments' })]));
    // The load balancer sends traffic to v001's two instances, and to nothing of v000.
    await eventually(async () => (servedByTargetGroup(fake, targetGroupArn).length === 2 ? true : undefined), 10_000);
    expect(servedByTargetGroup(fake, targetGroupArn)).toEqual(['shop-web-v001', 'shop-web-v001']);
    expect(await liveServerGroups(gantry, where, 'shop', 'shop-web')).toEqual([
      expect.objectContaining({ name: 'shop-web-v001', enabled: true, image: baseImage, health: { desired: 2, up: 2, down: 0, unknown: 0 } }),
    ]);
  });

  it('bakes an AMI then deploys it; the same bake inputs again reuse the AMI (no new image)', async () => {
    const run = await savedPipeline(gantry, 'shop', bakeThenDeploy(where, { package: 'shop', baseImage }, 'shop', 'baked', settings));

    const first = await run({ version: '1.0.0' });
    expect(outcomeOf(first)).toEqual(SUCCEEDED);
    const baked = stageOf(first, 'bake').outputs as { imageId: string; reused: boolean };
    expect(baked).toMatchObject({
      imageId: expect.stringMatching(/^ami-/),
      reused: false,
      regions: { [AWS_REGION]: baked.imageId },
      deploymentDetails: [expect.objectContaining({ imageId: baked.imageId, ami: baked.imageId, region: AWS_REGION, package: 'shop', cloudProviderType: 'aws' })],
    });
    const ami = fake.images(AWS_REGION).find((image) => image.imageId === baked.imageId);
    expect(ami).toMatchObject({ state: 'available' });
    expect(ami?.tags.get(AWS_TAGS.package)).toBe('shop');
    expect(ami?.tags.get(AWS_TAGS.version)).toBe('1.0.0');
    expect(stageOf(first, 'deploy').outputs).toMatchObject({ serverGroupName: 'shop-baked-v000', image: baked.imageId });
    // The group's instances run the baked AMI.
    const launched = fake.instances(AWS_REGION).filter((instance) => instance.autoScaling?.groupName === 'shop-baked-v000');
    expect(launched.map((instance) => instance.imageId)).toEqual([baked.imageId, baked.imageId]);

    // The account's AMIs in both its regions: a reuse makes none anywhere.
    const amiCount = () => fake.images(AWS_REGION).length + fake.images(AWS_COPY_REGION).length;
    const imagesBefore = amiCount();
    const second = await run({ version: '1.0.0' });
    expect(outcomeOf(second)).toEqual(SUCCEEDED);
    expect(stageOf(second, 'bake').outputs).toMatchObject({ imageId: baked.imageId, reused: true });
    expect(amiCount() - imagesBefore).toBe(0);
    expect(stageOf(second, 'deploy').outputs).toMatchObject({ serverGroupName: 'shop-baked-v001', image: baked.imageId, destroyedServerGroups: ['shop-baked-v000'] });
  });

  it("deploys what the bake before it made when the deploy names no image; strategy \"\" leaves the old group as it is (Spinnaker's shapes)", async () => {
    const [bake] = bakeThenDeploy(where, { package: 'shop', baseImage }, 'shop', 'pasted', settings);
    const deploy = regionDeployStage(where, 'shop', 'pasted', 'replaced below', settings, { requisiteStageRefIds: ['bake'] });
    const { image: _image, ...imageless } = deploy.cluster;
    const run = await savedPipeline(gantry, 'shop', [bake, { ...deploy, cluster: { ...imageless, strategy: '' } }]);

    const first = await run({ version: '1.0.0' });
    expect(outcomeOf(first)).toEqual(SUCCEEDED);
    const baked = stageOf(first, 'bake').outputs as { imageId: string };
    expect(stageOf(first, 'deploy').outputs).toMatchObject({ serverGroupName: 'shop-pasted-v000', image: baked.imageId });

    const second = await run({ version: '2.0.0' });
    expect(outcomeOf(second)).toEqual(SUCCEEDED);
    const rebaked = stageOf(second, 'bake').outputs as { imageId: string };
    expect(rebaked.imageId).not.toBe(baked.imageId);
    expect(stageOf(second, 'deploy').outputs).toMatchObject({ serverGroupName: 'shop-pasted-v001', image: rebaked.imageId });
    // No strategy: the new group joined the old one, which was neither disabled nor destroyed.
    expect(autoScalingGroupsOf(fake, 'shop-pasted')).toEqual(['shop-pasted-v000', 'shop-pasted-v001']);
    expect(stageOf(second, 'deploy').outputs).not.toHaveProperty('disabledServerGroups');
  });

  it("findAmi (Spinnaker's shape) takes the image the cluster's oldest or newest group runs, and a deploy without image deploys it", async () => {
    const [bake] = bakeThenDeploy(where, { package: 'found', baseImage }, 'shop', 'found', settings);
    const deploy = regionDeployStage(where, 'shop', 'found', 'replaced below', settings, { requisiteStageRefIds: ['bake'] });
    const { image: _image, ...imageless } = deploy.cluster;
    const source = await savedPipeline(gantry, 'shop', [bake, { ...deploy, cluster: { ...imageless, strategy: '' } }]);
    const images: string[] = [];
    for (const version of ['1.0.0', '2.0.0']) {
      const execution = await source({ version });
      expect(outcomeOf(execution)).toEqual(SUCCEEDED);
      images.push((stageOf(execution, 'bake').outputs as { imageId: string }).imageId);
    }
    expect(autoScalingGroupsOf(fake, 'shop-found')).toEqual(['shop-found-v000', 'shop-found-v001']);

    for (const [selectionStrategy, expected, stack] of [['OLDEST', images[0], 'old'], ['NEWEST', images[1], 'new']] as const) {
      const findAmi = { refId: 'find', type: 'findAmi', selectionStrategy, onlyEnabled: true, cluster: 'shop-found', account: 'aws', regions: [AWS_REGION] };
      const copy = regionDeployStage(where, 'shop', stack, 'replaced below', settings, { requisiteStageRefIds: ['find'] });
      const { image: _copyImage, ...copyWithoutImage } = copy.cluster;
      const execution = await (await savedPipeline(gantry, 'shop', [findAmi, { ...copy, cluster: copyWithoutImage }]))();
      expect(outcomeOf(execution)).toEqual(SUCCEEDED);
      expect(stageOf(execution, 'find').outputs).toMatchObject({
        deploymentDetails: [{ ami: expected, imageId: expected, region: AWS_REGION, cloudProviderType: 'aws' }],
        amiDetails: [{ ami: expected, region: AWS_REGION }],
      });
      expect(stageOf(execution, 'deploy').outputs).toMatchObject({ serverGroupName: `shop-${stack}-v000`, image: expected });
    }

    // FAIL: two groups to choose from is an error naming them, and nothing is deployed.
    const failing = await savedPipeline(gantry, 'shop', [{ refId: 'find', type: 'findImage', selectionStrategy: 'FAIL', cluster: 'shop-found', credentials: 'aws', regions: [AWS_REGION] }]);
    const failed = await failing();
    expect(outcomeOf(failed)).toEqual({
      status: 'TERMINAL',
      errors: {
        find: {
          task: 'findImageFromCluster',
          message: `no image for cluster shop-found in ${AWS_REGION}: 2 server groups (shop-found-v001, shop-found-v000) and selectionStrategy FAIL in account aws`,
        },
      },
    });
  });

  it('bakes for two regions: an AMI id per region, the copy available in the second', async () => {
    const run = await savedPipeline(gantry, 'shop', [
      { refId: 'bake', type: 'bake', account: 'aws', regions: [AWS_REGION, AWS_COPY_REGION], package: 'cart', version: '2.0.0', baseImage },
    ]);
    const execution = await run();
    expect(outcomeOf(execution)).toEqual(SUCCEEDED);
    const outputs = stageOf(execution, 'bake').outputs as { imageId: string; regions: Record<string, string>; deploymentDetails: { region: string; imageId: string }[] };
    expect(Object.keys(outputs.regions).sort()).toEqual([AWS_REGION, AWS_COPY_REGION]);
    const copy = outputs.regions[AWS_COPY_REGION];
    expect(outputs.regions[AWS_REGION]).toBe(outputs.imageId);
    expect(copy).toMatch(/^ami-/);
    expect(copy).not.toBe(outputs.imageId);
    expect(outputs.deploymentDetails.map(({ region, imageId }) => ({ region, imageId })).sort((a, b) => a.region.localeCompare(b.region))).toEqual([
      { region: AWS_REGION, imageId: outputs.imageId },
      { region: AWS_COPY_REGION, imageId: copy },
    ]);
    expect(fake.images(AWS_COPY_REGION).find((image) => image.imageId === copy)).toMatchObject({ state: 'available', sourceImageId: outputs.imageId, sourceImageRegion: AWS_REGION });
  });

  it('succeeds with 30 % of the calls throttled; the audit trail records the retries of throttled aws calls', async () => {
    const deploy = await savedPipeline(gantry, 'shop', [regionDeployStage(where, 'shop', 'throttled', baseImage, settings)]);
    const throttledBefore = fake.requests().filter((request) => request.errorCode === 'Throttling' || request.errorCode === 'RequestLimitExceeded').length;
    fake.setThrottleRate(0.3);
    const execution = await deploy();
    fake.setThrottleRate(0);

    expect(outcomeOf(execution)).toEqual(SUCCEEDED);
    expect(fake.requests().filter((request) => request.errorCode === 'Throttling' || request.errorCode === 'RequestLimitExceeded').length).toBeGreaterThan(throttledBefore);
    const retries = (await auditEvents(gantry, execution.id)).filter((event) => event.type === 'PROVIDER_RETRY');
    expect(retries.length).toBeGreaterThan(0);
    expect(retries[0]?.data).toMatchObject({ provider: 'aws', kind: 'Throttled', operation: expect.any(String), attempt: expect.any(Number), delayMs: expect.any(Number) });
    expect(autoScalingGroupsOf(fake, 'shop-throttled')).toEqual(['shop-throttled-v000']);
  });

  it('fails the stage with provider/operation/resource: message when AWS denies the create; nothing else is touched', async () => {
    const deploy = await savedPipeline(gantry, 'shop', [regionDeployStage(where, 'shop', 'denied', baseImage, settings)]);
    fake.injectFault({
      action: 'CreateAutoScalingGroup',
      code: 'AccessDenied',
      status: 403,
      message: 'User: arn:aws:iam::123456789012:user/gantry is not authorized to perform: autoscaling:CreateAutoScalingGroup',
    });
    const failed = await deploy();
    expect(failed.status).toBe('TERMINAL');
    expect(stageOf(failed, 'deploy').error).toMatchObject({
      task: 'createServerGroup',
      message: expect.stringMatching(/^aws\/createServerGroup\/shop-denied-v000: .*not authorized to perform: autoscaling:CreateAutoScalingGroup/),
    });
    expect(autoScalingGroupsOf(fake, 'shop-denied')).toEqual([]);
  });

  /** Orca's AWS cloneServerGroup as Deck writes it: the source exact, the overrides flat on the stage. */
  const cloneStage = (stack: string, extra: Record<string, unknown>) => ({
    refId: 'clone',
    type: 'cloneServerGroup',
    cloudProvider: 'aws',
    application: 'shop',
    stack,
    credentials: 'aws',
    availabilityZones: { [AWS_REGION]: [`${AWS_REGION}a`, `${AWS_REGION}b`] },
    source: { account: 'aws', region: AWS_REGION, asgName: `shop-${stack}-v000` },
    settings,
    waitForUpTimeoutSec: 30,
    ...extra,
  });

  it('clones a group with capacity, image and instance type overrides: the new Auto Scaling group and launch template carry them', async () => {
    const source = await savedPipeline(gantry, 'shop', [regionDeployStage(where, 'shop', 'copy', baseImage, { ...settings, instanceType: 't3.small' })]);
    expect(outcomeOf(await source())).toEqual(SUCCEEDED);
    const sdk = clientsFor(fake.url, AWS_REGION);
    const registered = await sdk.ec2.send(new RegisterImageCommand({ Name: `shop-next-${Date.now()}`, Architecture: 'x86_64' }));
    for (const client of Object.values(sdk)) client.destroy();
    const nextImage = registered.ImageId ?? '';

    const clone = await savedPipeline(gantry, 'shop', [cloneStage('copy', { amiName: nextImage, instanceType: 'm5.large', capacity: { min: 1, max: 3, desired: 1 } })]);
    const cloned = await clone();
    expect(outcomeOf(cloned)).toEqual(SUCCEEDED);
    expect(stageOf(cloned, 'clone').outputs).toMatchObject({ serverGroupName: 'shop-copy-v001', cloneSource: { serverGroupName: 'shop-copy-v000', image: baseImage, capacity: { min: 2, max: 2, desired: 2 } }, image: nextImage });
    const group = fake.autoScalingGroups(AWS_REGION).find((candidate) => candidate.name === 'shop-copy-v001');
    expect(group).toMatchObject({ minSize: 1, maxSize: 3, desiredCapacity: 1 });
    const template = fake.launchTemplates(AWS_REGION).find((candidate) => candidate.launchTemplateName === 'shop-copy-v001');
    expect(template?.versions.at(-1)?.data).toMatchObject({ ImageId: nextImage, InstanceType: 'm5.large' });
    const instances = fake.instances(AWS_REGION).filter((instance) => instance.autoScaling?.groupName === 'shop-copy-v001' && instance.state === 'running');
    expect(instances.map((instance) => [instance.imageId, instance.instanceType])).toEqual([[nextImage, 'm5.large']]);
  });

  it('a clone whose instances fail leaves no Auto Scaling group or launch template behind; the source stays', async () => {
    const source = await savedPipeline(gantry, 'shop', [regionDeployStage(where, 'shop', 'broken', baseImage, settings)]);
    expect(outcomeOf(await source())).toEqual(SUCCEEDED);
    fake.failInstances((instance) => instance.autoScalingGroupName === 'shop-broken-v001');
    const failed = await (await savedPipeline(gantry, 'shop', [cloneStage('broken', { waitForUpTimeoutSec: 5 })]))();
    expect(failed.status).toBe('TERMINAL');
    expect(stageOf(failed, 'clone').outputs).toMatchObject({ serverGroupName: 'shop-broken-v001', cloneCleanup: 'destroyed shop-broken-v001' });
    // AWS finishes a ForceDelete by itself once the instances are terminated.
    await eventually(async () => (autoScalingGroupsOf(fake, 'shop-broken').length === 1 ? true : undefined), 10_000);
    expect(autoScalingGroupsOf(fake, 'shop-broken')).toEqual(['shop-broken-v000']);
    expect(launchTemplatesOf(fake, 'shop-broken')).toEqual(['shop-broken-v000']);
  });
});

const awsCli = onPath('aws');

describe.skipIf(!awsCli)(`the AWS CLI lists what a pipeline made on the standalone fake (${backend} queue)`, () => {
  const run = promisify(execFile);
  let fake: StandaloneFake;
  let gantry: TestGantry;
  let baseImage: string;

  beforeAll(async () => {
    fake = await startStandaloneFake('aws', ['--ready-delay-ms', '100']);
    baseImage = (await seedAws(fake.url, [TARGET_GROUP])).baseImage;
    gantry = await startTestGantry({ backend, providers: testRegistry([awsAccount(fake.url)], AWS_TEST_ENV) });
  });
  afterAll(async () => {
    await gantry?.stop();
    await fake?.stop();
  });

  it('aws autoscaling describe-auto-scaling-groups shows the deployed group with its tags', async () => {
    const deploy = await savedPipeline(gantry, 'shop', [regionDeployStage(where, 'shop', 'cli', baseImage, settings)]);
    expect(outcomeOf(await deploy())).toEqual(SUCCEEDED);

    const { stdout } = await run('aws', ['--endpoint-url', fake.url, '--region', AWS_REGION, 'autoscaling', 'describe-auto-scaling-groups', '--output', 'json'], {
      env: AWS_CLI_ENV,
      timeout: 60_000,
    });
    const listed = JSON.parse(stdout) as { AutoScalingGroups: { AutoScalingGroupName: string; DesiredCapacity: number; Tags: { Key: string; Value: string }[] }[] };
    expect(listed.AutoScalingGroups.map((group) => group.AutoScalingGroupName)).toEqual(['shop-cli-v000']);
    const [group] = listed.AutoScalingGroups;
    expect(group?.DesiredCapacity).toBe(2);
    expect(group?.Tags).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ Key: AWS_TAGS.application, Value: 'shop' }),
        expect.objectContaining({ Key: AWS_TAGS.cluster, Value: 'shop-cli' }),
        expect.objectContaining({ Key: AWS_TAGS.serverGroup, Value: 'shop-cli-v000' }),
        expect.objectContaining({ Key: 'team', Value: 'payments' }),
      ]),
    );
  });
});

if (!awsCli) console.warn('aws (the AWS CLI) is not on PATH: skipping the AWS CLI check of what a pipeline made (.ci/run installs awscli)');
