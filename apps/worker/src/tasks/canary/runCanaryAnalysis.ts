import type { JudgeReport } from '@gantry/canary';
import {
  continueAfterJudgment,
  nextCanaryAction,
  recordVerdict,
  type CanaryAction,
  type CanaryAnalysisPlan,
} from '@gantry/strategies';
import { AWAITING_JUDGMENT_OUTPUT, waitForUpTimeoutMs, type CanaryFields } from '@gantry/core';
import type { CloudProvider, ServerGroup } from '@gantry/providers';
import type { JsonObject } from '@gantry/store';
import { z } from 'zod';
import type { TaskContext, TaskResult } from '../Task';
import { clusterRefOf, providerFor, refOf } from '../cloud/context';
import { serverGroupTask } from '../cloud/failures';
import { TaskFailure } from '../Task';
import { ACT_AGAIN_MS, nextPollMs, timeLeftMs } from '../cloud/poll';
import { canaryFields, canaryStageGroups, liveCanaryGroups, type CanaryStageGroups } from './canaryGroups';
import { judgeCanaryStep } from './judgeCanaryStep';
import { JUDGMENT_POLL_MS, stepJudgment } from '../waitForJudgment';
import { canaryVerdicts, rollbackSeconds } from '../../engine/metrics';

/** Longest single wait between looks, so a cancel or a failing group is noticed within it. */
const MAX_WAIT_MS = 15_000;
/** Reads of a metric source that may fail in a row (a Prometheus restart) before the canary fails. */
const MAX_METRIC_ERRORS = 5;

const progressSchema = z.object({
  step: z.number().int().min(0),
  stepStartedAt: z.number().optional(),
  verdicts: z.array(z.enum(['pass', 'marginal', 'fail'])),
  awaitingJudgment: z.boolean().optional(),
  failed: z.string().optional(),
  /** When the rollback began (ms), to report how long restoring production's traffic took. */
  rollbackStartedAt: z.number().optional(),
  /** Consecutive failed attempts to read the step's metrics. */
  metricErrors: z.number().int().default(0),
  results: z.array(z.record(z.string(), z.unknown())).default([]),
});

type Progress = z.output<typeof progressSchema>;

/**
 * `canary`, step 3: the analysis loop. Each run reads the three groups, asks the canary strategy
 * what comes next given what this task recorded (its state), does that one thing and polls again.
 * Judging a step and recording its verdict happen in one run and are committed together, so a
 * crash never judges a step twice into different verdicts being acted on. A failure rolls back
 * before the task fails: production takes all traffic again and baseline and canary are
 * destroyed, each a repeatable call, so a crash mid-rollback simply carries it on.
 */
export const runCanaryAnalysisTask = serverGroupTask({
  name: 'runCanaryAnalysis',
  async run(ctx) {
    const fields = canaryFields(ctx);
    const groups = canaryStageGroups(ctx);
    const { provider } = providerFor(ctx, groups.canary.account);
    const progress = progressSchema.safeParse(ctx.task.state).data ?? { step: 0, verdicts: [], metricErrors: 0, results: [] };
    const live = await liveCanaryGroups(provider, groups);
    if (live.production === null) {
      throw new TaskFailure(`the production server group ${groups.production} disappeared; refusing to go on with the canary`);
    }
    const action = nextCanaryAction(planOf(fields), { production: live.production, baseline: live.baseline, canary: live.canary }, progress, Date.now());
    return act(ctx, { fields, groups, provider, progress, live: { ...live, production: live.production } }, action);
  },
});

interface Analysis {
  fields: CanaryFields;
  groups: CanaryStageGroups;
  provider: CloudProvider;
  progress: Progress;
  live: { production: ServerGroup; baseline: ServerGroup | null; canary: ServerGroup | null };
}

function planOf(fields: CanaryFields): CanaryAnalysisPlan {
  return { steps: fields.steps, warmupMs: fields.warmupSec * 1000, intervalMs: fields.intervalSec * 1000, onMarginal: fields.onMarginal };
}

