import {
  fetchKayentaSeries,
  judgeKayenta,
  kayentaCanaryConfigSchema,
  kayentaFinalOutcome,
  kayentaIntervalOutcome,
  kayentaSchedule,
  MetricSourceError,
  type KayentaCanaryConfig,
  type KayentaInterval,
  type KayentaJudgeResult,
  type KayentaMetricsAccount,
  type KayentaSeriesPair,
} from '@gantry/canary';
import { kayentaCanaryFieldsSchema, kayentaScheduleInputOf, type KayentaCanaryFields } from '@gantry/core';
import type { JsonObject } from '@gantry/store';
import { z } from 'zod';
import { defineTask, TaskFailure, type TaskContext, type TaskResult } from '../Task';
import { describeIssues, readFields } from '../readFields';
import { deployedScopes } from './canaryServerGroups';

/** Longest single engine wait between looks, on the task's clock: a long interval is several polls. */
const MAX_WAIT_MS = 60_000;
/** Reads of the metrics account that may fail in a row (a restart of the source) before the stage fails. */
const MAX_METRIC_ERRORS = 5;

const intervalSchema = z.object({ index: z.number(), startMs: z.number(), endMs: z.number(), notBeforeMs: z.number() });
const stateSchema = z.object({
  intervals: z.array(intervalSchema),
  scores: z.array(z.number()).default([]),
  results: z.array(z.record(z.string(), z.unknown())).default([]),
  metricErrors: z.number().int().default(0),
});
type State = z.output<typeof stateSchema>;

/**
 * `kayentaCanary`'s one task: Orca's RunCanaryIntervalsStage with its wait, RunKayentaCanary and
 * MonitorKayentaCanary children, and AggregateCanaryResults, as a loop of engine polls. The
 * schedule is computed on the first run and kept in the task's state, so a worker that crashes
 * resumes it unchanged; each interval is read, judged and recorded in one run whose result
 * commits with the state, so an interval is never judged into two results.
 */
export const runKayentaCanaryTask = defineTask({
  name: 'runKayentaCanary',
  async run(ctx) {
    const fields = readFields(kayentaCanaryFieldsSchema, ctx);
    const now = ctx.services.clock.now();
    const state = stateOf(ctx, fields, now);
    const interval = state.intervals[state.scores.length];
    if (interval === undefined) return finish(state, fields);
    if (now < interval.notBeforeMs) {
      const waitMs = Math.min(MAX_WAIT_MS, interval.notBeforeMs - now);
      return { status: 'RUNNING', retryAfterMs: Math.max(1, ctx.services.clock.delayFor(waitMs)), state: state as unknown as JsonObject, outputs: outputsOf(fields, state) };
    }
    const config = await canaryConfigOf(ctx, fields);
    const account = metricsAccountOf(ctx, fields);
    let judged: { result: KayentaJudgeResult; queries: Record<string, { control: string; experiment: string }> };
    try {
      judged = await judgeInterval(ctx, fields, config, account, interval);
    } catch (error) {
      if (!(error instanceof MetricSourceError)) throw error;
      const metricErrors = state.metricErrors + 1;
      if (error.permanent) throw new TaskFailure(`canary interval ${interval.index}: ${error.message}`);
      if (metricErrors >= MAX_METRIC_ERRORS) throw new TaskFailure(`canary interval ${interval.index}: metrics could not be read ${metricErrors} times in a row: ${error.message}`);
      return { status: 'RUNNING', retryAfterMs: 1_000 * 2 ** metricErrors, state: { ...state, metricErrors } as unknown as JsonObject };
    }
    const next: State = {
      ...state,
      metricErrors: 0,
      scores: [...state.scores, judged.result.score],
      results: [...state.results, intervalResult(interval, state.intervals.length, judged.result, judged.queries)],
    };
    const outcome = kayentaIntervalOutcome(judged.result.score, fields.canaryConfig.scoreThresholds);
    if (outcome.status === 'failed') {
      return { status: 'TERMINAL', error: `${outcome.message ?? 'canary failed'} ${explain(interval, next.intervals.length, judged.result)}`, state: next as unknown as JsonObject, outputs: { ...outputsOf(fields, next), canaryScoreMessage: outcome.message ?? null } };
    }
    if (next.scores.length === next.intervals.length) return finish(next, fields);
    return { status: 'RUNNING', retryAfterMs: 1, state: next as unknown as JsonObject, outputs: outputsOf(fields, next) };
  },
});

