import type { protos } from '@google-cloud/compute';
import { describeRelease, installPackageScript, releaseStem } from '../bakeScript';
import type { ImageState } from '../CloudProvider';
import { BAKE_LABELS, MAX_NAME_LENGTH, METADATA, canonicalJson, imagePath, labelValue, networkPath, sha256Hex, subnetworkPath } from './names';
import type { GcpBakeSettings } from './settings';

/**
 * Pure parts of a GCE bake: the key that identifies an image by its inputs, the builder VM that
 * installs the package, the image's deterministic name and labels, and the reading of its status.
 */

type GceImage = protos.google.cloud.compute.v1.IImage;
type GceInstance = protos.google.cloud.compute.v1.IInstance;

/** 32 hex digits (128 bits) of the inputs' hash: fits a label value and the image name. */
const KEY_LENGTH = 32;

export interface BakeInputs {
  project: string;
  /** Absent: a bake of no package (see PackageRelease). */
  package?: string | undefined;
  version: string;
  baseImage: string;
  settings: GcpBakeSettings;
  /** Rosco's `base_name`: the image name's stem instead of the package's; part of the key when given. */
  baseName?: string | undefined;
}

export function bakeKey(inputs: BakeInputs): string {
  const sourceImage = imagePath(inputs.project, inputs.baseImage);
  return sha256Hex(canonicalJson({ package: inputs.package ?? '', version: inputs.version, sourceImage, family: inputs.settings.family ?? null, labels: inputs.settings.labels ?? {}, ...(inputs.baseName === undefined ? {} : { baseName: inputs.baseName }) })).slice(0, KEY_LENGTH);
}

/** `<package>-<version>-<16 hex of the key>`, cut to 63: a re-run inserts the same name. */
export function imageName(inputs: Pick<BakeInputs, 'package' | 'version' | 'baseName'>, key: string): string {
  const suffix = `-${key.slice(0, 16)}`;
  let stem = releaseStem(inputs).toLowerCase().replace(/[^a-z0-9-]/g, '-').replace(/-+/g, '-');
  if (!/^[a-z]/.test(stem)) stem = `image-${stem}`;
  return `${stem.slice(0, MAX_NAME_LENGTH - suffix.length).replace(/-+$/, '')}${suffix}`;
}

/** The family: settings.family, else the package name (without one, the name's stem) made a valid GCE name. */
export function imageFamily(inputs: Pick<BakeInputs, 'package' | 'version' | 'baseName' | 'settings'>): string {
  const { settings } = inputs;
  if (settings.family !== undefined) return settings.family;
  const name = (inputs.package ?? releaseStem(inputs)).toLowerCase().replace(/[^a-z0-9-]/g, '-').replace(/-+/g, '-');
  return (/^[a-z]/.test(name) ? name : `pkg-${name}`).slice(0, MAX_NAME_LENGTH).replace(/-+$/, '');
}

function bakeLabels(inputs: BakeInputs, key: string): Record<string, string> {
  return { [BAKE_LABELS.package]: labelValue(inputs.package ?? ''), [BAKE_LABELS.version]: labelValue(inputs.version), [BAKE_LABELS.bakeKey]: key };
}

/** The image, taken from the builder's boot disk once the builder powered itself off. */
export function buildImage(inputs: BakeInputs, key: string, sourceDisk: string): GceImage {
  return {
    name: imageName(inputs, key),
    family: imageFamily(inputs),
    sourceDisk,
    description: `Gantry bake of ${describeRelease(inputs)} on ${inputs.baseImage}`,
    labels: { ...(inputs.settings.labels ?? {}), ...bakeLabels(inputs, key) },
  };
}

/** `gantry-bake-<16 hex of the key>`: one builder per bake, found again by name after a crash. */
export function builderName(key: string): string {
  return `gantry-bake-${key.slice(0, 16)}`;
}

/** Where the builder runs, with the account's defaults already applied. */
export interface BuilderPlacement {
  region: string;
  zone: string;
  machineType: string;
  network: string;
  subnetwork?: string;
}

/**
 * A VM of the base image whose startup script installs the package and powers it off: stopped
 * (TERMINATED) means installed. Its boot disk is kept until the image is taken, then goes with it.
 */
export function buildBuilder(inputs: BakeInputs, key: string, placement: BuilderPlacement): GceInstance {
  const { project } = inputs;
  const { zone, region, subnetwork } = placement;
  const machineType = placement.machineType.includes('/') ? placement.machineType : `zones/${zone}/machineTypes/${placement.machineType}`;
  return {
    name: builderName(key),
    description: `Gantry image builder: ${describeRelease(inputs)} on ${inputs.baseImage}`,
    machineType,
    labels: bakeLabels(inputs, key),
    disks: [{ boot: true, autoDelete: true, type: 'PERSISTENT', initializeParams: { sourceImage: imagePath(project, inputs.baseImage) } }],
    networkInterfaces: [
      { network: networkPath(project, placement.network), ...(subnetwork === undefined ? {} : { subnetwork: subnetworkPath(project, region, subnetwork) }) },
    ],
    metadata: { items: [{ key: METADATA.startupScript, value: installPackageScript(inputs) }] },
  };
}

/** The builder has powered itself off: its install succeeded and its disk can be imaged. */
export function builderInstalled(builder: GceInstance): boolean {
  return builder.status === 'TERMINATED';
}

/** The builder's boot disk (what the image is taken from). */
export function bootDiskOf(builder: GceInstance): string | undefined {
  return builder.disks?.find((disk) => disk.boot)?.source ?? undefined;
}

/** The list filter that finds images baked from the same inputs. */
export function bakeKeyFilter(key: string): string {
  return `labels.${BAKE_LABELS.bakeKey} = "${key}"`;
}

export type BakeStatus = ImageState | 'failed';

/** GCE image status PENDING/READY/FAILED (DELETING counts as failed: it will not become usable). */
export function bakeStatus(image: GceImage): BakeStatus {
  if (image.status === 'READY') return 'available';
  if (image.status === 'FAILED' || image.status === 'DELETING') return 'failed';
  return 'pending';
}
