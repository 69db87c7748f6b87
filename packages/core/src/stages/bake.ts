import { z } from 'zod';
import { allowExpressions } from './allowExpressions';
import { accountOf, accountShape, checkAccount, nonEmptyText as text } from './fields';
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
    package: text,
    /**
     * Spinnaker's bake has no version: rosco installs the package's newest version (or the one the
     * trigger's build names). Absent here means the same: `latest` (see LATEST_PACKAGE_VERSION).
     */
    version: z.union([text, z.number().transform(String)]).default(LATEST_PACKAGE_VERSION),
    baseImage: text.optional(),
    /** Spinnaker's name for the base image on AWS. */
    baseAmi: text.optional(),
    /** Provider-specific: instance type of the builder, image family, user data… */
    settings: z.record(z.string(), z.unknown()).optional(),
  })
  .superRefine((fields, ctx) => {
    checkAccount(fields, ctx);
    if (fields.baseImage !== undefined && fields.baseAmi !== undefined && fields.baseImage !== fields.baseAmi) {
      ctx.addIssue({ code: 'custom', path: ['baseAmi'], message: `names a different base image than baseImage (${fields.baseImage})` });
    }
  });

export type BakeFields = z.output<typeof bakeFieldsSchema>;

export interface BakePlace {
  account: string;
  /** Undefined: the account's default region. */
  region: string | undefined;
  /** Regions other than `region` the image is copied to. */
  copyTo: string[];
}

/** Where a (validated) bake builds and copies its image. */
export function bakePlaceOf(fields: BakeFields): BakePlace {
  const account = accountOf(fields);
  const region = fields.region ?? fields.regions?.[0];
  const copyTo = [...new Set(fields.regions ?? [])].filter((other) => other !== region);
  return { account, region, copyTo };
}

export const bakeStage = defineStageType({
  type: 'bake',
  fields: allowExpressions(bakeFieldsSchema),
  tasks: () => ['bakeImage'],
});
