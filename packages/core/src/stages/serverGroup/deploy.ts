import { z } from 'zod';
import { isPlainObject } from '../../celValues';
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
  deployStrategySchema,
  locationShape,
  NO_STRATEGY,
  waitForUpTimeoutSchema,
} from './fields';
import { checkStrategyFields, redBlackPlanOptionsOf, strategyShape } from './strategyFields';

/** One cluster to deploy, in Spinnaker's field names (`freeFormDetails` is the cluster's detail). */
export const deployClusterSchema = z
  .looseObject({
    account: nonEmptyText,
    ...locationShape,
    application: z.string().regex(APPLICATION_PART, {
      error: 'expected lower-case letters and digits: a cluster name (application-stack-detail) cannot tell an application with "-" from its stack',
    }),
    // Spinnaker writes "" for "no stack"; it is accepted and means the same.
    stack: z.string().regex(STACK_PART, { error: 'expected lower-case letters and digits (no "-": it separates stack from detail)' }).optional(),
    freeFormDetails: z
      .string()
      .regex(DETAIL_PART, { error: 'expected lower-case letters and digits, with single "-" between them' })
      .optional(),
    /** Spinnaker's `""` or none at all: no strategy (see deployStrategySchema). */
    strategy: deployStrategySchema,
    /** Absent when saved: taken at stage start from the nearest bake before it (see `imageFromUpstream`). */
    image: nonEmptyText,
    /**
     * Spinnaker's AWS/GCE placement, `{region: [zones]}`: its one key is the cluster's region (see
     * `fromSpinnakerDeploy`); the zones are left to the provider's defaults for that region.
     */
    availabilityZones: z
      .record(z.string(), z.array(z.string()))
      .refine((zones) => Object.keys(zones).length <= 1, { error: 'one region per stage: Gantry deploys to one location at a time' })
      .optional(),
    /** Absent: one instance, as Spinnaker's deploy dialog starts it. */
    capacity: capacitySchema.default({ min: 1, max: 1, desired: 1 }),
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

/**
 * Spinnaker's older deploy shapes, read as the current one: the account on the stage rather than
 * on its cluster, and the region only as the key of `availabilityZones`.
 */
function fromSpinnakerDeploy(input: unknown): unknown {
  if (!isPlainObject(input)) return input;
  const stageAccount = input.account ?? input.credentials;
  const fill = (cluster: unknown) => fromSpinnakerCluster(cluster, stageAccount);
  return {
    ...input,
    ...(input.cluster === undefined ? {} : { cluster: fill(input.cluster) }),
    ...(Array.isArray(input.clusters) ? { clusters: input.clusters.map(fill) } : {}),
  };
}

/**
 * One cluster in Spinnaker's server group shape, read as Gantry's: the stage's account when the
 * cluster names none, the region only as the key of `availabilityZones`.
 */
export function fromSpinnakerCluster(cluster: unknown, stageAccount?: unknown): unknown {
  if (!isPlainObject(cluster)) return cluster;
  const filled: Record<string, unknown> = { ...cluster };
  if (filled.account === undefined && filled.credentials === undefined && stageAccount !== undefined) filled.account = stageAccount;
  const zones = filled.availabilityZones;
  const regions = isPlainObject(zones) ? Object.keys(zones) : [];
  const named = ['location', 'namespace', 'region', 'regions', 'namespaces'].some((key) => filled[key] !== undefined);
  if (!named && regions.length === 1) filled.region = regions[0];
  return filled;
}

/** The deploy stage's fields, as tasks read them once expressions are resolved. */
export const deployFieldsSchema = z.preprocess(
  fromSpinnakerDeploy,
  z
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
    }),
);

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
  // Spinnaker's "none": the new group comes up and takes traffic; the old groups are not touched.
  [NO_STRATEGY]: () => ['waitForUpInstances', 'enableServerGroup'] as const,
  highlander: () => highlanderTasks(),
  redblack: (cluster) => redBlackTasks(redBlackPlanOptionsOf(cluster)),
  bluegreen: (cluster) => redBlackTasks(redBlackPlanOptionsOf(cluster)),
  rollingredblack: (cluster) => rollingRedBlackTasks(redBlackPlanOptionsOf(cluster)),
} satisfies Record<Strategy | typeof NO_STRATEGY, (cluster: DeployCluster) => readonly string[]>;

