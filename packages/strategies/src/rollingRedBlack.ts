import { planTasks } from './plan';
import { REDBLACK_PLAN, redBlackTasks, type RedBlackPlanOptions, type RedBlackTask } from './redBlack';
import { describeHealth, isUp, olderGroups, type Capacity, type ServerGroupView } from './serverGroups';

/**
 * Rolling red/black: the new server group, up at full capacity and out of traffic, takes traffic in
 * steps (`targetPercentages`, e.g. 10, 25, 50, 100 %) while the old groups that served share the
 * rest. Each step holds until the new group is up again and at least `pause` has passed; an
 * instance down, or the group not up within `upTimeoutMs` of the step, fails the rollout and the
 * traffic is undone: the old groups take all of it again and the new group is disabled. At 100 %
 * the old groups take none; cleaning them up is red/black's (see redBlack.ts). A provider that
 * approximates weights by replica ratio resizes the groups on the way, so the new group is then
 * given back the capacity the deploy asked for, and must be up with it, before the rollout is done.
 *
 * Unlike red/black, the steps cannot be read back from the cloud (weights are not part of a
 * server group's view), so the stage records its progress and the decision is a function of that
 * record, the live groups and the time. The record only ever grows by facts (a step applied, a
 * step seen healthy, a failure): a task that crashes before recording repeats one idempotent call.
 */

export const DEFAULT_TARGET_PERCENTAGES: readonly number[] = [10, 25, 50, 100];

/**
 * The plan (see plan.ts): the new group comes up and may be verified as in red/black, then one
 * task rolls the traffic over in steps (`nextRollingStep` decides each), then red/black's own
 * steps from `disable` on clean up the old groups.
 */
export const ROLLING_REDBLACK_PLAN = {
  waitHealthy: REDBLACK_PLAN.waitHealthy,
  verify: REDBLACK_PLAN.verify,
  rollTraffic: 'rollTrafficInSteps',
} as const;

type RollingRedBlackTask = (typeof ROLLING_REDBLACK_PLAN)[keyof typeof ROLLING_REDBLACK_PLAN];

/** The tasks a rolling red/black deploy runs once its new group exists (its steps hold for `pause`, not red/black's delay before disable). */
export function rollingRedBlackTasks(options: RedBlackPlanOptions): (RollingRedBlackTask | RedBlackTask)[] {
  return [...planTasks(ROLLING_REDBLACK_PLAN, { skip: { verify: !options.verify } }), ...redBlackTasks(options, 'disable')];
}

export interface RollingProgress {
  /** The older groups that took traffic when the rollout began; they share what the new group does not take. */
  servingBefore: string[];
  /** Percentages the new group held healthily, in order. */
  completed: number[];
  /** Percentages someone allowed through a manual judgment (when steps are judged). */
  judged?: number[];
  /** The step applied last and not completed yet, with when it was applied (epoch ms). */
  current?: { percentage: number; appliedAt: number };
  /** When the new group was given back its capacity after the last step (epoch ms). */
  resizedAt?: number;
  /** Why the rollout failed, and at which step; from then on only the undo is left. */
  failure?: { percentage: number; reason: string };
}

export interface RollingState {
  newServerGroup: ServerGroupView;
  serverGroups: readonly ServerGroupView[];
  targetPercentages: readonly number[];
  /** The new group's capacity as the deploy asked for it. */
  capacity: Capacity;
  /** How long each step but the last holds at least. */
  pauseMs: number;
  /** Whether each step after the first waits for a manual judgment. */
  judgeSteps: boolean;
  /** How long the new group may take to be up again after a step. */
  upTimeoutMs: number;
  progress: RollingProgress;
  now: number;
}

export type RollingStep =
  /** The next step waits for someone's judgment. */
  | { kind: 'awaitJudgment'; percentage: number }
  /** Send `percentage` % to the new group: these weights describe the whole cluster. */
  | { kind: 'apply'; percentage: number; weights: Record<string, number> }
  /** The current step holds; look again by `until` at the latest (epoch ms), or soon when undefined. */
  | { kind: 'hold'; percentage: number; until?: number }
  /** The current step held: record it. */
  | { kind: 'complete'; percentage: number }
  /** Every step held, but weighting resized the new group: give it back its capacity. */
  | { kind: 'resize'; percentage: number; serverGroup: string; capacity: Capacity }
  /** The current step failed: record why (the undo follows). */
  | { kind: 'fail'; percentage: number; reason: string }
  /** Traffic back to the old groups (weights; empty when none is left) and the new group out of traffic. */
  | { kind: 'undo'; weights: Record<string, number>; serverGroup: string; percentage: number; reason: string }
  /** Undone: the stage fails with this reason. */
  | { kind: 'failed'; percentage: number; reason: string }
  | { kind: 'done' };

/** The older groups in traffic now, newest first: those the new group takes traffic from. */
export function servingOlderGroups(created: ServerGroupView, serverGroups: readonly ServerGroupView[]): string[] {
  return olderGroups(created, serverGroups)
    .filter((group) => group.enabled)
    .map((group) => group.name);
}

