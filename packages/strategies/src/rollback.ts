import { instancesWanted, isUp, olderGroups, type Capacity, type ServerGroupView } from './serverGroups';
import { selectTarget } from './target';

/**
 * Rollback: the newest server group older than the bad one that is known to have been healthy
 * takes the traffic back. It is enabled, resized to the bad group's capacity, waited on until its
 * instances are up, and only then is the bad group taken out of traffic (kept, for diagnosis).
 *
 * Two decisions: which groups (made once, by the first task, and recorded: after the rollback,
 * "the current group" is the restored one, and a re-run must not roll back again), and the next
 * step, a function of the live state only, like highlander's, so every task re-reads the cluster
 * after a crash and is told the same step again or the next one.
 */

export interface RollbackCandidates<G extends ServerGroupView = ServerGroupView> {
  /** Every live group of the cluster. */
  serverGroups: readonly G[];
  /** The group to roll back (a failed deploy's new group); default: the current one (newest in traffic). */
  rollBack?: string;
  /** An explicit group to restore; it wins over the automatic choice when it exists and is not the one rolled back. */
  restore?: string;
  /**
   * Groups Gantry's records show were once up (a deploy or rollback waited for them): a group
   * scaled to zero since still counts. A group whose instances are all up now counts too.
   */
  knownHealthy: ReadonlySet<string>;
}

export type RollbackChoice<G> = { ok: true; restore: G; rollBack: G } | { ok: false; reason: string };

export function chooseRollback<G extends ServerGroupView>(input: RollbackCandidates<G>): RollbackChoice<G> {
  const rollBack = selectTarget<G>(input.serverGroups, input.rollBack === undefined ? 'current' : { name: input.rollBack });
  if (!rollBack.ok) return { ok: false, reason: `nothing to roll back: ${rollBack.reason}` };
  const bad = rollBack.serverGroup;
  if (input.restore !== undefined) {
    const named = input.serverGroups.find((group) => group.name === input.restore);
    if (named === undefined) return { ok: false, reason: `no server group named ${input.restore} to restore` };
    if (named.name === bad.name) return { ok: false, reason: `${named.name} is the server group being rolled back; it cannot also be restored` };
    return { ok: true, restore: named, rollBack: bad };
  }
  const restore = olderGroups(bad, input.serverGroups).find((group) => wasHealthy(group, input.knownHealthy));
  if (restore === undefined) return { ok: false, reason: `no server group older than ${bad.name} is known to have been healthy` };
  return { ok: true, restore, rollBack: bad };
}

function wasHealthy(group: ServerGroupView, knownHealthy: ReadonlySet<string>): boolean {
  // "0 of 0 up" is up, but says nothing about whether the group's version ever worked.
  return knownHealthy.has(group.name) || (group.capacity.desired > 0 && isUp(group));
}

export interface RollbackState {
  /** The group being restored, as the provider reports it now. */
  restore: ServerGroupView;
  /** The group being rolled back, or null once it is gone (deleted meanwhile: it takes no traffic). */
  rollBack: ServerGroupView | null;
  /** The rolled back group's capacity when the rollback was decided: the restored group must carry that load. */
  capacity: Capacity;
  /** Share of the restored group's instances that must be up before the bad group leaves traffic (Spinnaker's targetHealthyRollbackPercentage); default 100. */
  healthyPercentage?: number;
}

export type RollbackStep =
  /** The restored group takes no traffic yet. */
  | { kind: 'enable'; serverGroup: string }
  /** The restored group has fewer instances than the load needs. */
  | { kind: 'resize'; serverGroup: string; capacity: Capacity }
  /** The restored group's instances are not all up yet. */
  | { kind: 'waitHealthy'; serverGroup: string }
  /** The restored group serves; the bad one still takes traffic. */
  | { kind: 'disable'; serverGroup: string }
  | { kind: 'done' };

export type RollbackStepKind = RollbackStep['kind'];

export const ROLLBACK_STEPS: readonly RollbackStepKind[] = ['enable', 'resize', 'waitHealthy', 'disable', 'done'];

export function nextRollbackStep(state: RollbackState): RollbackStep {
  const { restore, rollBack, capacity } = state;
  if (!restore.enabled) return { kind: 'enable', serverGroup: restore.name };
  // Never shrinks: a restored group already carrying more keeps it.
  if (restore.capacity.desired < capacity.desired) return { kind: 'resize', serverGroup: restore.name, capacity: { ...capacity } };
  // The bad group keeps its traffic until the restored one could take all of it.
  if (!hasEnoughUp(restore, state.healthyPercentage)) return { kind: 'waitHealthy', serverGroup: restore.name };
  if (rollBack !== null && rollBack.enabled) return { kind: 'disable', serverGroup: rollBack.name };
  return { kind: 'done' };
}

function hasEnoughUp(group: ServerGroupView, percentage = 100): boolean {
  if (percentage >= 100) return isUp(group);
  return group.health.up >= Math.ceil((instancesWanted(group) * percentage) / 100);
}

/** Whether `step` comes after `kind` in the rollback order (so the work of `kind` is done). */
export function isRollbackPast(step: RollbackStep, kind: RollbackStepKind): boolean {
  return ROLLBACK_STEPS.indexOf(step.kind) > ROLLBACK_STEPS.indexOf(kind);
}
