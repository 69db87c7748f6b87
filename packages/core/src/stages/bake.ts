import { z } from 'zod';
import { allowExpressions } from './allowExpressions';
import { accountShape, checkAccount, nonEmptyText as text } from './fields';
import { defineStageType } from './StageType';

/**
 * `bake`: an image of `package` at `version` on `baseImage`, in the bake's region, copied to the
 * other listed regions. Field names follow Spinnaker's bake stage where it has them (`package`,
 * `regions`, `baseAmi`, `credentials`); `version` and `baseImage` are Gantry's own.
 */
/** The version a bake without one installs: the package's newest, as Spinnaker's rosco does. */
export const LATEST_PACKAGE_VERSION = 'latest';

export const bakeFieldsSchema = z
  .looseObject({
    ...accountShape,
    /** The region the image is built in; default: the first of `regions`, else the account's default. */
    region: text.optional(),
    /** Every region the image must be available in. */
    regions: z.array(text).min(1, { error: 'list at least one region, or leave regions out' }).optional(),
    /**
     * Absent: the one package `packageArtifactIds` names (rosco's package artifacts); neither is
     * rosco's bake of an empty package: nothing installed, the base image as is (named `all-…`).
     */
    package: z.preprocess((value) => (value === '' ? undefined : value), text.optional()),
    /**
     * Spinnaker's packages as artifacts: ids of expected artifacts bound by the trigger or an
     * earlier stage, each a package (`name`, `version`). Gantry bakes one package, so one id.
     */
    packageArtifactIds: z.array(text).max(1, { error: 'Gantry bakes one package: name one artifact' }).optional(),
    /**
     * Spinnaker's bake has no version: rosco installs the package's newest version (or the one the
     * trigger's build names). Absent here means the same: `latest` (see LATEST_PACKAGE_VERSION).
     */
    version: z.union([text, z.number().transform(String)]).default(LATEST_PACKAGE_VERSION),
    baseImage: text.optional(),
    /** Spinnaker's name for the base image on AWS; Deck writes "" for none. */
    baseAmi: z.preprocess((value) => (value === '' ? undefined : value), text.optional()),
    /**
     * Rosco's `base_name`: the stem of the baked image's name in place of the package's (its
     * image name factory's `baseName ?: package`); Deck writes "" for none.
     */
    baseName: z.preprocess((value) => (value === '' ? undefined : value), text.optional()),
    /**
     * Spinnaker's base OS name (ubuntu, trusty…): without baseImage/baseAmi, the image the
     * account's bakery table lists for it in the bake's region (aws: `regions[].baseImages`).
     */
    baseOs: text.optional(),
    /** Spinnaker's cloud of the bake (`aws`, `gce`…), which picks the account when none is named. */
    cloudProviderType: text.optional(),
    cloudProvider: text.optional(),
    /** Provider-specific: instance type of the builder, image family, user data… */
    settings: z.record(z.string(), z.unknown()).optional(),
  })
  .superRefine((fields, ctx) => {
    // No account at all is Spinnaker's bake (see bakePlaceOf); one given twice must agree.
    if (fields.account !== undefined || fields.credentials !== undefined) checkAccount(fields, ctx);
    if (fields.package !== undefined && (fields.packageArtifactIds ?? []).length > 0) {
      ctx.addIssue({ code: 'custom', path: ['packageArtifactIds'], message: `names a package artifact as well as package (${fields.package}): Gantry bakes one package` });
    }
    if (fields.baseImage !== undefined && fields.baseAmi !== undefined && fields.baseImage !== fields.baseAmi) {
      ctx.addIssue({ code: 'custom', path: ['baseAmi'], message: `names a different base image than baseImage (${fields.baseImage})` });
    }
  });

export type BakeFields = z.output<typeof bakeFieldsSchema>;

export interface BakePlace {
  /**
   * Undefined: the stage names none, as Spinnaker's bakes do (rosco bakes in its own account of
   * the cloud): the bake runs in the one account of `cloud` there is, and fails naming `account`
   * when there are none or several.
   */
  account: string | undefined;
  /** Gantry's provider kind for `cloudProviderType` (Spinnaker's `gce` is `gcp`; default `aws`, as in Spinnaker). */
  cloud: string;
  /** Undefined: the account's default region. */
  region: string | undefined;
  /** Regions other than `region` the image is copied to. */
  copyTo: string[];
}

/** Where a (validated) bake builds and copies its image. */
export function bakePlaceOf(fields: BakeFields): BakePlace {
  const account = fields.account ?? fields.credentials;
  const cloud = fields.cloudProviderType ?? fields.cloudProvider ?? 'aws';
  const region = fields.region ?? fields.regions?.[0];
  const copyTo = [...new Set(fields.regions ?? [])].filter((other) => other !== region);
  return { account, cloud: SPINNAKER_CLOUDS[cloud] ?? cloud, region, copyTo };
}

/** Spinnaker's cloud provider names where Gantry's differ. */
const SPINNAKER_CLOUDS: Readonly<Record<string, string>> = { gce: 'gcp' };

export const bakeStage = defineStageType({
  type: 'bake',
  fields: allowExpressions(bakeFieldsSchema),
  tasks: () => ['bakeImage'],
});
