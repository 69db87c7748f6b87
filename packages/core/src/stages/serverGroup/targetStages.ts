import { z } from 'zod';
import { RESIZE_ACTIONS } from '@gantry/strategies';
import { allowExpressions } from '../allowExpressions';
import { wholeNumber } from '../fields';
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

const count = wholeNumber(0);

/**
 * resizeServerGroup's fields, in Spinnaker's names: `action` scale_exact (default) to `capacity`
 * (fields left out keep the group's), scale_up / scale_down by `scalePct` or `scaleNum`, or
 * scale_to_cluster; `resizeType` (pct, incr) says which of the two counts. See resizedCapacity.
 */
export const resizeFieldsSchema = z
  .looseObject({
    ...targetShape,
    action: z.enum(RESIZE_ACTIONS, { error: `one of ${RESIZE_ACTIONS.join(', ')}` }).default('scale_exact'),
    resizeType: z.enum(['exact', 'pct', 'incr'], { error: 'one of exact, pct, incr' }).optional(),
    capacity: z.looseObject({ min: count.optional(), max: count.optional(), desired: count.optional() }).optional(),
    scalePct: count.optional(),
    scaleNum: count.optional(),
    ...waitForUpShape,
  })
  .superRefine((fields, ctx) => {
    checkTargetFields(fields, ctx);
    const { capacity, action } = fields;
    const given = capacity === undefined ? [] : (['min', 'max', 'desired'] as const).filter((key) => capacity[key] !== undefined);
    if (action === 'scale_exact' && given.length === 0) {
      ctx.addIssue({ code: 'custom', path: ['capacity'], message: 'give the capacity to resize to (min, max, desired), or another action' });
    }
    // A complete capacity must hold together; a partial one is completed from the group at run time.
    if (action === 'scale_exact' && given.length === 3) {
      const parsed = capacitySchema.safeParse(capacity);
      for (const issue of parsed.error?.issues ?? []) ctx.addIssue({ ...issue, path: ['capacity', ...issue.path] });
    }
  });

export type ResizeFields = z.output<typeof resizeFieldsSchema>;

/** `resizeServerGroup`: set a server group's capacity and wait until its instances match it. */
export const resizeServerGroupStage = defineStageType({
  type: 'resizeServerGroup',
  fields: allowExpressions(resizeFieldsSchema),
  tasks: () => [DETERMINE, 'resizeServerGroup', 'waitForCapacityMatch'],
});
