import type { CloudProvider } from '@gantry/providers';
import { chooseRollback } from '@gantry/strategies';
import { z } from 'zod';
import type { JsonObject } from '@gantry/store';
import type { TaskContext } from '../../Task';
import { clusterRefOf, type ChosenServerGroup } from '../../cloud/context';
import { TaskFailure } from '../../Task';

/**
 * A decided rollback, as its first task records it in the stage outputs. The restore tasks read
 * it from there, so after a crash, or once "the current group" has become the restored one, they
 * act on the same two groups and never roll back twice.
 */
export interface RollbackPlan {
  account: string;
  location?: string;
  cluster: string;
  restoredServerGroup: string;
  rolledBackServerGroup: string;
  /** The rolled back group's capacity when decided: the load the restored group must carry. */
  rollbackCapacity: { min: number; max: number; desired: number };
  /** When the rollback was asked for (ISO 8601): rollbackDurationMs runs from here. */
  rollbackRequestedAt: string;
}

export type RollbackPlace = Pick<ChosenServerGroup, 'account' | 'location' | 'cluster'>;

/**
 * "Roll back now", for any task that decides a rollback (rollbackCluster, a failed deploy, a
 * failed canary): picks the groups from the live cluster and Gantry's records, and returns the
 * outputs to record. The stage then runs RESTORE_TASKS (restoreServerGroup,
 * disableRolledBackServerGroup), which read them. Refusals (nothing healthy to restore, an
 * unknown target) are TaskFailures: TERMINAL with the reason.
 */
export async function planRollback(
  ctx: TaskContext,
  provider: CloudProvider,
  place: RollbackPlace,
  choice: { rollBack?: string; restore?: string; requestedAt: Date },
): Promise<RollbackPlan> {
  const serverGroups = await provider.listServerGroups(clusterRefOf(place));
  const knownHealthy = await ctx.services.knownHealthyServerGroups(place);
  const chosen = chooseRollback({
    serverGroups,
    knownHealthy,
    ...(choice.rollBack === undefined ? {} : { rollBack: choice.rollBack }),
    ...(choice.restore === undefined ? {} : { restore: choice.restore }),
  });
  if (!chosen.ok) throw new TaskFailure(`cannot roll back cluster ${describePlace(place)}: ${chosen.reason}`);
  const { min, max, desired } = chosen.rollBack.capacity;
  return {
    account: place.account,
    ...(place.location === undefined ? {} : { location: place.location }),
    cluster: place.cluster,
    restoredServerGroup: chosen.restore.name,
    rolledBackServerGroup: chosen.rollBack.name,
    rollbackCapacity: { min, max, desired },
    rollbackRequestedAt: choice.requestedAt.toISOString(),
  };
}

export function planOutputs(plan: RollbackPlan): JsonObject {
  return { ...plan };
}

const capacity = z.object({ min: z.number(), max: z.number(), desired: z.number() });
const planSchema = z.object({
  account: z.string().min(1),
  location: z.string().min(1).optional(),
  cluster: z.string().min(1),
  restoredServerGroup: z.string().min(1),
  rolledBackServerGroup: z.string().min(1),
  rollbackCapacity: capacity,
  rollbackRequestedAt: z.iso.datetime(),
});

/** Recorded when a deploy's rollback had nothing to do (its group was never created); the restore tasks then do nothing either. */
export const ROLLBACK_SKIPPED = 'rollbackSkipped';

/** The plan the stage recorded; null when the rollback was skipped. */
export function recordedPlan(ctx: TaskContext): RollbackPlan | null {
  const parsed = planSchema.safeParse(ctx.stage.outputs);
  if (parsed.success) return parsed.data;
  if (typeof ctx.stage.outputs[ROLLBACK_SKIPPED] === 'string') return null;
  throw new TaskFailure(`${ctx.task.name}: no rollback was recorded for this stage (restoredServerGroup, rolledBackServerGroup and rollbackCapacity are missing)`);
}

export function describePlace(place: RollbackPlace): string {
  return `${place.cluster} (account ${place.account}${place.location === undefined ? '' : `, location ${place.location}`})`;
}
