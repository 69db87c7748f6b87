import {
  CopyImageCommand,
  CreateImageCommand,
  DescribeImagesCommand,
  DescribeInstancesCommand,
  RunInstancesCommand,
  TerminateInstancesCommand,
  type Image as Ami,
  type Instance,
  type Tag,
} from '@aws-sdk/client-ec2';
import type { AwsAccountConfig, AwsRegionConfig } from './account';
import type { BakeRequest, Image } from '../CloudProvider';
import { isProviderError } from '../errors';
import { settingsProblems } from '../validation';
import { DEFAULT_INSTALL_TIMEOUT_SEC, describeRelease, installOverdue, installOverdueReason, installPackageScript, releaseStem } from '../bakeScript';
import { amiName, bakeKey, builderClientToken, type BakeInputs } from './bake';
import type { AwsClient, Scope } from './client';
import { encodeUserData, instanceProfileSpec } from './launchTemplate';
import { DEFAULT_INSTANCE_TYPE, awsBakeSettingsSchema, type AwsBakeSettings } from './settings';
import { TAGS, toTagList } from './tags';

/** Builder instances that are gone or going: they will never be imaged. */
const ENDED_INSTANCE_STATES = new Set(['shutting-down', 'terminated']);
/** The builder powered itself off once the install succeeded (its user data's last line). */
const INSTALLED_STATE = 'stopped';
const FAILED_IMAGE_STATES = new Set(['failed', 'invalid', 'deregistered', 'error', 'disabled']);

interface BakeJob {
  inputs: BakeInputs;
  key: string;
  name: string;
  settings: AwsBakeSettings;
  region: AwsRegionConfig;
  copyTo: string[];
  scope: Scope;
}

/**
 * Bakes an AMI per (package, version, base image, region), one step per call so that no worker
 * waits minutes inside a call (the bake task polls):
 * 1. an AMI tagged with the bake key exists → use it (`reused`), else
 * 2. no builder instance → RunInstances of the base AMI with user data installing the package and
 *    then powering off, with shutdown behaviour `stop` (client token = the bake key: a re-run
 *    never launches twice),
 * 3. builder stopped (the install succeeded) → CreateImage named from the key (a re-run's
 *    InvalidAMIName.Duplicate finds it); a stopped builder's disk is consistent without a reboot,
 * 4. AMI available → terminate the builder, CopyImage to each `copyTo` region (client token and
 *    tags make copies idempotent too), until every copy is available.
 * A builder still running `installTimeoutSec` after its launch failed its install: it is
 * terminated and the bake fails, naming it.
 */
export class AmiBaker {
  constructor(
    private readonly aws: AwsClient,
    private readonly account: AwsAccountConfig,
  ) {}

  async bake(request: BakeRequest, region: AwsRegionConfig, regionOf: (name: string) => AwsRegionConfig): Promise<Image> {
    const job = this.plan(request, region, regionOf);
    const found = await this.findImage(job.key, job.region.name, job.scope);
    if (found !== null) return this.advance(found, job);

    const builders = await this.builders(job);
    const live = builders.filter((instance) => !ENDED_INSTANCE_STATES.has(instance.State?.Name ?? ''));
    const builder = live[0] ?? (await this.launchBuilder(job, builders.length));
    const state = builder.State?.Name ?? 'pending';
    const details = { bakeKey: job.key, builder: builder.InstanceId, builderState: state };
    if (ENDED_INSTANCE_STATES.has(state)) {
      throw this.aws.error('Fatal', job.scope, `builder instance ${builder.InstanceId ?? ''} ended before its image was taken (${builder.StateReason?.Message ?? state}); bake again to start a new builder`);
    }
    if (state !== INSTALLED_STATE) {
      const timeoutSec = job.settings.installTimeoutSec ?? DEFAULT_INSTALL_TIMEOUT_SEC;
      if (state === 'running' && installOverdue(builder.LaunchTime, timeoutSec, Date.now())) {
        await this.aws.call(job.scope, (a) => a.ec2.send(new TerminateInstancesCommand({ InstanceIds: [builder.InstanceId ?? ''] })));
        throw this.aws.error('Fatal', job.scope, installOverdueReason(builder.InstanceId ?? '', timeoutSec));
      }
      return { id: '', name: job.name, reused: false, state: 'pending', details };
    }
    const image = await this.createImage(builder, job);
    return { id: image.ImageId ?? '', name: job.name, reused: false, state: 'pending', details: { ...details, imageState: image.State } };
  }

