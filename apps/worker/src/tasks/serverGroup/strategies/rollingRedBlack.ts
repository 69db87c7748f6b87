import {
  AWAITING_JUDGMENT_OUTPUT,
  waitForUpFieldsSchema,
  judgesSteps,
  strategyDelaysMs,
  targetPercentagesOf,
  waitForUpTimeoutMs,
} from '@gantry/core';
import { nullIfNotFound, type CloudProvider } from '@gantry/providers';
import type { JsonObject } from '@gantry/store';
import { nextRollingStep, servingOlderGroups, type RollingProgress, type RollingStep } from '@gantry/strategies';
import { z } from 'zod';
import { TransientTaskError, type TaskResult } from '../../Task';
import { JUDGMENT_POLL_MS, stepJudgment } from '../../waitForJudgment';
import { clusterRefOf, chosenServerGroup, describeServerGroup, providerFor, refOf, type ChosenServerGroup } from '../../cloud/context';
import { readFields } from '../../readFields';
import { deployClusterFor } from '../cloneServerGroup';
import { classifyFailure, serverGroupTask } from '../../cloud/failures';
import { readCluster } from '../oldGroupsTask';
import { ACT_AGAIN_MS, nextPollMs } from '../../cloud/poll';
import { rebaseServerGroups } from '../desiredState';

/**
 * `deploy` (rolling red/black): moves traffic to the new group in `targetPercentages` steps with
 * a health check at each (rollingRedBlack.ts decides). The progress lives in the task's state and
 * each entry is committed before the step it allows is carried out, so a crash repeats at most
 * one idempotent provider call:
 * - the old groups that served are recorded on the first run, before any weight changes;
 * - a step is recorded as applied after its weights were set (a crash before that sets them again);
 * - a step judgment (`judgment.betweenSteps`) is read from the stage context, where the API wrote
 *   it, so a re-run reads the same answer;
 * - after the last step, a new group that weighting resized (replica-ratio providers) is given back
 *   the deploy's capacity and must be up with it;
 * - a failure is recorded before the undo starts, so a resumed worker goes on undoing it, and the
 *   stage fails only once the old groups serve again and the new one does not;
 * - weights and resizes may change groups' capacity (replica-ratio providers): each such step's
 *   result re-bases the groups' desired state for drift on what they run then.
 */


const progressSchema = z.object({
  servingBefore: z.array(z.string()),
  completed: z.array(z.number()),
  judged: z.array(z.number()).optional(),
  current: z.object({ percentage: z.number(), appliedAt: z.number() }).optional(),
  resizedAt: z.number().optional(),
  failure: z.object({ percentage: z.number(), reason: z.string() }).optional(),
});

