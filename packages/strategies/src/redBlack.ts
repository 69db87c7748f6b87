import { planTasks, stepOrder, type StepTasks } from './plan';
import { isUp, olderGroups, type ServerGroupView } from './serverGroups';

/**
 * Red/black (alias blue/green): the new server group comes up out of traffic, may be verified
 * (a manual judgment) before it takes any, goes into traffic next to the old groups, then the old
 * groups are taken out of traffic but kept at their size for a while (a rollback is then only an
 * enable away), scaled to 0, and the cluster is shrunk to `maxRemainingServerGroups` groups.
 *
 * The order of `REDBLACK_PLAN` is the whole strategy. Steps that the cloud shows (healthy,
 * enabled, disabled, scaled, destroyed) are read from the live state; steps that only the stage
 * knows about (a judgment answered, a delay elapsed) are the `gates` it has recorded as passed.
 * A task asks with what it knows and gets the same answer again after a crash, or the next step
 * once its work shows.
 */

/** Steps that only the stage's own record can tell are behind it. */
export type RedBlackGate = 'verify' | 'delayBeforeDisable' | 'delayBeforeScaleDown';

export interface RedBlackOptions {
  /** Resize the old groups to 0 once out of traffic (Spinnaker's `scaleDown`). */
  scaleDown: boolean;
  /** Groups the cluster keeps, the new one included (Spinnaker's `maxRemainingAsgs`). */
  maxRemainingServerGroups: number;
}

export interface RedBlackState {
  /** The group this deployment created, as the provider reports it now. */
  newServerGroup: ServerGroupView;
  /** Every live group of the cluster (the new one may be among them). */
  serverGroups: readonly ServerGroupView[];
  options: RedBlackOptions;
  /** Gates the stage has passed (a gate without its option configured counts as passed). */
  passed: ReadonlySet<RedBlackGate>;
}

export type RedBlackStep =
  /** The new group does not have all its instances up. */
  | { kind: 'waitHealthy'; serverGroup: string }
  /** Up, awaiting verification before any traffic. */
  | { kind: 'verify'; serverGroup: string }
  /** Up and verified, not in traffic yet. */
  | { kind: 'enable'; serverGroup: string }
  /** New and old groups serve together until the delay has passed. */
  | { kind: 'delayBeforeDisable' }
  /** These older groups still take traffic; newest first. */
  | { kind: 'disable'; serverGroups: string[] }
  /** The old groups are out of traffic and kept at size until the delay has passed. */
  | { kind: 'delayBeforeScaleDown' }
  /** These older, disabled groups still have instances; newest first. */
  | { kind: 'scaleDown'; serverGroups: string[] }
  /** These older groups are beyond maxRemainingServerGroups; newest first. */
  | { kind: 'destroy'; serverGroups: string[] }
  | { kind: 'done' };

export type RedBlackStepKind = RedBlackStep['kind'];

/**
 * The steps in the order they happen, each with the task that carries it out (see plan.ts). The
 * verification, the delays and the scale-down are optional: `redBlackTasks` plans them only when
 * the deploy asks for them, and `nextRedBlackStep` counts one not asked for as passed.
 */
export const REDBLACK_PLAN = {
  waitHealthy: 'waitForUpInstances',
  verify: 'waitForJudgment',
  enable: 'enableServerGroup',
  delayBeforeDisable: 'waitBeforeDisable',
  disable: 'disableOldServerGroups',
  delayBeforeScaleDown: 'waitBeforeScaleDown',
  scaleDown: 'scaleDownOldServerGroups',
  destroy: 'shrinkCluster',
} as const satisfies StepTasks<RedBlackStepKind>;

export const REDBLACK_STEPS = stepOrder<RedBlackStepKind>(REDBLACK_PLAN);

export type RedBlackTask = (typeof REDBLACK_PLAN)[keyof typeof REDBLACK_PLAN];

