import { bakeFieldsSchema, bakePlaceOf } from '@gantry/core';
import { defaultLocationOf, type Image } from '@gantry/providers';
import { z } from 'zod';
import { providerFor } from '../cloud/context';
import { readFields } from '../readFields';
import { serverGroupTask } from '../cloud/failures';

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
    const { account, provider } = providerFor(ctx, place.account);
    const region = place.region ?? defaultLocationOf(account);
    const baseImage = fields.baseImage ?? fields.baseAmi;
    const image = await provider.bake({
      account: account.name,
      ...(region === undefined ? {} : { location: region }),
      package: fields.package,
      version: fields.version,
      ...(baseImage === undefined ? {} : { baseImage }),
      ...(place.copyTo.length === 0 ? {} : { copyTo: place.copyTo }),
      ...(fields.settings === undefined ? {} : { settings: fields.settings }),
    });
    const reused = bakeState.safeParse(ctx.task.state).data?.reused ?? image.reused;
    if (image.state === 'pending') return { status: 'RUNNING', retryAfterMs: POLL_MS, state: { reused }, outputs: { imageId: image.id } };
    return { status: 'SUCCEEDED', state: { reused }, outputs: bakeOutputs(image, region ?? account.name, fields.package, reused, account.provider) };
  },
});

function bakeOutputs(image: Image, region: string, packageName: string, reused: boolean, cloudProvider: string) {
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
      package: packageName,
      cloudProviderType: cloudProvider,
    })),
  };
}
