import { z } from 'zod';
import type { ChaosAmount } from '@gantry/strategies';
import { allowExpressions } from '../allowExpressions';
import { positiveSeconds, wholeNumber } from '../fields';
import { defineStageType } from '../StageType';
import { checkTargetFields, targetShape } from './target';

const percent = z.preprocess((value) => (typeof value === 'string' && /^\s*\d+(\.\d+)?\s*$/.test(value) ? Number(value) : value), z.number().min(0).max(100));

/** Without a `minHealthyPercent`, a kill may take at most half of the group's healthy capacity. */
export const DEFAULT_MIN_HEALTHY_PERCENT = 50;
export const DEFAULT_EXPECT_RECOVERY_WITHIN_SEC = 300;

/**
 * The chaos stage's fields: the server group as the other server-group stages address it, `count`
 * or `percentage` instances to terminate, the guard rail `minHealthyPercent` (of the desired
 * capacity, healthy after the kill), `dryRun` (choose and record, kill nothing) and
 * `expectRecoveryWithinSec` (the group must be healthy again within it, or the stage fails).
 */
export const chaosFieldsSchema = z
  .looseObject({
    ...targetShape,
    count: wholeNumber(1).optional(),
    percentage: percent.optional(),
    minHealthyPercent: percent.default(DEFAULT_MIN_HEALTHY_PERCENT),
    dryRun: z.boolean().default(false),
    expectRecoveryWithinSec: positiveSeconds.default(DEFAULT_EXPECT_RECOVERY_WITHIN_SEC),
  })
  .superRefine((fields, ctx) => {
    checkTargetFields(fields, ctx);
    if ((fields.count === undefined) === (fields.percentage === undefined)) {
      ctx.addIssue({ code: 'custom', path: ['count'], message: 'give count or percentage (how many instances to terminate), not both' });
    } else if (fields.percentage === 0) {
      ctx.addIssue({ code: 'custom', path: ['percentage'], message: 'must be more than 0' });
    }
  });

export type ChaosFields = z.output<typeof chaosFieldsSchema>;

/** What the stage asks to kill, in the strategies' terms. */
export function chaosAmountOf(fields: ChaosFields): ChaosAmount {
  return fields.count !== undefined ? { count: fields.count } : { percentage: fields.percentage ?? 0 };
}

/**
 * `chaos`: terminate instances of a server group and expect it to heal (a resilience test inside a
 * pipeline). The victims are chosen and recorded by one task before another terminates them, so a
 * retry terminates the same ones; a dry run stops after the choice.
 */
export const chaosStage = defineStageType({
  type: 'chaos',
  fields: allowExpressions(chaosFieldsSchema),
  tasks: (fields) =>
    fields.dryRun === true
      ? ['determineTargetServerGroup', 'chooseChaosVictims']
      : ['determineTargetServerGroup', 'chooseChaosVictims', 'terminateChaosVictims', 'waitForChaosRecovery'],
});