type DeployTask = (typeof NEW_SERVER_GROUP_TASKS)[number] | ReturnType<(typeof STRATEGY_TASKS)[Strategy | typeof NO_STRATEGY]>[number];

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
  fields: allowExpressions(deployFieldsSchema, isClusterImage),
  fromUpstream: imageFromUpstream,
  tasks: (fields) => planFor(deployClusterOf(fields)),
  onFailureTasks: (fields) => (fields.rollback?.onFailure === true ? [...DEPLOY_ROLLBACK_TASKS] : []),
  // Canceled mid-rollout (traffic shared, or the old groups on their way out): the deploy's rollback
  // puts the older healthy group back into traffic and takes the new one out. A deploy canceled
  // before its group existed has nothing to undo (the rollback records that it was skipped).
  cancelTasks: () => [...DEPLOY_ROLLBACK_TASKS],
});

/** Deploy's task plan for a cluster, shared with cloneServerGroup (which only adds finding its source first). */
export function planFor(cluster: DeployCluster): DeployTask[] {
  const plan = (STRATEGY_TASKS as Record<string, ((cluster: DeployCluster) => readonly DeployTask[]) | undefined>)[cluster.strategy];
  // Validation refuses other strategies; this guards a caller that skipped it.
  if (plan === undefined) {
    const message = `unsupported strategy ${JSON.stringify(cluster.strategy)}: supported strategies are ${SUPPORTED_STRATEGIES.join(', ')}`;
    throw new ValidationError(message, [{ path: ['cluster', 'strategy'], message }]);
  }
  return [...NEW_SERVER_GROUP_TASKS, ...plan(cluster)];
}

/** `cluster.image` or `clusters[n].image`, left out of a saved deploy that takes its image from a bake. */
function isClusterImage(path: readonly PropertyKey[], input: unknown): boolean {
  const absent = (cluster: unknown) => isPlainObject(cluster) && cluster.image === undefined;
  if (!isPlainObject(input)) return false;
  if (path.length === 2 && path[0] === 'cluster' && path[1] === 'image') return absent(input.cluster);
  if (path.length === 3 && path[0] === 'clusters' && typeof path[1] === 'number' && path[2] === 'image') {
    return Array.isArray(input.clusters) && absent(input.clusters[path[1]]);
  }
  return false;
}

/**
 * A deploy that names no image runs what the nearest stage before it baked (or found) for the
 * cluster's region, as Spinnaker's deploy reads upstream `deploymentDetails`: the entry for that
 * region, or the first one when the cluster names none.
 */
export function imageFromUpstream(stage: Record<string, unknown>, upstream: readonly Record<string, unknown>[]): Record<string, unknown> {
  const listed = Array.isArray(stage.clusters);
  const cluster = listed ? (stage.clusters as unknown[])[0] : stage.cluster;
  if (!isPlainObject(cluster) || cluster.image !== undefined) return stage;
  const zones = isPlainObject(cluster.availabilityZones) ? Object.keys(cluster.availabilityZones) : [];
  const firstOf = (value: unknown): unknown => (Array.isArray(value) ? (value as unknown[])[0] : value);
  const candidates = [cluster.region, firstOf(cluster.regions), cluster.location, cluster.namespace, firstOf(cluster.namespaces), zones[0]];
  const region = candidates.find((candidate): candidate is string => typeof candidate === 'string');
  const image = upstream.map((outputs) => imageIn(outputs.deploymentDetails, region)).find((found) => found !== undefined);
  if (image === undefined) {
    const path = listed ? ['clusters', 0, 'image'] : ['cluster', 'image'];
    const where = region === undefined ? '' : ` for ${region}`;
    const message = `no image: name one, or put a bake stage before this deploy (no stage before it baked or found an image${where})`;
    throw new ValidationError(message, [{ path, message }]);
  }
  const filled = { ...cluster, image };
  return listed ? { ...stage, clusters: [filled, ...(stage.clusters as unknown[]).slice(1)] } : { ...stage, cluster: filled };
}

function imageIn(details: unknown, region: string | undefined): string | undefined {
  if (!Array.isArray(details)) return undefined;
  const entries = details.filter(isPlainObject);
  const entry = region === undefined ? entries[0] : entries.find((candidate) => candidate.region === region);
  const image = entry?.imageId ?? entry?.ami ?? entry?.imageName;
  return typeof image === 'string' && image !== '' ? image : undefined;
}
