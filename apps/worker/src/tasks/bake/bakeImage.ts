import { bakeFieldsSchema, bakePlaceOf, type BakeFields } from '@gantry/core';
import { baseImageFor, defaultLocationOf, type AccountConfig, type Image } from '@gantry/providers';
import { z } from 'zod';
import { providerFor } from '../cloud/context';
import { requireBoundArtifact } from '../manifest/artifacts';
import { readFields } from '../readFields';
import { serverGroupTask } from '../cloud/failures';
import { TaskFailure, type TaskContext } from '../Task';

/** Clouds take minutes to build an image; polling faster only spends API quota. */
const POLL_MS = 2_000;
/** A bake that has not finished in an hour is stuck (Spinnaker's rosco gives up at about that). */
export const BAKE_TIMEOUT_MS = 60 * 60_000;

// Whether the first call found the image already built: later polls always find it.
const bakeState = z.object({ reused: z.boolean() });

/**
 * `bake`: asks the provider for the image, which finds one built from the same inputs or starts a
 * build, then polls the same idempotent call until the image is available. A re-run after a crash
 * calls it again and gets the same image back, never a second build.
 * Outputs: imageId (the bake region's), imageName, region, regions ({region: id}), reused, and
 * Spinnaker's `ami` and `deploymentDetails`, for expressions written against its bake stage.
 */
export const bakeImageTask = serverGroupTask({
  name: 'bakeImage',
  timeoutMs: BAKE_TIMEOUT_MS,
  async run(ctx) {
    const fields = readFields(bakeFieldsSchema, ctx);
    const place = bakePlaceOf(fields);
    const { account, provider } = providerFor(ctx, place.account ?? bakeryAccount(ctx, place.cloud));
    const region = place.region ?? defaultLocationOf(account);
    const baseImage = fields.baseImage ?? fields.baseAmi ?? (fields.baseOs === undefined ? undefined : bakeryBaseImage(account, region, fields.baseOs));
    const release = packageRelease(ctx, fields);
    const image = await provider.bake({
      account: account.name,
      ...(region === undefined ? {} : { location: region }),
      ...release,
      ...(baseImage === undefined ? {} : { baseImage }),
      ...(fields.baseName === undefined ? {} : { baseName: fields.baseName }),
      ...(place.copyTo.length === 0 ? {} : { copyTo: place.copyTo }),
      ...(fields.settings === undefined ? {} : { settings: fields.settings }),
    });
    const reused = bakeState.safeParse(ctx.task.state).data?.reused ?? image.reused;
    if (image.state === 'pending') return { status: 'RUNNING', retryAfterMs: POLL_MS, state: { reused }, outputs: { imageId: image.id } };
    return { status: 'SUCCEEDED', state: { reused }, outputs: bakeOutputs(image, region ?? account.name, release.package, reused, account.provider) };
  },
});

/**
 * The package and version to install: the stage's, or those of the artifact its
 * `packageArtifactIds` names (bound by the trigger or an earlier stage, as Orca resolves them for
 * rosco); an artifact without a version installs the stage's `version`.
 */
function packageRelease(ctx: TaskContext, fields: BakeFields): { package?: string; version: string } {
  const [artifactId] = fields.packageArtifactIds ?? [];
  if (fields.package !== undefined) return { package: fields.package, version: fields.version };
  // Neither: rosco's bake of no package (BakeRequest.package).
  if (artifactId === undefined) return { version: fields.version };
  const artifact = requireBoundArtifact(ctx, artifactId, 'packageArtifactIds');
  if (artifact.name === undefined || artifact.name === '') throw new TaskFailure(`packageArtifactIds: the artifact bound to ${artifactId} (${artifact.type}) names no package (its name is empty)`);
  return { package: artifact.name, version: artifact.version === undefined || artifact.version === '' ? fields.version : artifact.version };
}

/**
 * The account a bake that names none runs in: the one account of its cloud, as Spinnaker's rosco
 * bakes in the one account it is configured with. None or several: the stage fails naming `account`.
 */
function bakeryAccount(ctx: TaskContext, cloud: string): string {
  const candidates = ctx.services.providers.accounts().filter((account) => account.provider === cloud);
  if (candidates.length === 1) return candidates[0]!.name;
  const found = candidates.length === 0 ? `there is no ${cloud} account` : `there are ${candidates.length} ${cloud} accounts (${candidates.map((account) => account.name).join(', ')})`;
  throw new TaskFailure(`the bake names no account and ${found}: name one in account (Spinnaker: credentials), or set cloudProviderType`);
}

/** A Spinnaker bake's baseOs, as the account's bakery table maps it; none listed fails naming both. */
function bakeryBaseImage(account: AccountConfig, region: string | undefined, baseOs: string): string {
  const image = baseImageFor(account, region, baseOs);
  if (image !== undefined) return image;
  const where = region === undefined ? '' : ` in ${region}`;
  throw new TaskFailure(`no base image for baseOs "${baseOs}"${where}: give baseAmi (baseImage), or list it in account ${account.name}'s regions[].baseImages`);
}

function bakeOutputs(image: Image, region: string, packageName: string | undefined, reused: boolean, cloudProvider: string) {
  const regions = image.regions ?? { [region]: image.id };
  return {
    imageId: image.id,
    imageName: image.name,
    region,
    regions,
    reused,
    ami: image.id,
    deploymentDetails: Object.entries(regions).map(([where, id]) => ({
      imageId: id,
      ami: id,
      imageName: image.name,
      region: where,
      ...(packageName === undefined ? {} : { package: packageName }),
      cloudProviderType: cloudProvider,
    })),
  };
}
