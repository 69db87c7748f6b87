import { z } from 'zod';
import type { SampleSummary } from './summary';

export const METRIC_DIRECTIONS = ['increase', 'decrease', 'either'] as const;
/** Which change of a metric is bad (Kayenta's `direction`). */
export type MetricDirection = (typeof METRIC_DIRECTIONS)[number];
export type MetricClassification = 'Pass' | 'High' | 'Low' | 'NodataFail';

export const DEFAULT_CONFIDENCE = 0.98;
export const DEFAULT_MINIMUM_POINTS = 3;
export const DEFAULT_GROUP = 'default';

const ratioAtLeastOne = z.number().min(1, 'must be ≥ 1 (a ratio canary mean / baseline mean)');
const ratioAtMostOne = z.number().positive().max(1, 'must be in (0, 1] (a ratio canary mean / baseline mean)');

export const canaryMetricConfigSchema = z.strictObject({
  name: z.string().min(1),
  direction: z.enum(METRIC_DIRECTIONS),
  /** A critical metric that fails fails the whole judgment, whatever the score. */
  critical: z.boolean().optional(),
  /** Weight inside its group (default 1). */
  weight: z.number().positive().optional(),
  group: z.string().min(1).optional(),
  /** What to do with NaN (and ±Infinity) values: drop them (default) or count them as 0 (Kayenta's replace). */
  nanStrategy: z.enum(['remove', 'replace']).optional(),
  /**
   * Kayenta's effect size as the ratio of means canary / baseline: a significant increase is High
   * only when the ratio reaches `allowedIncrease` (default 1), a decrease Low only at or below
   * `allowedDecrease` (default 1). For a critical metric, the failure fails the run only past
   * `criticalIncrease` / `criticalDecrease` (default: the allowed bounds).
   */
  effectSize: z
    .strictObject({
      allowedIncrease: ratioAtLeastOne.optional(),
      allowedDecrease: ratioAtMostOne.optional(),
      criticalIncrease: ratioAtLeastOne.optional(),
      criticalDecrease: ratioAtMostOne.optional(),
    })
    .optional(),
  /** Fewer points than this on either side after NaN handling → NodataFail (default 3). */
  minimumPoints: z.int().min(1).optional(),
  /** Source-specific: a PromQL template for Prometheus, the metric name for the local proxy. */
  query: z.string().min(1).optional(),
});

export const canaryConfigSchema = z
  .strictObject({
    metrics: z.array(canaryMetricConfigSchema).min(1, 'at least one metric is needed'),
    /** Score bounds (0–100): score ≥ pass → pass, ≥ marginal → marginal, else fail. */
    thresholds: z
      .strictObject({ marginal: z.number().min(0).max(100), pass: z.number().min(0).max(100) })
      .refine((t) => t.marginal <= t.pass, { message: 'marginal must not exceed pass', path: ['marginal'] }),
    /** Confidence of the test; a metric differs significantly when its p-value < 1 − confidence (default 0.98). */
    confidence: z.number().gt(0.5).lt(1).optional(),
    /** Group weights, Kayenta-style percentages; groups left out share what remains of 100 equally. */
    groupWeights: z.record(z.string(), z.number().min(0)).optional(),
  })
  .superRefine((config, ctx) => {
    const seen = new Set<string>();
    config.metrics.forEach((metric, index) => {
      if (seen.has(metric.name)) ctx.addIssue({ code: 'custom', path: ['metrics', index, 'name'], message: `duplicate metric name "${metric.name}"` });
      seen.add(metric.name);
    });
    const groups = new Set(config.metrics.map((metric) => metric.group ?? DEFAULT_GROUP));
    for (const group of Object.keys(config.groupWeights ?? {})) {
      if (!groups.has(group)) ctx.addIssue({ code: 'custom', path: ['groupWeights', group], message: `no metric is in group "${group}"` });
    }
  });

export type CanaryMetricConfig = z.infer<typeof canaryMetricConfigSchema>;
export type CanaryConfig = z.infer<typeof canaryConfigSchema>;

export interface MetricSamples {
  baseline: number[];
  canary: number[];
}

export interface MetricReport {
  name: string;
  group?: string;
  classification: MetricClassification;
  /** True when this failure fails the whole judgment (a critical metric past its critical bounds, or without data). */
  critical: boolean;
  /** U of the canary (NaN, i.e. null in JSON, when there was not enough data). */
  u: number;
  pValue: number;
  /** Hodges–Lehmann shift canary − baseline and its confidence interval. */
  shift: number;
  ci: [number, number];
  baselineCount: number;
  canaryCount: number;
  /** Each side's five-number summary (the report's box plots); absent for a side without data. */
  baselineSummary?: SampleSummary;
  canarySummary?: SampleSummary;
  /** Each side's values over the window, in time order, downsampled (`downsample`): the report's time series. */
  baselineSeries: (number | null)[];
  canarySeries: (number | null)[];
  /** Mean(canary) / mean(baseline), Kayenta's effect size; NaN when either mean is 0. */
  meanRatio: number;
  reason?: string;
}

export interface GroupScore {
  name: string;
  score: number;
  /** The group's share of the final score, normalized so the weights sum to 1. */
  weight: number;
}

export interface JudgeReport {
  score: number;
  result: 'pass' | 'marginal' | 'fail';
  metrics: MetricReport[];
  groups: GroupScore[];
  reason?: string;
}