export const rollTrafficInStepsTask = serverGroupTask({
  name: 'rollTrafficInSteps',
  async run(ctx) {
    const chosen = chosenServerGroup(ctx);
    const fields = readFields(waitForUpFieldsSchema, ctx);
    const cluster = deployClusterFor(ctx);
    const { provider } = providerFor(ctx, chosen.account);
    const live = await readCluster(provider, chosen);
    const recorded = progressSchema.safeParse(ctx.task.state);
    if (!recorded.success) {
      const progress: RollingProgress = { servingBefore: servingOlderGroups(live.newServerGroup, live.serverGroups), completed: [] };
      return { status: 'RUNNING', retryAfterMs: 1, state: { ...progress }, outputs: { completedPercentages: [] } };
    }
    const progress: RollingProgress = recorded.data;
    const targetPercentages = targetPercentagesOf(cluster);
    const now = Date.now();
    const step = nextRollingStep({
      ...live,
      targetPercentages,
      capacity: cluster.capacity,
      pauseMs: strategyDelaysMs(cluster).beforeNextStep,
      judgeSteps: judgesSteps(cluster),
      upTimeoutMs: waitForUpTimeoutMs(fields),
      progress,
      now,
    });
    // Outputs only when they change: a hold polls for minutes and need not rewrite them each time.
    const record = (next: RollingProgress, retryAfterMs = ACT_AGAIN_MS, outputs?: JsonObject, effect?: TaskResult['effect']): TaskResult => ({
      status: 'RUNNING',
      retryAfterMs,
      state: { ...next },
      ...(outputs === undefined ? {} : { outputs }),
      ...(effect === undefined ? {} : { effect }),
    });
    const rebased = (names: readonly string[]) => rebaseServerGroups(ctx, provider, [...new Set([chosen.serverGroupName, ...names])].map((name) => ({ ...refOf(chosen), name })));

    switch (step.kind) {
      case 'awaitJudgment': {
        const name = stepJudgmentName(step.percentage);
        const answer = stepJudgment(ctx, name);
        // The API runs the task again the moment someone judges: this slow poll is only a safety net.
        if (answer === undefined) return record(progress, JUDGMENT_POLL_MS, { [AWAITING_JUDGMENT_OUTPUT]: name });
        if (answer.judgmentStatus === 'continue') {
          return record({ ...progress, judged: [...(progress.judged ?? []), step.percentage] }, ACT_AGAIN_MS, { [AWAITING_JUDGMENT_OUTPUT]: null });
        }
        const reason = `judged "${answer.judgmentStatus}" by ${answer.lastModifiedBy ?? 'an unknown user'} before the step`;
        return record({ ...progress, failure: { percentage: step.percentage, reason } }, ACT_AGAIN_MS, { [AWAITING_JUDGMENT_OUTPUT]: null });
      }
      case 'apply': {
        const failed = await attempt(() => provider.setTrafficWeights(clusterRefOf(chosen), step.weights));
        if (failed !== undefined) return record({ ...progress, failure: { percentage: step.percentage, reason: failed } });
        return record({ ...progress, current: { percentage: step.percentage, appliedAt: now } }, ACT_AGAIN_MS, { trafficWeights: step.weights }, await rebased(Object.keys(step.weights)));
      }
      case 'hold':
        return record(progress, nextPollMs(ctx.task.polls, step.until === undefined ? Infinity : step.until - now));
      case 'complete': {
        const { current: _done, ...rest } = progress;
        const completed = [...progress.completed, step.percentage];
        return record({ ...rest, completed }, ACT_AGAIN_MS, { completedPercentages: completed });
      }
      case 'resize': {
        // The time first: a resize whose record a crash lost would otherwise look like a group gone down.
        if (progress.resizedAt === undefined) return record({ ...progress, resizedAt: now }, 1);
        const failed = await attempt(() => provider.resize(refOf(chosen), step.capacity));
        if (failed !== undefined) return record({ ...progress, failure: { percentage: step.percentage, reason: failed } });
        return record(progress, ACT_AGAIN_MS, undefined, await rebased([]));
      }
      case 'fail':
        return record({ ...progress, failure: { percentage: step.percentage, reason: step.reason } });
      case 'undo': {
        const failed = await attempt(() => undo(provider, chosen, step));
        if (failed === undefined) return record(progress, ACT_AGAIN_MS, undefined, await rebased(Object.keys(step.weights)));
        return { status: 'TERMINAL', error: `${failureMessage(step, targetPercentages, chosen, progress)}; undoing it failed: ${failed}`, outputs: { completedPercentages: progress.completed } };
      }
      case 'failed':
        return { status: 'TERMINAL', error: `${failureMessage(step, targetPercentages, chosen, progress)}; ${undoneMessage(chosen, progress)}`, outputs: { completedPercentages: progress.completed } };
      case 'done':
        return { status: 'SUCCEEDED', outputs: { completedPercentages: progress.completed } };
    }
  },
});

/** What the API calls the judgment before the step to `percentage` %. */
function stepJudgmentName(percentage: number): string {
  return `step${percentage}`;
}

/** Traffic back to the old groups, then the new one out of it (weights alone do not disable where none are left). */
async function undo(provider: CloudProvider, chosen: ChosenServerGroup, step: Extract<RollingStep, { kind: 'undo' }>): Promise<void> {
  if (Object.keys(step.weights).length > 0) await provider.setTrafficWeights(clusterRefOf(chosen), step.weights);
  // Deleted meanwhile: it takes no traffic, which is the goal.
  await nullIfNotFound(provider.disable(refOf(chosen)));
}

/**
 * Runs a provider call; a failure that will not heal comes back as its message, so the rollout can
 * be undone. One that may heal is left to the engine's retries (the same step is tried again).
 */
async function attempt(call: () => Promise<void>): Promise<string | undefined> {
  try {
    await call();
    return undefined;
  } catch (error) {
    const outcome = classifyFailure(error);
    if (outcome.kind === 'terminal') return outcome.message;
    if (outcome.kind === 'retry') throw new TransientTaskError(outcome.message, { cause: error });
    throw error;
  }
}

function failureMessage(
  step: { percentage: number; reason: string },
  targetPercentages: readonly number[],
  chosen: ChosenServerGroup,
  progress: RollingProgress,
): string {
  const position = targetPercentages.indexOf(step.percentage) + 1;
  const held = progress.completed.length === 0 ? 'none held yet' : `held ${progress.completed.map((p) => `${p}%`).join(', ')}`;
  return `rolling red/black of ${describeServerGroup(chosen)} failed at step ${position} of ${targetPercentages.length} (${step.percentage}% of traffic; ${held}): ${step.reason}`;
}

function undoneMessage(chosen: ChosenServerGroup, progress: RollingProgress): string {
  const back = progress.servingBefore.length === 0 ? 'no older group served before' : `traffic is back on ${progress.servingBefore.join(', ')}`;
  return `${back} and ${chosen.serverGroupName} is disabled`;
}