function stateOf(ctx: TaskContext, fields: KayentaCanaryFields, now: number): State {
  const kept = stateSchema.safeParse(ctx.task.state);
  if (kept.success) return kept.data;
  const schedule = kayentaSchedule(kayentaScheduleInputOf(fields), now);
  if (!schedule.ok) throw new TaskFailure(`${schedule.field}: ${schedule.message}`);
  return { intervals: schedule.intervals, scores: [], results: [], metricErrors: 0 };
}

/** After the last interval: Orca's AggregateCanaryResultsTask on the last score. */
function finish(state: State, fields: KayentaCanaryFields): TaskResult {
  const outcome = kayentaFinalOutcome(state.scores, fields.canaryConfig.scoreThresholds);
  const outputs = { ...outputsOf(fields, state), canaryScoreMessage: outcome.message ?? null };
  if (outcome.status === 'failed') {
    const last = state.results[state.results.length - 1];
    return { status: 'TERMINAL', error: `${outcome.message ?? 'canary failed'}${last === undefined ? '' : ` ${String(last.summary)}`}`, state: state as unknown as JsonObject, outputs };
  }
  return { status: 'SUCCEEDED', state: state as unknown as JsonObject, outputs };
}

function outputsOf(fields: KayentaCanaryFields, state: State): JsonObject {
  return {
    ...(fields.canaryConfig.canaryConfigId === undefined ? {} : { canaryConfigId: fields.canaryConfig.canaryConfigId }),
    canaryScores: state.scores,
    canaryIntervals: state.results,
    intervalsPlanned: state.intervals.length,
  };
}

/** The stored config (looked up now, as Orca asks Kayenta when the stage runs) or the inline one. */
async function canaryConfigOf(ctx: TaskContext, fields: KayentaCanaryFields): Promise<KayentaCanaryConfig> {
  const inline = fields.canaryConfig.canaryConfig;
  if (inline !== undefined) return inline;
  const id = fields.canaryConfig.canaryConfigId ?? '';
  const document = await ctx.services.canaryConfig(id);
  if (document === undefined) throw new TaskFailure(`canary config ${id} does not exist (canaryConfig.canaryConfigId)`);
  const parsed = kayentaCanaryConfigSchema.safeParse(document);
  if (!parsed.success) throw new TaskFailure(`canary config ${id} is not a valid Kayenta canary config: ${describeIssues(parsed.error, '(config)')}`);
  return parsed.data;
}

function metricsAccountOf(ctx: TaskContext, fields: KayentaCanaryFields): KayentaMetricsAccount {
  const name = fields.canaryConfig.metricsAccountName;
  if (name === undefined || name === '') throw new TaskFailure('canaryConfig.metricsAccountName is required: name the metrics account the metrics are read from');
  let account: KayentaMetricsAccount | undefined;
  try {
    account = ctx.services.metricsAccount(name);
  } catch (error) {
    throw new TaskFailure(error instanceof Error ? error.message : String(error));
  }
  if (account === undefined) throw new TaskFailure(`metrics account ${name} is not configured (canaryConfig.metricsAccountName; see metricsAccounts)`);
  return account;
}

/**
 * Every metric of the config for control and experiment over the interval's window, from the
 * scope its `scopeName` names (Kayenta's `default` when it names none), then Kayenta's judge.
 */
