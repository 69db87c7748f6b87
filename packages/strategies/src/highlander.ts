import { planTasks, stepOrder, type StepTasks } from './plan';
import { isUp, olderGroups, type ServerGroupView } from './serverGroups';

/**
 * Highlander ("there can be only one"): the new server group comes up, goes into traffic, then
 * every older group of the cluster is taken out of traffic and destroyed.
 *
 * The decision is a function of the live state only, so each task that carries a step out can
 * re-read the cluster after a crash or a retry and be told the same thing again, or the next
 * thing once its work shows: nothing about progress is remembered outside the cloud itself.
 */
export interface HighlanderState {
  /** The group this deployment created, as the provider reports it now. */
  newServerGroup: ServerGroupView;
  /** Every live group of the cluster (the new one may be among them; it is never acted on). */
  serverGroups: readonly ServerGroupView[];
}

export type HighlanderStep =
  /** The new group does not have all its instances up yet. */
  | { kind: 'waitHealthy'; serverGroup: string }
  /** The new group is up but takes no traffic yet (strategies create it disabled). */
  | { kind: 'enable'; serverGroup: string }
  /** These older groups still take traffic; newest first. */
  | { kind: 'disable'; serverGroups: string[] }
  /** These older groups are out of traffic and can go; newest first. */
  | { kind: 'destroy'; serverGroups: string[] }
  | { kind: 'done' };

export type HighlanderStepKind = HighlanderStep['kind'];

/** The steps in the order they happen, each with the task that carries it out (see plan.ts). */
export const HIGHLANDER_PLAN = {
  waitHealthy: 'waitForUpInstances',
  enable: 'enableServerGroup',
  disable: 'disableOldServerGroups',
  destroy: 'destroyOldServerGroups',
} as const satisfies StepTasks<HighlanderStepKind>;

export const HIGHLANDER_STEPS = stepOrder<HighlanderStepKind>(HIGHLANDER_PLAN);

/** The tasks a highlander deploy runs once its new group exists: every step, none is optional. */
export function highlanderTasks(): (typeof HIGHLANDER_PLAN)[keyof typeof HIGHLANDER_PLAN][] {
  return planTasks(HIGHLANDER_PLAN);
}

export function nextHighlanderStep(state: HighlanderState): HighlanderStep {
  const created = state.newServerGroup;
  // Old groups keep serving until the new one could take over: this check comes first, always.
  if (!isUp(created)) return { kind: 'waitHealthy', serverGroup: created.name };
  if (!created.enabled) return { kind: 'enable', serverGroup: created.name };
  const older = olderGroups(created, state.serverGroups);
  const serving = older.filter((group) => group.enabled);
  if (serving.length > 0) return { kind: 'disable', serverGroups: serving.map((group) => group.name) };
  if (older.length > 0) return { kind: 'destroy', serverGroups: older.map((group) => group.name) };
  return { kind: 'done' };
}

/** Whether `step` comes after `kind` in the highlander order (so the work of `kind` is done). */
export function isPast(step: HighlanderStep, kind: HighlanderStepKind): boolean {
  return HIGHLANDER_STEPS.indexOf(step.kind) > HIGHLANDER_STEPS.indexOf(kind);
}
