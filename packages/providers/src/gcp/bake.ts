import type { protos } from '@google-cloud/compute';
import type { ImageState } from '../CloudProvider';
import { BAKE_LABELS, MAX_NAME_LENGTH, canonicalJson, imagePath, labelValue, sha256Hex } from './names';
import type { GcpBakeSettings } from './settings';

/**
 * Pure parts of a GCE bake: the key that identifies an image by its inputs, the image's
 * deterministic name and labels, and the reading of its status.
 */

type GceImage = protos.google.cloud.compute.v1.IImage;

/** 32 hex digits (128 bits) of the inputs' hash: fits a label value and the image name. */
const KEY_LENGTH = 32;

export interface BakeInputs {
  project: string;
  package: string;
  version: string;
  baseImage: string;
  settings: GcpBakeSettings;
}

export function bakeKey(inputs: BakeInputs): string {
  const sourceImage = imagePath(inputs.project, inputs.baseImage);
  return sha256Hex(canonicalJson({ package: inputs.package, version: inputs.version, sourceImage, family: inputs.settings.family ?? null, labels: inputs.settings.labels ?? {} })).slice(0, KEY_LENGTH);
}

/** `<package>-<version>-<16 hex of the key>`, cut to 63: a re-run inserts the same name. */
export function imageName(inputs: Pick<BakeInputs, 'package' | 'version'>, key: string): string {
  const suffix = `-${key.slice(0, 16)}`;
  let stem = `${inputs.package}-${inputs.version}`.toLowerCase().replace(/[^a-z0-9-]/g, '-').replace(/-+/g, '-');
  if (!/^[a-z]/.test(stem)) stem = `image-${stem}`;
  return `${stem.slice(0, MAX_NAME_LENGTH - suffix.length).replace(/-+$/, '')}${suffix}`;
}

/** The family: settings.family, else the package name made a valid GCE name. */
export function imageFamily(packageName: string, settings: GcpBakeSettings): string {
  if (settings.family !== undefined) return settings.family;
  const name = packageName.toLowerCase().replace(/[^a-z0-9-]/g, '-').replace(/-+/g, '-');
  return (/^[a-z]/.test(name) ? name : `pkg-${name}`).slice(0, MAX_NAME_LENGTH).replace(/-+$/, '');
}

export function buildImage(inputs: BakeInputs, key: string): GceImage {
  return {
    name: imageName(inputs, key),
    family: imageFamily(inputs.package, inputs.settings),
    sourceImage: imagePath(inputs.project, inputs.baseImage),
    description: `Gantry bake of ${inputs.package} ${inputs.version} on ${inputs.baseImage}`,
    labels: {
      ...(inputs.settings.labels ?? {}),
      [BAKE_LABELS.package]: labelValue(inputs.package),
      [BAKE_LABELS.version]: labelValue(inputs.version),
      [BAKE_LABELS.bakeKey]: key,
    },
  };
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