async function judgeInterval(ctx: TaskContext, fields: KayentaCanaryFields, config: KayentaCanaryConfig, account: KayentaMetricsAccount, interval: KayentaInterval) {
  const series: Record<string, KayentaSeriesPair> = {};
  const queries: Record<string, { control: string; experiment: string }> = {};
  const deps = { fetch: ctx.services.fetch };
  const deployed = deployedScopes(ctx);
  for (const metric of config.metrics) {
    const scopeName = metric.scopeName ?? 'default';
    const scope = fields.canaryConfig.scopes.find((candidate) => candidate.scopeName === scopeName);
    if (scope === undefined) throw new TaskFailure(`metric ${metric.name} uses scope ${scopeName}, which canaryConfig.scopes does not define (has: ${fields.canaryConfig.scopes.map((s) => s.scopeName).join(', ')})`);
    // Orca's scope parameters for the groups it deployed: `dataset: regional` unless given, `type: asg`.
    const extendedScopeParams = deployed === undefined ? scope.extendedScopeParams : { dataset: 'regional', ...scope.extendedScopeParams, type: 'asg' };
    const side = (name: string | undefined, location: string | undefined) => ({ scope: name ?? '', ...(location === undefined ? {} : { location }), extendedScopeParams });
    const request = { config, metric, startMs: interval.startMs, endMs: interval.endMs, stepSec: scope.step };
    const [control, experiment] = await Promise.all([
      fetchKayentaSeries(account, { ...request, scope: deployed !== undefined ? side(deployed.control.scope, deployed.control.location) : side(scope.controlScope, scope.controlLocation) }, deps),
      fetchKayentaSeries(account, { ...request, scope: deployed !== undefined ? side(deployed.experiment.scope, deployed.experiment.location) : side(scope.experimentScope, scope.experimentLocation) }, deps),
    ]);
    series[metric.name] = { control: control.values, experiment: experiment.values };
    queries[metric.name] = { control: control.query, experiment: experiment.query };
  }
  const thresholds = judgeThresholds(fields, config);
  return { result: judgeKayenta(config, thresholds, series), queries };
}

/** What Kayenta classifies the score by: the stage's thresholds, else the config's, else Orca's defaults. */
function judgeThresholds(fields: KayentaCanaryFields, config: KayentaCanaryConfig): { pass: number; marginal: number } {
  const stage = fields.canaryConfig.scoreThresholds;
  const fallback = config.classifier?.scoreThresholds ?? { pass: 75, marginal: 50 };
  return { pass: stage.pass ?? fallback.pass, marginal: stage.marginal ?? fallback.marginal };
}

/** One interval in the outputs: its window, score and verdict, and per metric why it was classified so. */
function intervalResult(interval: KayentaInterval, of: number, result: KayentaJudgeResult, queries: Record<string, { control: string; experiment: string }>): JsonObject {
  return {
    interval: interval.index,
    startTimeIso: new Date(interval.startMs).toISOString(),
    endTimeIso: new Date(interval.endMs).toISOString(),
    canaryScore: result.score,
    classification: result.classification,
    ...(result.reason === undefined ? {} : { reason: result.reason }),
    summary: explain(interval, of, result),
    groups: result.groups.map((group) => ({ name: group.name, score: group.score, weight: group.weight, noData: group.noData })),
    metrics: result.metrics.map((metric) => ({
      name: metric.name,
      classification: metric.classification,
      reason: metric.reason,
      critical: metric.critical,
      muted: metric.muted,
      groups: metric.groups,
      ratio: Number.isFinite(metric.ratio) ? metric.ratio : null,
      control: { ...metric.control, query: queries[metric.name]?.control ?? null },
      experiment: { ...metric.experiment, query: queries[metric.name]?.experiment ?? null },
      ...(metric.comparison === undefined ? {} : { comparison: { ...metric.comparison, band: [...metric.comparison.band] } }),
    })),
  };
}

/** "(interval 1 of 1: score 0, Fail: error_rate High (…), latency Pass (…))" for errors and the outputs. */
function explain(interval: KayentaInterval, of: number, result: KayentaJudgeResult): string {
  const metrics = result.metrics.map((metric) => `${metric.name} ${metric.classification} (${metric.reason})`).join('; ');
  return `(interval ${interval.index} of ${of}: score ${result.score}, ${result.classification}${result.reason === undefined ? '' : ` (${result.reason})`}: ${metrics})`;
}