async function act(ctx: TaskContext, analysis: Analysis, action: CanaryAction): Promise<TaskResult> {
  const { fields, groups, provider, progress } = analysis;
  // canaryStepStartedAt: when the current step's traffic split began, so a reader can tell when it will be judged.
  const outputs = (next: Progress): JsonObject => ({
    canaryResults: next.results,
    canaryStep: next.step,
    ...(next.stepStartedAt === undefined ? {} : { canaryStepStartedAt: new Date(next.stepStartedAt).toISOString() }),
  });
  switch (action.kind) {
    case 'waitHealthy': {
      const timeoutMs = waitForUpTimeoutMs(fields);
      const remainingMs = timeLeftMs(ctx.task, timeoutMs);
      if (remainingMs > 0) return { status: 'RUNNING', retryAfterMs: nextPollMs(ctx.task.polls, remainingMs), state: progress };
      const failed = { ...progress, failed: `${action.serverGroups.join(' and ')} did not have all instances up within ${timeoutMs / 1000} s` };
      return { status: 'RUNNING', retryAfterMs: ACT_AGAIN_MS, state: failed };
    }
    case 'setWeights': {
      await provider.setTrafficWeights(clusterRefOf(groups.canary), action.weights);
      const next = { ...progress, stepStartedAt: Date.now() };
      return { status: 'RUNNING', retryAfterMs: Math.min(MAX_WAIT_MS, fields.warmupSec * 1000 + fields.intervalSec * 1000), state: next, outputs: { ...outputs(next), canaryWeights: action.weights } };
    }
    case 'collect':
      return { status: 'RUNNING', retryAfterMs: Math.max(1, Math.min(MAX_WAIT_MS, action.untilMs - Date.now())), state: progress };
    case 'judge': {
      const startMs = fields.lookbackSec === undefined ? action.startMs : Math.max(action.startMs, action.endMs - fields.lookbackSec * 1000);
      let report: JudgeReport;
      try {
        report = await judgeCanaryStep(ctx, analysis, { startMs, endMs: action.endMs });
      } catch (error) {
        if (error instanceof TaskFailure) throw error;
        return metricsUnavailable(progress, error);
      }
      const judged = recordVerdict(progress, report.result);
      canaryVerdicts.inc({ result: report.result });
      const next: Progress = {
        ...judged,
        metricErrors: 0,
        results: [...progress.results, stepResult(action.step, fields.steps[action.step] ?? 0, { startMs, endMs: action.endMs }, report)],
      };
      return { status: 'RUNNING', retryAfterMs: ACT_AGAIN_MS, state: next, outputs: { ...outputs(next), canaryScore: report.score } };
    }
    case 'awaitJudgment':
      return awaitJudgment(ctx, progress);
    case 'rollback': {
      const next = { ...progress, failed: progress.failed ?? action.reason, rollbackStartedAt: progress.rollbackStartedAt ?? Date.now() };
      await provider.setTrafficWeights(clusterRefOf(groups.canary), action.weights);
      // Traffic is back on production from here: what the rollback is measured by (not the destroys).
      const restored = progress.rollbackStartedAt === undefined ? { rollbackDurationMs: Date.now() - next.rollbackStartedAt } : {};
      if (restored.rollbackDurationMs !== undefined) rollbackSeconds.observe({ kind: 'canary' }, restored.rollbackDurationMs / 1000);
      for (const name of action.destroy) await provider.destroy({ ...refOf(groups.canary), name });
      return { status: 'RUNNING', retryAfterMs: ACT_AGAIN_MS, state: next, outputs: { ...outputs(next), ...restored, canaryWeights: action.weights } };
    }
    case 'failed':
      return {
        status: 'TERMINAL',
        error: `canary of ${groups.canary.serverGroupName} failed: ${action.reason}; rolled back: ${groups.production} serves all traffic, ${groups.baseline} and ${groups.canary.serverGroupName} were destroyed${lastReport(progress)}`,
        outputs: { ...outputs(progress), canaryRolledBack: true },
      };
    case 'passed':
      return { status: 'SUCCEEDED', state: progress, outputs: { ...outputs(progress), canaryPassed: true } };
  }
}