/** Which of red/black's optional steps a deploy asked for. */
export interface RedBlackPlanOptions {
  /** A manual judgment once the new group is up, before it takes traffic. */
  verify: boolean;
  /** A delay before the old groups leave traffic. */
  delayBeforeDisable: boolean;
  /** Whether the old groups are scaled to 0 (`RedBlackOptions.scaleDown`). */
  scaleDown: boolean;
  /** A delay before that scale-down. */
  delayBeforeScaleDown: boolean;
}

/**
 * The tasks a red/black deploy runs once its new group exists, from step `from` on (rolling
 * red/black and the canary's promotion take over red/black at `disable`, for the old groups).
 */
export function redBlackTasks(options: RedBlackPlanOptions, from: Exclude<RedBlackStepKind, 'done'> = 'waitHealthy'): RedBlackTask[] {
  return planTasks(REDBLACK_PLAN, {
    from,
    skip: {
      verify: !options.verify,
      delayBeforeDisable: !options.delayBeforeDisable,
      delayBeforeScaleDown: !(options.scaleDown && options.delayBeforeScaleDown),
      scaleDown: !options.scaleDown,
    },
  });
}

/** Spinnaker keeps two groups (the new one and the one it replaced) unless told otherwise. */
export const DEFAULT_MAX_REMAINING_SERVER_GROUPS = 2;

export function nextRedBlackStep(state: RedBlackState): RedBlackStep {
  const created = state.newServerGroup;
  // Nothing old is touched while the new group could not take over: this check comes first, always.
  if (!isUp(created)) return { kind: 'waitHealthy', serverGroup: created.name };
  if (!created.enabled && !state.passed.has('verify')) return { kind: 'verify', serverGroup: created.name };
  if (!created.enabled) return { kind: 'enable', serverGroup: created.name };
  const older = olderGroups(state.newServerGroup, state.serverGroups);
  const serving = older.filter((group) => group.enabled);
  if (serving.length > 0) {
    if (!state.passed.has('delayBeforeDisable')) return { kind: 'delayBeforeDisable' };
    return { kind: 'disable', serverGroups: names(serving) };
  }
  const { kept, excess } = splitByRetention(older, state.options.maxRemainingServerGroups);
  const scaled = state.options.scaleDown ? kept.filter((group) => group.capacity.desired > 0) : [];
  if (scaled.length > 0) {
    if (!state.passed.has('delayBeforeScaleDown')) return { kind: 'delayBeforeScaleDown' };
    return { kind: 'scaleDown', serverGroups: names(scaled) };
  }
  if (excess.length > 0) return { kind: 'destroy', serverGroups: names(excess) };
  return { kind: 'done' };
}

/** Whether `step` comes after `kind` in the red/black order (so the work of `kind` is done). */
export function isPastRedBlack(step: RedBlackStep, kind: RedBlackStepKind): boolean {
  return REDBLACK_STEPS.indexOf(step.kind) > REDBLACK_STEPS.indexOf(kind);
}

/** The gates that come before step `kind`: a task running at `kind` has, by the plan's order, passed them. */
export function gatesBefore(kind: RedBlackStepKind): Set<RedBlackGate> {
  const position = REDBLACK_STEPS.indexOf(kind);
  const gates: RedBlackGate[] = ['verify', 'delayBeforeDisable', 'delayBeforeScaleDown'];
  return new Set(gates.filter((gate) => REDBLACK_STEPS.indexOf(gate) < position));
}

/** The new group counts towards the groups kept, so `kept` holds the newest `max - 1` older ones. */
function splitByRetention(olderNewestFirst: ServerGroupView[], maxRemaining: number): { kept: ServerGroupView[]; excess: ServerGroupView[] } {
  const keep = Math.max(0, maxRemaining - 1);
  return { kept: olderNewestFirst.slice(0, keep), excess: olderNewestFirst.slice(keep) };
}

function names(groups: readonly ServerGroupView[]): string[] {
  return groups.map((group) => group.name);
}
