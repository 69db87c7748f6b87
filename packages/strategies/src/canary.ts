import { planTasks } from './plan';
import { redBlackTasks, type RedBlackPlanOptions, type RedBlackTask } from './redBlack';
import { isUp, type ServerGroupView } from './serverGroups';

/**
 * Canary analysis (docs/architecture.md "Strategies"): a baseline group (the production image) and a canary
 * group (the new image), both new and of the same size, run beside the production group. Traffic
 * moves to them in steps; after each step their metrics are compared over an interval, and the
 * judge's verdict decides: pass → next step, marginal → a person decides (or fail), fail → back to
 * production only. The decision is a function of the live groups and the analysis' own record of
 * what it measured, so a worker killed at any point resumes at the same place.
 */

/**
 * The plan (see plan.ts): baseline and canary groups are named and created, the analysis runs its
 * steps (`nextCanaryAction` decides each), the canary is promoted to take all traffic and must be
 * up with production's capacity, then red/black's steps from `disable` on retire the old
 * production group. Whatever fails the stage, `CANARY_ABORT_TASK` puts production back.
 */
export const CANARY_PLAN = {
  chooseGroups: 'determineCanaryServerGroups',
  createGroups: 'createCanaryServerGroups',
  analyse: 'runCanaryAnalysis',
  promote: 'promoteCanary',
  waitHealthy: 'waitForUpInstances',
  completePromotion: 'completeCanaryPromotion',
} as const;

/** The canary's on-failure task: `nextCanaryAbortStep` decides each of its steps. */
export const CANARY_ABORT_TASK = 'abortCanary';

type CanaryTask = (typeof CANARY_PLAN)[keyof typeof CANARY_PLAN];

/** The tasks of a canary stage whose promotion is red/black with these options. */
export function canaryTasks(promotion: RedBlackPlanOptions): (CanaryTask | RedBlackTask)[] {
  return [...planTasks(CANARY_PLAN), ...redBlackTasks(promotion, 'disable')];
}

export type CanaryVerdict = 'pass' | 'marginal' | 'fail';

export interface CanaryAnalysisPlan {
  /** Percent of traffic the canary gets at each step (the baseline gets as much). */
  steps: readonly number[];
  /** Metrics right after a traffic change are discarded for this long (caches, JIT, connection pools). */
  warmupMs: number;
  /** How long each step's metrics are collected before they are judged. */
  intervalMs: number;
  /** What a marginal score leads to: a manual judgment, or failing as Kayenta does by default. */
  onMarginal: 'judgment' | 'fail';
}

/** What the analysis has recorded so far (the task's state). */
export interface CanaryProgress {
  /** Index into `steps` of the step in progress. */
  step: number;
  /** When the traffic of the step in progress was set (ms); undefined until it is. */
  stepStartedAt?: number;
  /** The verdict of each finished step, in order. */
  verdicts: CanaryVerdict[];
  /** Set once a judgment was asked for after a marginal step. */
  awaitingJudgment?: boolean;
  /** Set once the analysis failed: from then on only the rollback goes on. */
  failed?: string;
}

export interface CanaryGroups {
  production: ServerGroupView;
  baseline: ServerGroupView | null;
  canary: ServerGroupView | null;
}

/** The three groups as read from the cloud, production too possibly gone. */
export type CanaryGroupsIfAny = Omit<CanaryGroups, 'production'> & { production: ServerGroupView | null };

export type CanaryAction =
  /** Baseline or canary is not up yet (they take no traffic until they are). */
  | { kind: 'waitHealthy'; serverGroups: string[] }
  | { kind: 'setWeights'; weights: Record<string, number>; step: number }
  /** Metrics are still being collected for the step in progress. */
  | { kind: 'collect'; untilMs: number }
  /** Time to judge the step in progress over [start, end]. */
  | { kind: 'judge'; step: number; startMs: number; endMs: number }
  | { kind: 'awaitJudgment'; step: number }
  /** Traffic back to production only, then baseline and canary go. */
  | { kind: 'rollback'; weights: Record<string, number>; destroy: string[]; reason: string }
  /** Rolled back: the stage fails with `reason`. */
  | { kind: 'failed'; reason: string }
  /** Every step passed: promote the canary. */
  | { kind: 'passed' };

/** Production gets what baseline and canary do not; both get `percent`. */
export function canaryWeights(groups: { production: string; baseline: string; canary: string }, percent: number): Record<string, number> {
  return { [groups.production]: 100 - 2 * percent, [groups.baseline]: percent, [groups.canary]: percent };
}

