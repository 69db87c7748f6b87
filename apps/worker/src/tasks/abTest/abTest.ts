import type { JudgeReport } from '@gantry/canary';
import { AWAITING_JUDGMENT_OUTPUT, abTestFieldsSchema, accountOf, locationOf, type AbTestFields } from '@gantry/core';
import { abTestEnding, abTestFinalWeights, type AbTestSide } from '@gantry/strategies';
import type { CloudProvider, ServerGroupRef } from '@gantry/providers';
import type { JsonObject } from '@gantry/store';
import { z } from 'zod';
import type { TaskContext, TaskResult } from '../Task';
import { TaskFailure } from '../Task';
import { judgeGroups } from '../canary/judgeCanaryStep';
import { clusterPlaceFor, clusterRefOf, type ClusterPlace } from '../cloud/context';
import { serverGroupTask } from '../cloud/failures';
import { ACT_AGAIN_MS, DESTROY_TIMEOUT_MS } from '../cloud/poll';
import { readFields } from '../readFields';
import { JUDGMENT_POLL_MS, stepJudgment } from '../waitForJudgment';
import { forgetServerGroups, rebaseServerGroups } from '../serverGroup/desiredState';

/** Longest wait between looks while the experiment runs, so a cancel is acted on soon. */
const MAX_WAIT_MS = 15_000;
/** The judgment the stage waits for with `onResult: judgment`: "continue" keeps the variant, "stop" the control. */
export const AB_TEST_JUDGMENT = 'abTest result';

function abTestFields(ctx: TaskContext): AbTestFields {
  return readFields(abTestFieldsSchema, ctx);
}

function placeOf(ctx: TaskContext, fields: AbTestFields) {
  const location = locationOf(fields);
  return clusterPlaceFor(ctx, { account: accountOf(fields), cluster: fields.cluster, ...(location === undefined ? {} : { location }) });
}

function refIn(place: ClusterPlace, name: string): ServerGroupRef {
  return { account: place.account, name, ...(place.location === undefined ? {} : { location: place.location }) };
}

/** When the split began (recorded by startAbTest); undefined before. */
const startedSchema = z.object({ abTestStartedAt: z.string() });

/**
 * `abTest`, step 1: both groups must exist; the cluster's router sends the matching requests to
 * the variant and the rest to the control. The same routing again changes nothing, so a crash
 * before the result commits simply routes again; the start time is the first run's.
 */
export const startAbTestTask = serverGroupTask({
  name: 'startAbTest',
  async run(ctx) {
    const fields = abTestFields(ctx);
    const { provider, place } = placeOf(ctx, fields);
    for (const name of [fields.control, fields.variant]) {
      if ((await provider.getServerGroup(refIn(place, name))) === null) {
        throw new TaskFailure(`server group ${name} does not exist in cluster ${fields.cluster}`);
      }
    }
    await provider.setRequestRouting(clusterRefOf(place), {
      control: fields.control,
      variant: fields.variant,
      rules: fields.rules,
      ...(fields.percentage === undefined ? {} : { percentage: fields.percentage }),
    });
    const started = startedSchema.safeParse(ctx.stage.outputs).data?.abTestStartedAt ?? new Date().toISOString();
    return { status: 'SUCCEEDED', outputs: { abTestStartedAt: started, abTestControl: fields.control, abTestVariant: fields.variant } };
  },
});

const progressSchema = z.object({
  verdict: z.enum(['pass', 'marginal', 'fail']).optional(),
  report: z.record(z.string(), z.unknown()).optional(),
});

/**
 * `abTest`, step 2: waits out `durationSec`, judges the variant against the control once (the
 * verdict is kept in the task state, so a crash never judges twice into different endings), then
 * ends as `onResult` says: the winner takes all traffic (which also ends the rules), a losing or
 * removed variant is destroyed, a losing control stays disabled.
 */
