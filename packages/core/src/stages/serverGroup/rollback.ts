import { z } from 'zod';
import { allowExpressions } from '../allowExpressions';
import { accountOf, accountShape, checkAccount } from '../fields';
import { defineStageType } from '../StageType';
import { checkLocation, checkServerGroupInCluster, clusterNameSchema, locationOf, locationShape, serverGroupNameSchema, waitForUpShape } from './fields';

/**
 * The steps that restore a decided rollback, shared by the `rollbackCluster` stage and a deploy's
 * `rollback.onFailure`: enable + resize + wait up (restoreServerGroup), then take the bad group
 * out of traffic (disableRolledBackServerGroup). Both read the decision from the stage outputs.
 */
export const RESTORE_TASKS = ['restoreServerGroup', 'disableRolledBackServerGroup'] as const;

/** What runs when a deploy with `rollback: {onFailure: true}` fails after it created its group. */
export const DEPLOY_ROLLBACK_TASKS = ['determineDeployRollback', ...RESTORE_TASKS] as const;

const restoreShape = {
  /** Share of the restored group's instances that must be up before the bad group leaves traffic (default 100). */
  targetHealthyRollbackPercentage: z.number().int().min(1).max(100).optional(),
  ...waitForUpShape,
};

/** The fields the restore tasks read, in a rollbackCluster stage or a deploy rolling back. */
export const restoreFieldsSchema = z.looseObject(restoreShape);

// Spinnaker's UI writes "" for a field left empty; here that means "not given", as for stack.
const emptyAsUnset = <S extends z.ZodType>(schema: S) => z.union([z.literal('').transform(() => undefined), schema]);

/**
 * `rollbackCluster`, in Spinnaker's field names: `cluster`, `credentials` (or Gantry's `account`),
 * a location (`regions` with one entry, `namespace`, `region`, `location`) and
 * `targetHealthyRollbackPercentage`; plus Gantry's `serverGroupName` (the group to restore,
 * default: the newest older one known healthy) and `reason` (for the audit trail).
 */
export const rollbackClusterFieldsSchema = z
  .looseObject({
    cluster: clusterNameSchema,
    ...accountShape,
    ...locationShape,
    location: emptyAsUnset(locationShape.location.unwrap()).optional(),
    serverGroupName: emptyAsUnset(serverGroupNameSchema).optional(),
    reason: z.string().max(1000).optional(),
    ...restoreShape,
  })
  .superRefine((fields, ctx) => {
    checkLocation(fields, ctx);
    checkAccount(fields, ctx);
    checkServerGroupInCluster(fields, ctx);
  });

export type RollbackClusterFields = z.output<typeof rollbackClusterFieldsSchema>;

/** The place and choice a validated rollbackCluster stage names. */
export function rollbackRequestOf(fields: RollbackClusterFields): { account: string; location?: string; cluster: string; restore?: string } {
  const location = locationOf(fields);
  return {
    account: accountOf(fields),
    cluster: fields.cluster,
    ...(location === undefined ? {} : { location }),
    ...(fields.serverGroupName === undefined ? {} : { restore: fields.serverGroupName }),
  };
}

/**
 * `rollbackCluster`: decide once which group goes back into traffic and which leaves it, then
 * restore. Outputs: restoredServerGroup, rolledBackServerGroup, rollbackDurationMs.
 */
export const rollbackClusterStage = defineStageType({
  type: 'rollbackCluster',
  fields: allowExpressions(rollbackClusterFieldsSchema),
  tasks: () => ['determineRollbackServerGroups', ...RESTORE_TASKS],
});
