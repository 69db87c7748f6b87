import { z } from 'zod';
import { defineStageType } from './StageType';

/**
 * The evaluateVariables stage's fields; the same schema checks them at save time (a variable's
 * `value` may be anything, expression text included) and for its task once they are resolved.
 */
export const evaluateVariablesFieldsSchema = z.looseObject({
  variables: z.array(
    z.looseObject({
      key: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, { message: 'expected an identifier ([A-Za-z_][A-Za-z0-9_]*)' }),
      // Anything, expression text included; resolved (and typed) when the stage starts.
      value: z.unknown(),
      description: z.string().optional(),
    }),
  ),
});

/**
 * `evaluateVariables`: each variable becomes an output of the stage. Keys are identifiers so that
 * later expressions can write `stages.vars.outputs.<key>`.
 */
export const evaluateVariablesStage = defineStageType({
  type: 'evaluateVariables',
  fields: evaluateVariablesFieldsSchema,
  tasks: () => ['evaluateVariables'],
});