/** Refuses steps that cannot be given to both baseline and canary (each at most half the traffic). */
export function checkCanarySteps(steps: readonly number[]): string | undefined {
  if (steps.length === 0) return 'give at least one step';
  for (const [index, step] of steps.entries()) {
    if (!Number.isInteger(step)) return `step ${index} (${step} %) must be a whole percentage`;
    if (!(step > 0 && step <= 50)) return `step ${index} (${step} %) must be more than 0 and at most 50: baseline and canary each get that share`;
    const previous = steps[index - 1];
    if (previous !== undefined && step <= previous) return `step ${index} (${step} %) must be more than the step before it (${previous} %)`;
  }
  return undefined;
}

export function nextCanaryAction(plan: CanaryAnalysisPlan, groups: CanaryGroups, progress: CanaryProgress, nowMs: number): CanaryAction {
  const { production, baseline, canary } = groups;
  if (progress.failed !== undefined) return rollbackOrFailed(groups, progress.failed);
  if (baseline === null || canary === null) {
    return rollbackOrFailed(groups, `the ${baseline === null ? 'baseline' : 'canary'} server group disappeared during the analysis`);
  }
  const names = { production: production.name, baseline: baseline.name, canary: canary.name };
  const pending = [baseline, canary].filter((group) => !isUp(group));
  if (pending.length > 0) {
    // Once traffic flows to them, a group going down is a failed canary, not a slow start.
    if (progress.stepStartedAt !== undefined) return rollbackOrFailed(groups, `${pending.map((group) => group.name).join(' and ')} went down during the analysis`);
    return { kind: 'waitHealthy', serverGroups: pending.map((group) => group.name) };
  }
  const last = progress.verdicts[progress.verdicts.length - 1];
  if (last === 'fail') return rollbackOrFailed(groups, `step ${progress.verdicts.length} failed the canary analysis`);
  if (last === 'marginal' && progress.verdicts.length === progress.step + 1) {
    if (plan.onMarginal === 'fail') return rollbackOrFailed(groups, `step ${progress.verdicts.length} was marginal`);
    return { kind: 'awaitJudgment', step: progress.step };
  }
  if (progress.verdicts.length === plan.steps.length) return { kind: 'passed' };
  const percent = plan.steps[progress.step];
  if (percent === undefined) return { kind: 'passed' };
  if (progress.stepStartedAt === undefined) return { kind: 'setWeights', weights: canaryWeights(names, percent), step: progress.step };
  const startMs = progress.stepStartedAt + plan.warmupMs;
  const endMs = startMs + plan.intervalMs;
  if (nowMs < endMs) return { kind: 'collect', untilMs: endMs };
  return { kind: 'judge', step: progress.step, startMs, endMs };
}

/** The progress after a step's verdict: a passed (or judged-through) step moves on to the next. */
export function recordVerdict(progress: CanaryProgress, verdict: CanaryVerdict): CanaryProgress {
  const verdicts = [...progress.verdicts, verdict];
  if (verdict !== 'pass') return { ...progress, verdicts };
  return { step: progress.step + 1, verdicts };
}

/** A person let a marginal step through: on to the next step, as if it had passed. */
export function continueAfterJudgment(progress: CanaryProgress): CanaryProgress {
  return { step: progress.step + 1, verdicts: progress.verdicts };
}

function rollbackOrFailed(groups: CanaryGroups, reason: string): CanaryAction {
  const extra = [groups.baseline, groups.canary].filter((group): group is ServerGroupView => group !== null);
  if (extra.length === 0) return { kind: 'failed', reason };
  return { kind: 'rollback', weights: { [groups.production.name]: 100 }, destroy: extra.map((group) => group.name), reason };
}

/** The canary stage failed some other way (a timeout, a provider error): one step of putting production back. */
export type CanaryAbort =
  /** Traffic to production only, then baseline and canary go. */
  | { kind: 'restore'; weights: Record<string, number>; destroy: string[] }
  /** The promotion had finished: the canary is production now and stays; the baseline (only a yardstick) goes. */
  | { kind: 'destroyBaseline'; serverGroup: string }
  | { kind: 'done'; restored: boolean };

/**
 * Until the promotion finished, the old production group is the one known to be good: whatever made
 * the stage fail, it takes all traffic again and the canary keeps none (Argo Rollouts' abort).
 * After the promotion, undoing it is a rollback's decision, not an abort's. With production gone
 * there is nothing safe to route to, so traffic stays as it is.
 */
export function nextCanaryAbortStep(groups: CanaryGroupsIfAny, promoted: boolean): CanaryAbort {
  const { production, baseline, canary } = groups;
  if (promoted) return baseline === null ? { kind: 'done', restored: false } : { kind: 'destroyBaseline', serverGroup: baseline.name };
  if (production === null) return { kind: 'done', restored: false };
  const extra = [baseline, canary].filter((group): group is ServerGroupView => group !== null);
  if (extra.length === 0 && production.enabled) return { kind: 'done', restored: true };
  return { kind: 'restore', weights: { [production.name]: 100 }, destroy: extra.map((group) => group.name) };
}