export const runAbTestTask = serverGroupTask({
  name: 'runAbTest',
  timeoutMs: DESTROY_TIMEOUT_MS,
  async run(ctx) {
    const fields = abTestFields(ctx);
    const { provider, place } = placeOf(ctx, fields);
    const progress = progressSchema.parse(ctx.task.state ?? {});
    const startedAt = Date.parse(startedSchema.parse(ctx.stage.outputs).abTestStartedAt);
    const endMs = startedAt + fields.durationSec * 1000;
    // Wall-clock time, as the metric sources stamp their samples.
    const now = Date.now();
    if (progress.verdict === undefined) {
      if (now < endMs) return { status: 'RUNNING', retryAfterMs: Math.max(1, Math.min(MAX_WAIT_MS, endMs - now)) };
      const variantGroup = await provider.getServerGroup(refIn(place, fields.variant));
      const report = await judgeGroups(ctx, fields, { baseline: fields.control, canary: fields.variant, canaryGroup: variantGroup }, { startMs: startedAt, endMs });
      const judged = { verdict: report.result, report: summary(report) };
      return { status: 'RUNNING', retryAfterMs: ACT_AGAIN_MS, state: judged, outputs: { abTestResult: judged.report } };
    }
    const ending = abTestEnding(progress.verdict, fields.onResult, judgedSide(ctx));
    if (ending.kind === 'awaitJudgment') {
      return { status: 'RUNNING', retryAfterMs: JUDGMENT_POLL_MS, state: progress, outputs: { [AWAITING_JUDGMENT_OUTPUT]: AB_TEST_JUDGMENT } };
    }
    await end(provider, fields, place, ending.winner);
    return {
      ...(await endedDesiredState(ctx, provider, fields, place, ending.winner)),
      status: 'SUCCEEDED',
      outputs: { abTestWinner: ending.winner === 'variant' ? fields.variant : fields.control, abTestVerdict: progress.verdict, ...(fields.onResult === 'judgment' ? { [AWAITING_JUDGMENT_OUTPUT]: null } : {}) },
    };
  },
});

function judgedSide(ctx: TaskContext): AbTestSide | undefined {
  const answer = stepJudgment(ctx, AB_TEST_JUDGMENT)?.judgmentStatus;
  return answer === 'continue' ? 'variant' : answer === 'stop' ? 'control' : undefined;
}

/** Each call is idempotent: weights again are the same weights, a destroyed group is done. */
async function end(provider: CloudProvider, fields: AbTestFields, place: ClusterPlace, winner: AbTestSide): Promise<void> {
  const groups = { control: fields.control, variant: fields.variant };
  await provider.setTrafficWeights(clusterRefOf(place), abTestFinalWeights(groups, winner));
  if (winner === 'control') await provider.destroy(refIn(place, fields.variant));
}

/** The final weights may resize the two groups and a losing variant is gone: drift's desired state follows, with the result. */
async function endedDesiredState(ctx: TaskContext, provider: CloudProvider, fields: AbTestFields, place: ClusterPlace, winner: AbTestSide): Promise<Pick<TaskResult, 'effect'>> {
  const kept = winner === 'control' ? [fields.control] : [fields.control, fields.variant];
  const rebased = await rebaseServerGroups(ctx, provider, kept.map((name) => refIn(place, name)));
  const forgotten = winner === 'control' ? forgetServerGroups(provider, [refIn(place, fields.variant)]) : undefined;
  if (rebased === undefined && forgotten === undefined) return {};
  return {
    effect: async (sql) => {
      await rebased?.(sql);
      await forgotten?.(sql);
    },
  };
}

/** What the stage output keeps of the verdict: score, result and each metric's classification. */
function summary(report: JudgeReport): JsonObject {
  return {
    score: report.score,
    result: report.result,
    ...(report.reason === undefined ? {} : { reason: report.reason }),
    metrics: report.metrics.map((metric) => ({ name: metric.name, classification: metric.classification, ...(metric.reason === undefined ? {} : { reason: metric.reason }) })),
  };
}

/**
 * `abTest`'s on-failure and cancel task: the rules go, the control serves alone (the variant is
 * kept, disabled, for a look at what went wrong). Nothing to do when the split never began, or
 * when the experiment had already ended (its winner is recorded).
 */
export const abortAbTestTask = serverGroupTask({
  name: 'abortAbTest',
  async run(ctx): Promise<TaskResult> {
    if (!startedSchema.safeParse(ctx.stage.outputs).success || typeof ctx.stage.outputs.abTestWinner === 'string') {
      return { status: 'SUCCEEDED', outputs: { abTestAborted: false } };
    }
    const fields = abTestFields(ctx);
    const { provider, place } = placeOf(ctx, fields);
    const control = await provider.getServerGroup(refIn(place, fields.control));
    if (control === null) return { status: 'SUCCEEDED', outputs: { abTestAborted: false } };
    await provider.setTrafficWeights(clusterRefOf(place), abTestFinalWeights({ control: fields.control, variant: fields.variant }, 'control'));
    return { status: 'SUCCEEDED', outputs: { abTestAborted: true } };
  },
});

export const abTestTasks = [startAbTestTask, runAbTestTask, abortAbTestTask] as const;
