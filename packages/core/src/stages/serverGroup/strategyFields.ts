import { z } from 'zod';
import {
  DEFAULT_MAX_REMAINING_SERVER_GROUPS,
  DEFAULT_TARGET_PERCENTAGES,
  targetPercentagesProblem,
  type RedBlackOptions,
  type RedBlackPlanOptions,
} from '@gantry/strategies';
import { judgmentInput as choice, nonEmptyText, seconds, wholeNumber } from '../fields';

/**
 * The deploy cluster's strategy options, in Spinnaker's names where it has them (red/black:
 * `scaleDown`, `delayBeforeDisableSec`, `delayBeforeScaleDownSec`, `maxRemainingAsgs`; rolling
 * red/black: `targetPercentages`) and Gantry's where it has none (`maxRemainingServerGroups`,
 * `delayBeforeNextStepSec`, `judgment`). They are optional and carry no defaults in the parsed
 * stage, so a stage reads back as written; the functions below apply the defaults.
 */

const judgmentInput = choice(nonEmptyText);

export const strategyShape = {
  /** Resize the old groups to 0 once out of traffic (default true). */
  scaleDown: z.boolean().optional(),
  /** Seconds the new and old groups serve together before the old ones are disabled (default 0). */
  delayBeforeDisableSec: seconds.optional(),
  /** Seconds the disabled old groups keep their instances before the scale-down (default 0). */
  delayBeforeScaleDownSec: seconds.optional(),
  /** Groups the cluster keeps after the deploy, the new one included (default 2). */
  maxRemainingServerGroups: wholeNumber(1).optional(),
  /** Spinnaker's name for maxRemainingServerGroups. */
  maxRemainingAsgs: wholeNumber(1).optional(),
  /** Rolling red/black: the new group's share of traffic at each step, increasing, ending at 100 (default 10, 25, 50, 100). */
  targetPercentages: z
    .array(z.number())
    .superRefine((percentages, ctx) => {
      const problem = targetPercentagesProblem(percentages);
      if (problem !== undefined) ctx.addIssue({ code: 'custom', message: problem });
    })
    .optional(),
  /** Rolling red/black: seconds each step but the last holds at least, the new group healthy (default 0). */
  delayBeforeNextStepSec: seconds.optional(),
  /**
   * A manual judgment once the new group is up, before it takes traffic; with `betweenSteps`
   * (rolling red/black) also before each later step. Answered through the judgment API on this stage.
   */
  judgment: z
    .looseObject({
      instructions: z.string().optional(),
      judgmentInputs: z.array(judgmentInput).optional(),
      betweenSteps: z.boolean().optional(),
    })
    .optional(),
};

type StrategyFields = { [K in keyof typeof strategyShape]?: z.output<(typeof strategyShape)[K]> };

export function checkStrategyFields(fields: StrategyFields, ctx: z.RefinementCtx): void {
  const { maxRemainingServerGroups: gantry, maxRemainingAsgs: spinnaker } = fields;
  if (gantry !== undefined && spinnaker !== undefined && gantry !== spinnaker) {
    ctx.addIssue({
      code: 'custom',
      path: ['maxRemainingAsgs'],
      message: `says ${spinnaker}, maxRemainingServerGroups says ${gantry}: give one of them`,
    });
  }
}

export function redBlackOptionsOf(fields: StrategyFields): RedBlackOptions {
  return {
    scaleDown: fields.scaleDown ?? true,
    maxRemainingServerGroups: fields.maxRemainingServerGroups ?? fields.maxRemainingAsgs ?? DEFAULT_MAX_REMAINING_SERVER_GROUPS,
  };
}

/** Whether rolling red/black waits for a judgment before each step after the first. */
export function judgesSteps(fields: StrategyFields): boolean {
  return fields.judgment?.betweenSteps === true;
}

export function targetPercentagesOf(fields: StrategyFields): readonly number[] {
  return fields.targetPercentages ?? DEFAULT_TARGET_PERCENTAGES;
}

/** The delays in milliseconds, 0 when not given. */
export function strategyDelaysMs(fields: StrategyFields): { beforeDisable: number; beforeScaleDown: number; beforeNextStep: number } {
  return {
    beforeDisable: (fields.delayBeforeDisableSec ?? 0) * 1000,
    beforeScaleDown: (fields.delayBeforeScaleDownSec ?? 0) * 1000,
    beforeNextStep: (fields.delayBeforeNextStepSec ?? 0) * 1000,
  };
}

/** Which of red/black's optional steps these fields ask for (the plan leaves out the others). */
export function redBlackPlanOptionsOf(fields: StrategyFields): RedBlackPlanOptions {
  const delays = strategyDelaysMs(fields);
  return {
    verify: fields.judgment !== undefined,
    delayBeforeDisable: delays.beforeDisable > 0,
    scaleDown: redBlackOptionsOf(fields).scaleDown,
    delayBeforeScaleDown: delays.beforeScaleDown > 0,
  };
}
