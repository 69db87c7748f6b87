import { z } from 'zod';
import { exprOr } from './fields';
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

/**
 * The checkPreconditions stage's fields. Each leaf already admits a `${…}` expression (`exprOr`),
 * so the same schema checks them at save time and for its task once they are resolved.
 */
export const checkPreconditionsFieldsSchema = z.looseObject({
  preconditions: z.array(z.discriminatedUnion('type', [expressionPrecondition, stageStatusPrecondition])),
});

export type Precondition = z.output<typeof checkPreconditionsFieldsSchema>['preconditions'][number];

/** `checkPreconditions`: every precondition must hold, else the stage fails (or only marks failure). */
export const checkPreconditionsStage = defineStageType({
  type: 'checkPreconditions',
  fields: checkPreconditionsFieldsSchema,
  tasks: () => ['checkPreconditions'],
});
