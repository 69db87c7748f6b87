import { z } from 'zod';
import { allowExpressions } from '../allowExpressions';
import { defineStageType } from '../StageType';
import { capacitySchema, waitForUpShape } from './fields';
import { checkTargetFields, targetShape } from './target';

// Every plan starts by deciding, once, which group the stage acts on: a re-run after a crash must
// act on that same group, not on whatever "current" means after the first run's effect.
const DETERMINE = 'determineTargetServerGroup';

/** The fields of enable/disable/destroy, as tasks read them once expressions are resolved. */
export const targetFieldsSchema = z.looseObject(targetShape).superRefine(checkTargetFields);

/** `enableServerGroup`: put a server group into traffic. */
export const enableServerGroupStage = defineStageType({
  type: 'enableServerGroup',
  fields: allowExpressions(targetFieldsSchema),
  tasks: () => [DETERMINE, 'enableServerGroup'],
});

/** `disableServerGroup`: take a server group out of traffic, keeping its instances. */
export const disableServerGroupStage = defineStageType({
  type: 'disableServerGroup',
  fields: allowExpressions(targetFieldsSchema),
  tasks: () => [DETERMINE, 'disableServerGroup'],
});

/** `destroyServerGroup`: take a server group out of traffic, then delete it (as Spinnaker does). */
export const destroyServerGroupStage = defineStageType({
  type: 'destroyServerGroup',
  fields: allowExpressions(targetFieldsSchema),
  tasks: () => [DETERMINE, 'disableServerGroup', 'destroyServerGroup'],
});

export const resizeFieldsSchema = z
  .looseObject({
    ...targetShape,
    capacity: capacitySchema,
    ...waitForUpShape,
    // Spinnaker's other resize kinds (scale_up/scale_down by percent or count, scale_to_cluster) are not here yet.
    action: z.literal('scale_exact', { error: 'only exact resizes are supported: action scale_exact, with capacity' }).optional(),
    resizeType: z.literal('exact', { error: 'only exact resizes are supported: resizeType exact, with capacity' }).optional(),
  })
  .superRefine(checkTargetFields);

export type ResizeFields = z.output<typeof resizeFieldsSchema>;

/** `resizeServerGroup`: set a server group's capacity and wait until its instances match it. */
export const resizeServerGroupStage = defineStageType({
  type: 'resizeServerGroup',
  fields: allowExpressions(resizeFieldsSchema),
  tasks: () => [DETERMINE, 'resizeServerGroup', 'waitForCapacityMatch'],
});