/**
 * A metric source that cannot be read is retried a few times (with backoff: the step's window
 * stays the same, so nothing is lost by waiting); then the canary fails, which rolls back: an
 * unjudgeable canary must not keep its traffic.
 */
function metricsUnavailable(progress: Progress, error: unknown): TaskResult {
  const metricErrors = progress.metricErrors + 1;
  const reason = error instanceof Error ? error.message : String(error);
  if (metricErrors < MAX_METRIC_ERRORS) return { status: 'RUNNING', retryAfterMs: 1_000 * 2 ** metricErrors, state: { ...progress, metricErrors } };
  return { status: 'RUNNING', retryAfterMs: ACT_AGAIN_MS, state: { ...progress, metricErrors, failed: `metrics could not be read ${metricErrors} times in a row: ${reason}` } };
}

/**
 * A marginal step waits for a person: the stage output `awaitingJudgment` names the step, and the
 * judgment API stores the answer under that name (one answer per step). "continue" lets the step
 * through as if it had passed; "stop" fails the canary, which rolls back.
 */
function awaitJudgment(ctx: TaskContext, progress: Progress): TaskResult {
  const step = `canary step ${progress.step + 1}`;
  const answer = stepJudgment(ctx, step);
  if (answer?.judgmentStatus === 'continue') {
    const next = { ...continueAfterJudgment(progress), metricErrors: 0, results: progress.results };
    return { status: 'RUNNING', retryAfterMs: ACT_AGAIN_MS, state: next, outputs: { [AWAITING_JUDGMENT_OUTPUT]: null } };
  }
  if (answer?.judgmentStatus === 'stop') {
    const by = answer.lastModifiedBy ?? 'an unknown user';
    return { status: 'RUNNING', retryAfterMs: ACT_AGAIN_MS, state: { ...progress, failed: `judged "stop" by ${by} after ${step} was marginal` }, outputs: { [AWAITING_JUDGMENT_OUTPUT]: null } };
  }
  return { status: 'RUNNING', retryAfterMs: JUDGMENT_POLL_MS, state: { ...progress, awaitingJudgment: true }, outputs: { [AWAITING_JUDGMENT_OUTPUT]: step } };
}

/** What the stage's output keeps of a step's judgment; the web UI's canary report draws it (series over `start`–`end`). */
function stepResult(step: number, percent: number, window: { startMs: number; endMs: number }, report: JudgeReport): JsonObject {
  return {
    step: step + 1,
    percent,
    start: new Date(window.startMs).toISOString(),
    end: new Date(window.endMs).toISOString(),
    score: report.score,
    result: report.result,
    ...(report.reason === undefined ? {} : { reason: report.reason }),
    metrics: report.metrics.map((metric) => ({
      name: metric.name,
      classification: metric.classification,
      critical: metric.critical,
      pValue: metric.pValue,
      shift: metric.shift,
      ci: metric.ci,
      baselineCount: metric.baselineCount,
      canaryCount: metric.canaryCount,
      ...(metric.baselineSummary === undefined ? {} : { baselineSummary: { ...metric.baselineSummary } }),
      ...(metric.canarySummary === undefined ? {} : { canarySummary: { ...metric.canarySummary } }),
      baselineSeries: metric.baselineSeries,
      canarySeries: metric.canarySeries,
      ...(metric.reason === undefined ? {} : { reason: metric.reason }),
    })),
  };
}

/** "; last step: score 40 (fail): errorRate High, latency Pass" for the stage's error. */
function lastReport(progress: Progress): string {
  const last = progress.results[progress.results.length - 1];
  if (last === undefined) return '';
  const metrics = Array.isArray(last.metrics) ? (last.metrics as { name: string; classification: string }[]) : [];
  return `; step ${String(last.step)} at ${String(last.percent)} %: score ${String(last.score)} (${String(last.result)}): ${metrics.map((metric) => `${metric.name} ${metric.classification}`).join(', ')}`;
}
