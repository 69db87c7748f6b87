import { z } from 'zod';
import { accountShape, exprOr, wholeNumber } from './fields';
import { defineStageType } from './StageType';

// `expression` is usually "${…}", which is resolved to a bool when the stage starts.
const expressionPrecondition = z.looseObject({
  type: z.literal('expression'),
  context: z.looseObject({
    expression: z.union([z.string().min(1), z.boolean()]),
    failureMessage: exprOr(z.string()).optional(),
  }),
  failPipeline: exprOr(z.boolean()).default(true),
});

const stageStatusPrecondition = z.looseObject({
  type: z.literal('stageStatus'),
  context: z
    .looseObject({
      stageName: exprOr(z.string().min(1)).optional(),
      stageRefId: exprOr(z.string().min(1)).optional(),
      stageStatus: exprOr(z.union([z.string().min(1), z.array(z.string().min(1)).min(1)])),
    })
    .refine((context) => context.stageName !== undefined || context.stageRefId !== undefined, {
      message: 'stageRefId (or stageName) is required',
      path: ['stageRefId'],
    }),
  failPipeline: exprOr(z.boolean()).default(true),
});

export const CLUSTER_SIZE_COMPARISONS = ['<', '<=', '==', '>=', '>'] as const;
export type ClusterSizeComparison = (typeof CLUSTER_SIZE_COMPARISONS)[number];

/**
 * Spinnaker's `clusterSize`: the number of server groups of `cluster` in each of `regions` (the
 * account's default location when none), only the enabled ones with `onlyEnabledServerGroups`,
 * compared with `expected`. Asked of the provider when the stage runs; an account that does not
 * exist yet fails the precondition then, naming it.
 */
const clusterSizePrecondition = z.looseObject({
  type: z.literal('clusterSize'),
  context: z
    .looseObject({
      ...accountShape,
      cluster: exprOr(z.string().min(1)),
      regions: exprOr(z.array(z.string().min(1))).optional(),
      comparison: exprOr(z.enum(CLUSTER_SIZE_COMPARISONS, { error: `one of ${CLUSTER_SIZE_COMPARISONS.join(' ')}` })).default('=='),
      expected: exprOr(wholeNumber(0)).default(1),
      onlyEnabledServerGroups: exprOr(z.boolean()).default(false),
    })
    .refine((context) => context.account !== undefined || context.credentials !== undefined, {
      message: 'credentials (or account) is required: the account of the cluster',
      path: ['credentials'],
    }),
  failPipeline: exprOr(z.boolean()).default(true),
});

/**
 * The checkPreconditions stage's fields. Each leaf already admits a `${…}` expression (`exprOr`),
 * so the same schema checks them at save time and for its task once they are resolved.
 */
export const checkPreconditionsFieldsSchema = z.looseObject({
  preconditions: z.array(z.discriminatedUnion('type', [expressionPrecondition, stageStatusPrecondition, clusterSizePrecondition])),
});

export type Precondition = z.output<typeof checkPreconditionsFieldsSchema>['preconditions'][number];

/** `checkPreconditions`: every precondition must hold, else the stage fails (or only marks failure). */
export const checkPreconditionsStage = defineStageType({
  type: 'checkPreconditions',
  fields: checkPreconditionsFieldsSchema,
  tasks: () => ['checkPreconditions'],
});
