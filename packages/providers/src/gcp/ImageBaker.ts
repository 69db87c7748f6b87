import type { protos } from '@google-cloud/compute';
import type { GcpAccountConfig } from './account';
import type { BakeRequest, Image } from '../CloudProvider';
import { DEFAULT_INSTALL_TIMEOUT_SEC, installOverdue, installOverdueReason } from '../bakeScript';
import { settingsProblems } from '../validation';
import { bakeKey, bakeKeyFilter, bakeStatus, bootDiskOf, buildBuilder, buildImage, builderInstalled, builderName, imageName, type BakeInputs, type BuilderPlacement } from './bake';
import type { GceClient, Scope } from './client';
import { BAKE_LABELS, parseImageReference } from './names';
import { gcpBakeSettingsSchema } from './settings';

type GceImage = protos.google.cloud.compute.v1.IImage;
type GceInstance = protos.google.cloud.compute.v1.IInstance;

const DEFAULT_BUILDER_MACHINE_TYPE = 'e2-small';

interface BakeJob {
  inputs: BakeInputs;
  key: string;
  /** The image's name and the builder VM's, both fixed by the key. */
  name: string;
  builder: string;
  placement: BuilderPlacement;
  scope: Scope;
  imageScope: Scope;
  builderScope: Scope;
}

/**
 * Bakes a GCE image per (package, version, base image, family, labels), one step per call (the
 * bake task polls), each step idempotent so that a crash simply repeats it:
 * 1. an image labelled with the bake key exists → wait for READY, then delete the builder (`reused`);
 * 2. no builder → insert a VM of the base image whose startup script installs the package and
 *    powers it off (a fixed name per key: a re-run finds it instead of starting another);
 * 3. builder stopped (TERMINATED: the install succeeded) → insert the image from its boot disk,
 *    named from the key (a re-run's 409 finds it);
 * 4. otherwise the builder is still booting or installing. A failed install never powers off: once
 *    `installTimeoutSec` has passed since its creation the builder is deleted and the bake fails.
 */
export class GceImageBaker {
  constructor(
    private readonly gce: GceClient,
    private readonly account: GcpAccountConfig,
  ) {}

  async bake(request: BakeRequest, region: string): Promise<Image> {
    const job = this.plan(request, region);
    const [found] = await this.gce.call(job.imageScope, (c) => c.images.list({ project: c.project, filter: bakeKeyFilter(job.key) }, c.options));
    const existing = found.find((candidate) => candidate.labels?.[BAKE_LABELS.bakeKey] === job.key);
    if (existing !== undefined) return this.advance(existing, job);

    const builder = await this.findBuilder(job);
    const details = { bakeKey: job.key, builder: job.builder, zone: job.placement.zone };
    if (builder === null) {
      // GCE reports a missing base image only in the insert's operation: checked first, so that a
      // typo fails the bake instead of being polled until it times out.
      await this.requireBaseImage(job.inputs.baseImage, job.scope);
      const instance = buildBuilder(job.inputs, job.key, job.placement);
      const started = await this.gce.start(job.builderScope, (c) => c.instances.insert({ project: c.project, zone: job.placement.zone, instanceResource: instance }, c.options));
      if (started !== 'exists' && started.status === 'DONE') await this.gce.waitFor(started, job.builderScope);
      return { id: '', name: job.name, reused: false, state: 'pending', details: { ...details, builderState: 'PROVISIONING' } };
    }
    if (builder.labels?.[BAKE_LABELS.bakeKey] !== job.key) {
      throw this.gce.error('Conflict', job.builderScope, `an instance named ${job.builder} exists that is not this bake's builder (label ${BAKE_LABELS.bakeKey} is not ${job.key})`);
    }
    const disk = bootDiskOf(builder);
    if (!builderInstalled(builder) || disk === undefined) {
      const timeoutSec = job.inputs.settings.installTimeoutSec ?? DEFAULT_INSTALL_TIMEOUT_SEC;
      if (builder.status === 'RUNNING' && installOverdue(builder.creationTimestamp, timeoutSec, Date.now())) {
        await this.deleteBuilder(job);
        throw this.gce.error('Fatal', job.builderScope, installOverdueReason(job.builder, timeoutSec));
      }
      return { id: '', name: job.name, reused: false, state: 'pending', details: { ...details, builderState: builder.status } };
    }
    return this.takeImage(job, disk);
  }

