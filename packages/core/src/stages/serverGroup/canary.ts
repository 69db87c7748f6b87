import { canaryConfigSchema, metricSourceSchema } from '@gantry/canary';
import { CANARY_ABORT_TASK, canaryTasks, checkCanarySteps } from '@gantry/strategies';
import { z } from 'zod';
import { positiveSeconds, seconds } from '../fields';
import { allowExpressions } from '../allowExpressions';
import { defineStageType } from '../StageType';
import { deployClusterSchema } from './deploy';
import { capacitySchema, waitForUpTimeoutSchema } from './fields';
import { redBlackPlanOptionsOf } from './strategyFields';

export const DEFAULT_CANARY_STEPS = [1, 10, 25, 50];

/**
 * `canary`: the new image (`cluster.image`) is judged against a baseline of the production image
 * before it replaces production. Both new groups run beside the production group at
 * `canaryCapacity` (default: the cluster's capacity); traffic moves to them in `steps` (percent
 * each); each step's metrics are collected for `intervalSec` after `warmupSec` (only the last
 * `lookbackSec` of it are judged, when given) at `stepSec` resolution from `metricSource`, and
 * judged by `canaryConfig`. All steps pass → the canary is promoted as `cluster.strategy` says
 * (redblack, with its scaleDown, delays and maxRemainingServerGroups); a failing step → production takes all traffic back and both new groups are
 * destroyed; a marginal one → a manual judgment when `onMarginal` is `judgment`, else a failure.
 */
export const canaryFieldsSchema = z
  .looseObject({
    cluster: deployClusterSchema,
    canaryCapacity: capacitySchema.optional(),
    steps: z.array(z.number()).default(DEFAULT_CANARY_STEPS),
    intervalSec: positiveSeconds.default(60),
    warmupSec: seconds.default(0),
    lookbackSec: positiveSeconds.optional(),
    stepSec: positiveSeconds.default(10),
    onMarginal: z.enum(['judgment', 'fail']).default('fail'),
    metricSource: metricSourceSchema,
    canaryConfig: canaryConfigSchema,
    waitForUpTimeoutSec: waitForUpTimeoutSchema.optional(),
  })
  .superRefine((fields, ctx) => {
    const problem = checkCanarySteps(fields.steps);
    if (problem !== undefined) ctx.addIssue({ code: 'custom', path: ['steps'], message: problem });
    if (fields.cluster.strategy !== 'redblack' && fields.cluster.strategy !== 'bluegreen') {
      ctx.addIssue({ code: 'custom', path: ['cluster', 'strategy'], message: 'a canary is promoted with redblack (or its alias bluegreen)' });
    }
  });

export type CanaryFields = z.output<typeof canaryFieldsSchema>;

export const canaryStage = defineStageType({
  type: 'canary',
  fields: allowExpressions(canaryFieldsSchema),
  // Metric queries are templates over the server group being measured (`${scope}`, `${role}`).
  literalFields: [['canaryConfig', 'metrics', '*', 'query']],
  tasks: (fields) => canaryTasks(redBlackPlanOptionsOf(fields.cluster)),
  // Whatever fails the stage (a timeout, a provider error), production takes all traffic again.
  onFailureTasks: () => [CANARY_ABORT_TASK],
  // A cancel is undone like a failure: production serves alone again, baseline and canary go.
  cancelTasks: () => [CANARY_ABORT_TASK],
});
