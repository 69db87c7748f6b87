import { z } from 'zod';
import { nonEmptyText as text, positiveSeconds, wholeNumber } from '../fields';
import { DYNAMIC_TARGETS, SPINNAKER_TARGETS, SUPPORTED_STRATEGIES, parseTarget } from '@gantry/strategies';
import { clusterOfServerGroup, isClusterName } from './names';

/** An instance count (numeric text too, as Spinnaker's UI writes it). */
const count = wholeNumber(0);

/** `{min, max, desired}` with min ≤ desired ≤ max, as Spinnaker writes it. */
export const capacitySchema = z
  .looseObject({ min: count, max: count, desired: count })
  .superRefine((capacity, ctx) => {
    if (capacity.min > capacity.max) ctx.addIssue({ code: 'custom', path: ['min'], message: `min (${capacity.min}) is above max (${capacity.max})` });
    else if (capacity.desired < capacity.min || capacity.desired > capacity.max) {
      ctx.addIssue({
        code: 'custom',
        path: ['desired'],
        message: `desired (${capacity.desired}) must be between min (${capacity.min}) and max (${capacity.max})`,
      });
    }
  });

export type CapacityFields = z.output<typeof capacitySchema>;

/**
 * Where a server group lives: a namespace (Kubernetes) or region (AWS/GCP). Spinnaker spells it
 * differently per stage and provider (`namespace`, `region`, `location`, and one-element `regions`
 * / `namespaces` lists on its server group stages); every spelling is accepted and must agree.
 * None at all means the account's default.
 */
export const locationShape = {
  location: text.optional(),
  namespace: text.optional(),
  region: text.optional(),
  regions: z.array(text).max(1, { error: 'one region per stage: Gantry acts on one location at a time' }).optional(),
  namespaces: z.array(text).max(1, { error: 'one namespace per stage: Gantry acts on one location at a time' }).optional(),
};

type LocationFields = { [K in keyof typeof locationShape]?: z.output<(typeof locationShape)[K]> };

const LOCATION_KEYS = Object.keys(locationShape) as (keyof LocationFields)[];

/** The one location the fields name, or undefined for the account's default. */
export function locationOf(fields: LocationFields): string | undefined {
  return locationsOf(fields)[0]?.value;
}

function locationsOf(fields: LocationFields): { key: keyof LocationFields; value: string }[] {
  return LOCATION_KEYS.flatMap((key) => {
    const value = fields[key];
    const single = Array.isArray(value) ? value[0] : value;
    return single === undefined ? [] : [{ key, value: single }];
  });
}

export function checkLocation(fields: LocationFields, ctx: z.RefinementCtx): void {
  const named = locationsOf(fields);
  const distinct = new Set(named.map((entry) => entry.value));
  if (distinct.size > 1) {
    ctx.addIssue({
      code: 'custom',
      path: [named[1]!.key],
      message: `names a different location than ${named[0]!.key}: ${named.map((entry) => `${entry.key}=${entry.value}`).join(', ')}`,
    });
  }
}

export const clusterNameSchema = z.string().refine(isClusterName, {
  error: 'expected a cluster name: application[-stack[-detail]], lower-case letters and digits',
});

export const serverGroupNameSchema = z.string().refine((name) => clusterOfServerGroup(name) !== undefined, {
  error: 'expected a server group name: <cluster>-vNNN, e.g. checkout-prod-v007',
});

/** A `serverGroupName` given together with a `cluster` must be one of that cluster's groups. */
export function checkServerGroupInCluster(fields: { serverGroupName?: string; cluster?: string }, ctx: z.RefinementCtx): void {
  if (fields.serverGroupName === undefined || fields.cluster === undefined) return;
  const owner = clusterOfServerGroup(fields.serverGroupName);
  if (owner !== undefined && owner !== fields.cluster) {
    ctx.addIssue({ code: 'custom', path: ['serverGroupName'], message: `${fields.serverGroupName} belongs to cluster ${owner}, not ${fields.cluster}` });
  }
}

const strategyMessage = (input: unknown, supported: readonly string[] = SUPPORTED_STRATEGIES) =>
  `${input === undefined ? 'strategy is required' : `unsupported strategy ${JSON.stringify(input)}`}: supported strategies are ${supported.join(', ')}`;

export const strategySchema = z
  .string({ error: (issue) => strategyMessage(issue.input) })
  .refine((value) => (SUPPORTED_STRATEGIES as readonly string[]).includes(value), { error: (issue) => strategyMessage(issue.input) });

/**
 * A deploy's strategy: one of the strategies, or Spinnaker's "none" (`strategy: ""` or no strategy
 * at all), which creates the new group and puts it in traffic, leaving the old groups as they are.
 */
export const NO_STRATEGY = 'none';
const DEPLOY_STRATEGIES: readonly string[] = [NO_STRATEGY, ...SUPPORTED_STRATEGIES];

export const deployStrategySchema = z
  .string({ error: (issue) => strategyMessage(issue.input, DEPLOY_STRATEGIES) })
  .optional()
  .transform((value) => (value === undefined || value === '' ? NO_STRATEGY : value))
  .refine((value) => DEPLOY_STRATEGIES.includes(value), { error: (issue) => strategyMessage(issue.input, DEPLOY_STRATEGIES) });

const TARGET_SPELLINGS = [...DYNAMIC_TARGETS, ...Object.keys(SPINNAKER_TARGETS)];

/** `current`, `previous`, … or Spinnaker's `current_asg_dynamic`, … (see @gantry/strategies selectTarget). */
export const targetSchema = z.string().refine((value) => parseTarget(value) !== undefined, {
  error: (issue) => `unknown target ${JSON.stringify(issue.input)}: expected one of ${TARGET_SPELLINGS.join(', ')}`,
});

/** Seconds to wait for a new server group's instances; Gantry's field (Spinnaker has none). */
export const waitForUpTimeoutSchema = positiveSeconds;

export const DEFAULT_WAIT_FOR_UP_TIMEOUT_SEC = 600;

/**
 * How long new instances may take to be up before the stage fails (default 600 s): a field of
 * every stage that waits for instances (deploy, canary, resizeServerGroup, rollbackCluster).
 */
export const waitForUpShape = { waitForUpTimeoutSec: waitForUpTimeoutSchema.optional() };

/** That field as the tasks shared by those stages (waitForUpInstances) read it. */
export const waitForUpFieldsSchema = z.looseObject(waitForUpShape);