  private plan(request: BakeRequest, region: string): BakeJob {
    const scope: Scope = { operation: 'bake', region };
    const settings = gcpBakeSettingsSchema.safeParse(request.settings ?? {});
    if (!settings.success) throw this.gce.error('Fatal', scope, `invalid settings: ${settingsProblems(settings.error)}`);
    if (request.baseImage === undefined || request.baseImage.trim() === '') throw this.gce.error('Fatal', scope, 'baseImage is required: the image the bake starts from');
    const inputs: BakeInputs = { project: this.account.project, package: request.package, version: request.version, baseImage: request.baseImage, settings: settings.data, baseName: request.baseName };
    const key = bakeKey(inputs);
    const name = imageName(inputs, key);
    const builder = builderName(key);
    const zones = this.account.regions.find((candidate) => candidate.name === region)?.zones;
    const subnetwork = settings.data.subnetwork ?? this.account.subnetwork;
    const placement: BuilderPlacement = {
      region,
      zone: settings.data.zone ?? zones?.[0] ?? `${region}-a`,
      machineType: settings.data.machineType ?? this.account.defaultMachineType ?? DEFAULT_BUILDER_MACHINE_TYPE,
      network: settings.data.network ?? this.account.network ?? 'default',
      ...(subnetwork === undefined ? {} : { subnetwork }),
    };
    return {
      inputs,
      key,
      name,
      builder,
      placement,
      scope,
      imageScope: { ...scope, resource: { type: 'image', name } },
      builderScope: { ...scope, resource: { type: 'instance', name: builder } },
    };
  }

  private async takeImage(job: BakeJob, disk: string): Promise<Image> {
    const image = buildImage(job.inputs, job.key, disk);
    const started = await this.gce.start(job.imageScope, (c) => c.images.insert({ project: c.project, imageResource: image }, c.options));
    if (started === 'exists') {
      const [adopted] = await this.gce.call(job.imageScope, (c) => c.images.get({ project: c.project, image: image.name ?? '' }, c.options));
      if (adopted.labels?.[BAKE_LABELS.bakeKey] !== job.key) {
        throw this.gce.error('Conflict', job.imageScope, `an image named ${image.name} exists with other inputs (label ${BAKE_LABELS.bakeKey} is not ${job.key})`);
      }
      return this.result(adopted, false, job);
    }
    // An operation already DONE may have failed at once: its error is the bake's.
    if (started.status === 'DONE') await this.gce.waitFor(started, job.imageScope);
    return { id: image.name ?? '', name: image.name ?? '', reused: false, state: 'pending', details: { family: image.family, sourceDisk: disk, bakeKey: job.key, operation: started.name } };
  }

  /**
   * The image exists. Once it is READY its builder goes, and the bake is done when the builder is
   * gone: a finished bake leaves no VM behind.
   */
  private async advance(image: GceImage, job: BakeJob): Promise<Image> {
    const result = this.result(image, true, job);
    if (result.state !== 'available') return result;
    const builder = await this.findBuilder(job);
    if (builder === null || builder.labels?.[BAKE_LABELS.bakeKey] !== job.key) return result;
    await this.deleteBuilder(job);
    return { ...result, state: 'pending', details: { ...result.details, builder: job.builder, builderState: 'DELETING' } };
  }

  private async findBuilder(job: BakeJob): Promise<GceInstance | null> {
    const found = await this.gce.find(job.builderScope, (c) => c.instances.get({ project: c.project, zone: job.placement.zone, instance: job.builder }, c.options));
    return found?.[0] ?? null;
  }

  /** Not waited for: the next poll finds the builder gone (or still going). */
  private async deleteBuilder(job: BakeJob): Promise<void> {
    await this.gce.find(job.builderScope, (c) => c.instances.delete({ project: c.project, zone: job.placement.zone, instance: job.builder }, c.options));
  }

  private result(image: GceImage, reused: boolean, job: BakeJob): Image {
    const status = bakeStatus(image);
    const name = image.name ?? '';
    if (status === 'failed') throw this.gce.error('Fatal', job.imageScope, `image ${name} failed to build (status ${image.status}); delete it to bake these inputs again`);
    return {
      id: name,
      name,
      reused,
      state: status,
      details: { family: image.family, status: image.status, sourceDisk: image.sourceDisk, selfLink: image.selfLink, bakeKey: image.labels?.[BAKE_LABELS.bakeKey] },
    };
  }

  private async requireBaseImage(baseImage: string, scope: Scope): Promise<void> {
    const reference = parseImageReference(this.account.project, baseImage);
    if (reference === undefined) throw this.gce.error('Fatal', scope, `baseImage ${baseImage} is not an image name, projects/P/global/images/NAME or …/images/family/FAMILY`);
    const imageScope: Scope = { ...scope, resource: { type: 'image', name: baseImage } };
    const found = await this.gce.find(imageScope, (c) =>
      'family' in reference
        ? c.images.getFromFamily({ project: reference.project, family: reference.family }, c.options)
        : c.images.get({ project: reference.project, image: reference.image }, c.options),
    );
    if (found === null) throw this.gce.error('Fatal', imageScope, `baseImage ${baseImage} does not exist (or is not visible to project ${this.account.project})`);
  }
}