export function nextRollingStep(state: RollingState): RollingStep {
  const { progress, newServerGroup: created } = state;
  const remaining = state.serverGroups.map((group) => group.name);
  const oldGroups = progress.servingBefore.filter((name) => remaining.includes(name));
  if (progress.failure !== undefined) return undoStep(state, oldGroups, progress.failure);

  if (progress.current === undefined) {
    const steps = stepsOf(state);
    const percentage = steps.find((target) => !progress.completed.includes(target));
    if (percentage === undefined) return finalStep(state);
    // Traffic only ever goes to a group that is up; the wait for that came before the rollout.
    if (!isUp(created)) return { kind: 'fail', percentage, reason: `${created.name} is not up (${describeHealth(created.health)})` };
    const first = percentage === steps[0];
    if (state.judgeSteps && !first && !(progress.judged ?? []).includes(percentage)) return { kind: 'awaitJudgment', percentage };
    return { kind: 'apply', percentage, weights: weightsFor(percentage, created.name, oldGroups) };
  }

  const { percentage, appliedAt } = progress.current;
  if (created.health.down > 0) {
    return { kind: 'fail', percentage, reason: `${created.name} has ${created.health.down} instance(s) down (${describeHealth(created.health)})` };
  }
  if (!isUp(created)) {
    if (state.now - appliedAt >= state.upTimeoutMs) {
      const reason = `${created.name} was not up within ${state.upTimeoutMs / 1000} s (${describeHealth(created.health)})`;
      return { kind: 'fail', percentage, reason };
    }
    return { kind: 'hold', percentage };
  }
  const last = percentage === state.targetPercentages[state.targetPercentages.length - 1];
  const holdUntil = appliedAt + state.pauseMs;
  if (!last && state.now < holdUntil) return { kind: 'hold', percentage, until: holdUntil };
  return { kind: 'complete', percentage };
}

/** The percentages to go through: with no group that served before, there is no one to share with, so only the last. */
function stepsOf(state: RollingState): readonly number[] {
  return state.progress.servingBefore.length === 0 ? state.targetPercentages.slice(-1) : state.targetPercentages;
}

function finalStep(state: RollingState): RollingStep {
  const { newServerGroup: created, capacity, progress } = state;
  const last = state.targetPercentages[state.targetPercentages.length - 1] ?? 100;
  if (created.capacity.desired !== capacity.desired) return { kind: 'resize', percentage: last, serverGroup: created.name, capacity };
  if (isUp(created)) return { kind: 'done' };
  if (progress.resizedAt !== undefined && state.now - progress.resizedAt < state.upTimeoutMs) return { kind: 'hold', percentage: last };
  const after = progress.resizedAt === undefined ? 'after the last step' : `within ${state.upTimeoutMs / 1000} s of getting back its capacity`;
  return { kind: 'fail', percentage: last, reason: `${created.name} was not up ${after} (${describeHealth(created.health)})` };
}

function undoStep(state: RollingState, oldGroups: string[], failure: { percentage: number; reason: string }): RollingStep {
  const created = state.newServerGroup;
  const undone = !created.enabled && state.serverGroups.filter((group) => oldGroups.includes(group.name)).every((group) => group.enabled);
  if (undone) return { kind: 'failed', ...failure };
  return { kind: 'undo', weights: oldGroups.length === 0 ? {} : shares(oldGroups, 100), serverGroup: created.name, ...failure };
}

/**
 * `percentage` to the new group, the rest shared by the old groups as evenly as whole numbers
 * allow (the newest gets a remainder first). With no old group left, the new one takes it all.
 */
export function weightsFor(percentage: number, created: string, oldGroups: readonly string[]): Record<string, number> {
  if (oldGroups.length === 0) return { [created]: 100 };
  return { [created]: percentage, ...shares(oldGroups, 100 - percentage) };
}

function shares(groups: readonly string[], total: number): Record<string, number> {
  const base = Math.floor(total / groups.length);
  const extra = total - base * groups.length;
  return Object.fromEntries(groups.map((name, index) => [name, base + (index < extra ? 1 : 0)]));
}

/** Why these target percentages cannot be rolled through, or undefined: increasing, within 1..100, ending at 100. */
export function targetPercentagesProblem(percentages: readonly number[]): string | undefined {
  if (percentages.length === 0) return 'must list at least one percentage (the last one 100)';
  const outside = percentages.filter((p) => !Number.isInteger(p) || p < 1 || p > 100);
  if (outside.length > 0) return `must be whole numbers from 1 to 100: ${outside.join(', ')}`;
  const backwards = percentages.findIndex((p, index) => index > 0 && p <= percentages[index - 1]!);
  if (backwards !== -1) return `must increase: ${percentages[backwards]} follows ${percentages[backwards - 1]}`;
  if (percentages[percentages.length - 1] !== 100) return `must end at 100 (the new group takes all traffic last), not ${percentages[percentages.length - 1]}`;
  return undefined;
}