  private plan(request: BakeRequest, region: AwsRegionConfig, regionOf: (name: string) => AwsRegionConfig): BakeJob {
    const scope: Scope = { operation: 'bake', region: region.name, resource: { type: 'image', name: releaseStem(request) } };
    const settings = awsBakeSettingsSchema.safeParse(request.settings ?? {});
    if (!settings.success) throw this.aws.error('Fatal', scope, `invalid settings: ${settingsProblems(settings.error)}`);
    if (request.baseImage === undefined || !/^ami-[0-9a-f]+$/.test(request.baseImage)) {
      throw this.aws.error('Fatal', scope, `baseImage (Spinnaker: baseAmi) must be an AMI id (ami-…), got ${JSON.stringify(request.baseImage ?? null)}`);
    }
    const copyTo = [...new Set(request.copyTo ?? [])].filter((name) => name !== region.name).map((name) => regionOf(name).name);
    const inputs: BakeInputs = { package: request.package, version: request.version, baseImage: request.baseImage, region: region.name, baseName: request.baseName };
    const key = bakeKey(inputs);
    const name = amiName(inputs, key);
    return { inputs, key, name, settings: settings.data, region, copyTo, scope: { ...scope, resource: { type: 'image', name } } };
  }

  /**
   * The AMI exists: wait for it, clean up the builder, copy it, wait for the copies. Always
   * `reused`: the AMI existed when the call began, polls of one's own bake included (the bake task
   * keeps what its first call said).
   */
  private async advance(image: Ami, job: BakeJob): Promise<Image> {
    const id = image.ImageId ?? '';
    this.checkNotFailed(image, job.region.name, job.scope);
    const details: Record<string, unknown> = { bakeKey: job.key, imageState: image.State };
    if (image.State !== 'available') return { id, name: job.name, reused: true, state: 'pending', details };

    const live = (await this.builders(job)).filter((instance) => !ENDED_INSTANCE_STATES.has(instance.State?.Name ?? ''));
    if (live.length > 0) {
      const ids = live.map((instance) => instance.InstanceId ?? '');
      await this.aws.call(job.scope, (a) => a.ec2.send(new TerminateInstancesCommand({ InstanceIds: ids })));
    }
    const regions: Record<string, string> = { [job.region.name]: id };
    let copiesReady = true;
    for (const target of job.copyTo) {
      const copy = await this.ensureCopy(image, job, target);
      regions[target] = copy.ImageId ?? '';
      if (copy.State !== 'available') copiesReady = false;
    }
    return { id, name: job.name, reused: true, state: copiesReady ? 'available' : 'pending', regions, details };
  }

  private async ensureCopy(source: Ami, job: BakeJob, target: string): Promise<Ami> {
    const scope: Scope = { ...job.scope, region: target };
    const found = await this.findImage(job.key, target, scope);
    if (found !== null) {
      this.checkNotFailed(found, target, scope);
      return found;
    }
    try {
      const copied = await this.aws.call(scope, (a) =>
        a.ec2.send(
          new CopyImageCommand({
            SourceImageId: source.ImageId ?? '',
            SourceRegion: job.region.name,
            Name: job.name,
            Description: source.Description ?? describeRelease(job.inputs),
            ClientToken: job.key,
            TagSpecifications: [{ ResourceType: 'image', Tags: this.imageTags(job) }],
          }),
        ),
      );
      return { ImageId: copied.ImageId ?? '', State: 'pending' };
    } catch (error) {
      if (!isDuplicateName(error)) throw error;
      return this.requireImageNamed(job.name, scope);
    }
  }

  private async createImage(builder: Instance, job: BakeJob): Promise<Ami> {
    try {
      const created = await this.aws.call(job.scope, (a) =>
        a.ec2.send(
          new CreateImageCommand({
            InstanceId: builder.InstanceId ?? '',
            Name: job.name,
            Description: `${describeRelease(job.inputs)} on ${job.inputs.baseImage}, baked by Gantry`,
            TagSpecifications: [{ ResourceType: 'image', Tags: this.imageTags(job) }],
          }),
        ),
      );
      return { ImageId: created.ImageId ?? '', State: 'pending' };
    } catch (error) {
      if (!isDuplicateName(error)) throw error;
      return this.requireImageNamed(job.name, job.scope);
    }
  }

