import { canaryConfigSchema, metricSourceSchema } from '@gantry/canary';
import { AB_TEST_RESULTS } from '@gantry/strategies';
import { z } from 'zod';
import { allowExpressions } from '../allowExpressions';
import type { ValidationIssue } from '../../errors';
import { accountOf, accountShape, checkAccount, positiveSeconds } from '../fields';
import { defineStageType } from '../StageType';
import { requestRuleSchema, stickyPercentageSchema } from '../../routing/requestRules';
import { routingIssues, type TrafficRouter } from '../../routing/routers';
import { checkLocation, clusterNameSchema, locationShape, serverGroupNameSchema } from './fields';
import { clusterOfServerGroup } from './names';

/**
 * `abTest`: an experiment between two live server groups of one cluster (docs/ab-testing.md). The
 * requests matching `rules` (or a sticky `percentage` of users) go to `variant`, the rest to
 * `control`, for `durationSec`; then the judge compares the variant (as canary) with the control
 * (as baseline) over `metricSource` by `canaryConfig`, and `onResult` ends it: `promoteWinner`,
 * `removeVariant`, or `judgment`. A cancel or failure takes the rules away (the control serves alone).
 */
export const abTestFieldsSchema = z
  .looseObject({
    ...accountShape,
    ...locationShape,
    cluster: clusterNameSchema,
    control: serverGroupNameSchema,
    variant: serverGroupNameSchema,
    rules: z.array(requestRuleSchema).max(16, 'at most 16 rules').default([]),
    percentage: stickyPercentageSchema.optional(),
    durationSec: positiveSeconds,
    stepSec: positiveSeconds.default(10),
    metricSource: metricSourceSchema,
    canaryConfig: canaryConfigSchema,
    onResult: z.enum(AB_TEST_RESULTS, { error: `one of ${AB_TEST_RESULTS.join(', ')}` }).default('removeVariant'),
  })
  .superRefine((fields, ctx) => {
    checkAccount(fields, ctx);
    checkLocation(fields, ctx);
    for (const key of ['control', 'variant'] as const) {
      const owner = clusterOfServerGroup(fields[key]);
      if (owner !== undefined && owner !== fields.cluster) ctx.addIssue({ code: 'custom', path: [key], message: `${fields[key]} belongs to cluster ${owner}, not ${fields.cluster}` });
    }
    if (fields.control === fields.variant) ctx.addIssue({ code: 'custom', path: ['variant'], message: 'must be another server group than control' });
    if (fields.rules.length === 0 && fields.percentage === undefined) {
      ctx.addIssue({ code: 'custom', path: ['rules'], message: 'give the rules that send a request to the variant, or a percentage of users' });
    }
  });

export type AbTestFields = z.output<typeof abTestFieldsSchema>;

export const AB_TEST_ABORT_TASK = 'abortAbTest';

export const abTestStage = defineStageType({
  type: 'abTest',
  fields: allowExpressions(abTestFieldsSchema),
  literalFields: [['canaryConfig', 'metrics', '*', 'query']],
  tasks: () => ['startAbTest', 'runAbTest'],
  onFailureTasks: () => [AB_TEST_ABORT_TASK],
  cancelTasks: () => [AB_TEST_ABORT_TASK],
});

/**
 * Save time: each `abTest` stage whose rules its cluster's router cannot carry, one issue per
 * field (`stages.2.rules.0.header`). `routerOf` answers undefined when it cannot tell (an account
 * it does not know, or one named by an expression): the stage start checks again then.
 */
export function abTestRoutingIssues(stages: readonly unknown[], routerOf: (account: string, cluster: string) => TrafficRouter | undefined): ValidationIssue[] {
  return stages.flatMap((stage, index) => {
    if (typeof stage !== 'object' || stage === null || (stage as { type?: unknown }).type !== 'abTest') return [];
    const parsed = abTestFieldsSchema.safeParse(stage);
    if (!parsed.success) return [];
    const router = routerOf(accountOf(parsed.data), parsed.data.cluster);
    if (router === undefined) return [];
    return routingIssues(router, parsed.data.rules, parsed.data.percentage).map((issue) => ({ ...issue, path: ['stages', index, ...issue.path] }));
  });
}
