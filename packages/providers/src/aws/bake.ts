import { createHash } from 'node:crypto';
import { releaseStem } from '../bakeScript';

/** Pure parts of baking an AMI: the key that identifies one, its name, the builder's client token. */

export interface BakeInputs {
  /** Absent: a bake of no package (see PackageRelease). */
  package?: string | undefined;
  version: string;
  baseImage: string;
  region: string;
  /** Rosco's `base_name`: the image name's stem instead of the package's; part of the key when given. */
  baseName?: string | undefined;
}

/**
 * The identity of an AMI: the same package, version, base image and region always give the same
 * key, so a bake finds the image a previous one made (32 hex characters: within EC2's 64-character
 * client token and AMI name limits).
 */
export function bakeKey(inputs: BakeInputs): string {
  // No package keys as "", which no package is named: it cannot collide with a bake of one.
  const identity = [inputs.package ?? '', inputs.version, inputs.baseImage, inputs.region];
  // Only a named bake adds its name: the keys (and so the images found) of every other bake stay as they were.
  const canonical = JSON.stringify(inputs.baseName === undefined ? identity : [...identity, inputs.baseName]);
  return createHash('sha256').update(canonical).digest('hex').slice(0, 32);
}

/**
 * `checkout-1.2.3-<key 12>`: readable in the console, unique per key. AMI names allow letters,
 * digits, spaces and `()[] ./-'@_` (3–128 characters); anything else becomes `_`.
 */
export function amiName(inputs: Pick<BakeInputs, 'package' | 'version' | 'baseName'>, key: string): string {
  const readable = releaseStem(inputs).replace(/[^A-Za-z0-9()[\] ./'@_-]/g, '_').slice(0, 100);
  return `${readable}-${key.slice(0, 12)}`;
}

/**
 * The builder's client token: RunInstances with a token it has seen returns that launch instead of
 * launching again, so a bake re-run after a crash never starts a second builder. `generation`
 * counts the builders of this key already terminated, so that a re-bake after the AMI was
 * deregistered launches afresh instead of getting the old, terminated builder back.
 */
export function builderClientToken(key: string, generation: number): string {
  return `${key}-${generation}`;
}
