import { z } from 'zod';
import { accountShape, allowingExpressions, checkAccount, nonEmptyText } from './fields';
import { clusterNameSchema } from './serverGroup/fields';
import { defineStageType } from './StageType';

/** Spinnaker's ways of choosing the server group whose image is taken (clouddriver's target selection). */
export const IMAGE_SELECTION_STRATEGIES = ['NEWEST', 'OLDEST', 'LARGEST', 'FAIL'] as const;
export type ImageSelectionStrategy = (typeof IMAGE_SELECTION_STRATEGIES)[number];

const findImageShape = {
  ...accountShape,
  /** The cluster (`application[-stack[-detail]]`) whose running image is wanted. */
  cluster: clusterNameSchema,
  /** The regions to look in, one image each; default: the account's default region. */
  regions: z.array(nonEmptyText).min(1, { error: 'list at least one region, or leave regions out' }).optional(),
  /** Orca's default is NEWEST. */
  selectionStrategy: z.enum(IMAGE_SELECTION_STRATEGIES, { error: `one of ${IMAGE_SELECTION_STRATEGIES.join(', ')}` }).default('NEWEST'),
  /** Orca's default: only server groups taking traffic. */
  onlyEnabled: z.boolean().default(true),
  /** Informational: the account decides the cloud. */
  cloudProvider: nonEmptyText.optional(),
  cloudProviderType: nonEmptyText.optional(),
  /**
   * Orca's search of images by name when a region has no such cluster: not done by Gantry, so
   * refused rather than ignored.
   */
  imageNamePattern: z.preprocess(
    (value) => (value === '' ? undefined : value),
    z.undefined({ error: 'finding an image by name pattern is not supported: the image is taken from the cluster\'s server groups' }),
  ),
};

export const findImageFieldsSchema = z.looseObject(findImageShape).superRefine(checkAccount);
export type FindImageFields = z.output<typeof findImageFieldsSchema>;

/** What selection needs of a server group. */
export interface ImageCandidate {
  name: string;
  image: string;
  enabled: boolean;
  createdAt: Date;
  /** Instances it runs (up, down or unknown). */
  instances: number;
}

export type ImageSelection<T extends ImageCandidate> = { ok: true; chosen: T } | { ok: false; reason: string };

/**
 * The server group whose image a findImage stage takes in one region, as clouddriver picks its
 * target: among the cluster's groups (only enabled ones with `onlyEnabled`), the newest, the
 * oldest, the one with most instances (ties: the newest), or, for FAIL, the only one.
 */
export function selectImageSource<T extends ImageCandidate>(groups: readonly T[], strategy: ImageSelectionStrategy, onlyEnabled: boolean): ImageSelection<T> {
  const candidates = onlyEnabled ? groups.filter((group) => group.enabled) : [...groups];
  if (candidates.length === 0) return { ok: false, reason: `no ${onlyEnabled ? 'enabled ' : ''}server group` };
  const newestFirst = candidates.sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime() || b.name.localeCompare(a.name));
  switch (strategy) {
    case 'NEWEST':
      return { ok: true, chosen: newestFirst[0]! };
    case 'OLDEST':
      return { ok: true, chosen: newestFirst[newestFirst.length - 1]! };
    case 'LARGEST':
      return { ok: true, chosen: newestFirst.reduce((largest, group) => (group.instances > largest.instances ? group : largest)) };
    case 'FAIL':
      return newestFirst.length === 1
        ? { ok: true, chosen: newestFirst[0]! }
        : { ok: false, reason: `${newestFirst.length} server groups (${newestFirst.map((group) => group.name).join(', ')}) and selectionStrategy FAIL` };
  }
}

const imageLookupStage = (type: string) =>
  defineStageType({
    type,
    fields: z.looseObject(allowingExpressions(findImageShape)).superRefine(checkAccount),
    tasks: () => ['findImageFromCluster' as const],
  });

/**
 * `findImage`: the image a cluster runs in each region, for a later deploy that names none (its
 * `deploymentDetails`, as a bake's). `findAmi` is Orca's older name of the same stage.
 */
export const findImageStage = imageLookupStage('findImage');
export const findAmiStage = imageLookupStage('findAmi');