  private async launchBuilder(job: BakeJob, previousBuilders: number): Promise<Instance> {
    const { settings, region } = job;
    const subnetId = settings.subnetId ?? region.subnetIds?.[0];
    const securityGroupIds = settings.securityGroupIds ?? region.securityGroupIds;
    const profile = settings.iamInstanceProfile;
    const tags: Tag[] = [{ Key: 'Name', Value: `gantry-bake ${job.name}` }, ...this.imageTags(job)];
    const answer = await this.aws.call({ ...job.scope, resource: { type: 'instance', name: `builder of ${job.name}` } }, (a) =>
      a.ec2.send(
        new RunInstancesCommand({
          ImageId: job.inputs.baseImage,
          InstanceType: (settings.instanceType ?? this.account.defaultInstanceType ?? DEFAULT_INSTANCE_TYPE) as RunInstancesCommand['input']['InstanceType'],
          MinCount: 1,
          MaxCount: 1,
          ClientToken: builderClientToken(job.key, previousBuilders),
          UserData: encodeUserData(installPackageScript(job.inputs)),
          InstanceInitiatedShutdownBehavior: 'stop',
          TagSpecifications: [{ ResourceType: 'instance', Tags: tags }],
          ...(subnetId === undefined ? {} : { SubnetId: subnetId }),
          ...(securityGroupIds === undefined ? {} : { SecurityGroupIds: securityGroupIds }),
          ...(profile === undefined ? {} : { IamInstanceProfile: instanceProfileSpec(profile) }),
        }),
      ),
    );
    const instance = answer.Instances?.[0];
    if (instance === undefined) throw this.aws.error('Transient', job.scope, 'RunInstances answered without an instance');
    return instance;
  }

  /** Every builder this key ever launched that EC2 still lists, whatever its state. */
  private async builders(job: BakeJob): Promise<Instance[]> {
    const pages = await this.aws.pages(job.scope, (a, NextToken) =>
      a.ec2.send(new DescribeInstancesCommand({ Filters: [{ Name: `tag:${TAGS.bakeKey}`, Values: [job.key] }], NextToken })),
    );
    return pages.flatMap((page) => page.Reservations ?? []).flatMap((reservation) => reservation.Instances ?? []);
  }

  private async findImage(key: string, region: string, scope: Scope): Promise<Ami | null> {
    const answer = await this.aws.call({ ...scope, region }, (a) =>
      a.ec2.send(new DescribeImagesCommand({ Owners: ['self'], Filters: [{ Name: `tag:${TAGS.bakeKey}`, Values: [key] }] })),
    );
    return answer.Images?.[0] ?? null;
  }

  private async requireImageNamed(name: string, scope: Scope): Promise<Ami> {
    const answer = await this.aws.call(scope, (a) => a.ec2.send(new DescribeImagesCommand({ Owners: ['self'], Filters: [{ Name: 'name', Values: [name] }] })));
    const image = answer.Images?.[0];
    if (image === undefined) throw this.aws.error('Transient', scope, `EC2 reports an AMI named ${name} but does not list it yet`);
    return image;
  }

  private checkNotFailed(image: Ami, region: string, scope: Scope): void {
    if (!FAILED_IMAGE_STATES.has(image.State ?? '')) return;
    const reason = image.StateReason?.Message ?? image.State ?? '';
    throw this.aws.error('Fatal', { ...scope, region }, `AMI ${image.ImageId ?? ''} is ${image.State ?? ''} (${reason}); deregister it to bake again`);
  }

  private imageTags(job: BakeJob): Tag[] {
    return toTagList({
      [TAGS.bakeKey]: job.key,
      ...(job.inputs.package === undefined ? {} : { [TAGS.package]: job.inputs.package }),
      [TAGS.version]: job.inputs.version,
      [TAGS.baseImage]: job.inputs.baseImage,
    });
  }
}

function isDuplicateName(error: unknown): boolean {
  return isProviderError(error, 'Conflict') && error.reason.startsWith('InvalidAMIName.Duplicate');
}
