import { z } from 'zod';
import { highlanderTasks, redBlackTasks, rollingRedBlackTasks, SUPPORTED_STRATEGIES, type Strategy } from '@gantry/strategies';
import { ValidationError } from '../../errors';
import { allowExpressions } from '../allowExpressions';
import { nonEmptyText } from '../fields';
import { defineStageType } from '../StageType';
import { APPLICATION_PART, DETAIL_PART, STACK_PART } from './names';
import { DEPLOY_ROLLBACK_TASKS } from './rollback';
import {
  capacitySchema,
  checkLocation,
  DEFAULT_WAIT_FOR_UP_TIMEOUT_SEC,
  locationShape,
  strategySchema,
  waitForUpTimeoutSchema,
} from './fields';
import { checkStrategyFields, redBlackPlanOptionsOf, strategyShape } from './strategyFields';

/** One cluster to deploy, in Spinnaker's field names (`freeFormDetails` is the cluster's detail). */
export const deployClusterSchema = z
  .looseObject({
    account: nonEmptyText,
    ...locationShape,
    application: z.string().regex(APPLICATION_PART, { error: 'expected an application name ([a-z][a-z0-9]*)' }),
    // Spinnaker writes "" for "no stack"; it is accepted and means the same.
    stack: z.string().regex(STACK_PART, { error: 'expected lower-case letters and digits (no "-": it separates stack from detail)' }).optional(),
    freeFormDetails: z
      .string()
      .regex(DETAIL_PART, { error: 'expected lower-case letters and digits, with single "-" between them' })
      .optional(),
    strategy: strategySchema,
    image: nonEmptyText,
    capacity: capacitySchema,
    /** Provider-specific: ports, env, health check path, instance type… */
    settings: z.record(z.string(), z.unknown()).optional(),
    /** Red/black and rolling red/black options (see strategyFields.ts); highlander keeps only the new group whatever they say. */
    ...strategyShape,
  })
  .superRefine((cluster, ctx) => {
    checkLocation(cluster, ctx);
    checkStrategyFields(cluster, ctx);
  });

export type DeployCluster = z.output<typeof deployClusterSchema>;

/** The deploy stage's fields, as tasks read them once expressions are resolved. */
export const deployFieldsSchema = z
  .looseObject({
    cluster: deployClusterSchema.optional(),
    /** Spinnaker's shape: a list of clusters; Gantry deploys one per stage. */
    clusters: z.array(deployClusterSchema).optional(),
    /** How long the new group may take to have every instance up before the stage fails (default 600). */
    waitForUpTimeoutSec: waitForUpTimeoutSchema.optional(),
    /** Spinnaker's `rollback: {onFailure: true}`: a failed deploy puts the previous healthy group back into traffic. */
    rollback: z.looseObject({ onFailure: z.boolean().optional() }).optional(),
  })
  .superRefine((fields, ctx) => {
    const listed = fields.clusters?.length ?? 0;
    if (fields.cluster === undefined && listed === 0) {
      ctx.addIssue({ code: 'custom', path: ['cluster'], message: 'cluster is required (or clusters with one entry)' });
    } else if (fields.cluster !== undefined && fields.clusters !== undefined) {
      ctx.addIssue({ code: 'custom', path: ['clusters'], message: 'give cluster or clusters, not both' });
    } else if (listed > 1) {
      ctx.addIssue({
        code: 'custom',
        path: ['clusters'],
        message: `a deploy stage deploys one cluster; split these ${listed} clusters into ${listed} deploy stages`,
      });
    }
  });

export type DeployFields = z.output<typeof deployFieldsSchema>;

/** The cluster a (validated) deploy stage deploys, whichever of Spinnaker's shapes it came in. */
export function deployClusterOf(fields: DeployFields): DeployCluster {
  const cluster = fields.cluster ?? fields.clusters?.[0];
  // The schema refuses a stage with neither.
  if (cluster === undefined) throw new Error('deploy stage without a cluster passed validation');
  return cluster;
}

export function waitForUpTimeoutMs(fields: { waitForUpTimeoutSec?: number }): number {
  return (fields.waitForUpTimeoutSec ?? DEFAULT_WAIT_FOR_UP_TIMEOUT_SEC) * 1000;
}

/** Every strategy starts the same way: the new group's name is decided, then the group created out of traffic. */
const NEW_SERVER_GROUP_TASKS = ['determineServerGroupName', 'createServerGroup'] as const;

/**
 * Each strategy's tasks after that, from its own plan in packages/strategies. Every task is
 * resumable: the new group's name is decided and stored by the first task before anything exists,
 * so a re-run after a crash finds (never duplicates) the group.
 */
const STRATEGY_TASKS = {
  highlander: () => highlanderTasks(),
  redblack: (cluster) => redBlackTasks(redBlackPlanOptionsOf(cluster)),
  bluegreen: (cluster) => redBlackTasks(redBlackPlanOptionsOf(cluster)),
  rollingredblack: (cluster) => rollingRedBlackTasks(redBlackPlanOptionsOf(cluster)),
} satisfies Record<Strategy, (cluster: DeployCluster) => string[]>;

type DeployTask = (typeof NEW_SERVER_GROUP_TASKS)[number] | ReturnType<(typeof STRATEGY_TASKS)[Strategy]>[number];

/**
 * `deploy`: a new server group `cluster-vNNN` running `image`, rolled out by `strategy`.
 * Outputs: serverGroupName, previousServerGroup, image, account, location, cluster and Spinnaker's
 * `deploy.server.groups` ({location: [name]}); from the old groups' steps disabledServerGroups,
 * scaledDownServerGroups, destroyedServerGroups; rolling red/black adds completedPercentages.
 * With `rollback.onFailure`, a failed deploy adds its rollback's restoredServerGroup,
 * rolledBackServerGroup and rollbackDurationMs (or rollbackSkipped when its group never existed);
 * so does a canceled one, whatever `rollback` says.
 */
export const deployStage = defineStageType({
  type: 'deploy',
  fields: allowExpressions(deployFieldsSchema),
  tasks: (fields) => planFor(deployClusterOf(fields)),
  onFailureTasks: (fields) => (fields.rollback?.onFailure === true ? [...DEPLOY_ROLLBACK_TASKS] : []),
  // Canceled mid-rollout (traffic shared, or the old groups on their way out): the deploy's rollback
  // puts the older healthy group back into traffic and takes the new one out. A deploy canceled
  // before its group existed has nothing to undo (the rollback records that it was skipped).
  cancelTasks: () => [...DEPLOY_ROLLBACK_TASKS],
});

function planFor(cluster: DeployCluster): DeployTask[] {
  const plan = (STRATEGY_TASKS as Record<string, ((cluster: DeployCluster) => DeployTask[]) | undefined>)[cluster.strategy];
  // Validation refuses other strategies; this guards a caller that skipped it.
  if (plan === undefined) {
    const message = `unsupported strategy ${JSON.stringify(cluster.strategy)}: supported strategies are ${SUPPORTED_STRATEGIES.join(', ')}`;
    throw new ValidationError(message, [{ path: ['cluster', 'strategy'], message }]);
  }
  return [...NEW_SERVER_GROUP_TASKS, ...plan(cluster)];
}
