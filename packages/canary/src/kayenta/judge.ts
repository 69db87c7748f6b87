import { classifyKayentaMetric, type KayentaClassification, type KayentaComparison, type MannWhitneyClassifierOptions } from './classifier';
import { KAYENTA_JUDGE_NAME, type KayentaCanaryConfig, type KayentaScoreThresholds } from './config';
import { classifyScore, scoreResults, type KayentaGroupScore, type KayentaVerdict } from './scorer';
import { prepareSeries, type SeriesSummary } from './transforms';

/** NetflixACAJudge's fixed classifier settings. */
export const KAYENTA_TOLERANCE = 0.25;
export const KAYENTA_CONFIDENCE = 0.98;
export const KAYENTA_OUTLIER_FACTOR = 3.0;

export interface KayentaSeriesPair {
  /** The baseline's values (Kayenta's "control"). */
  control: readonly number[];
  /** The canary's values (Kayenta's "experiment"). */
  experiment: readonly number[];
}

export interface KayentaMetricResult {
  name: string;
  groups: string[];
  classification: KayentaClassification;
  reason: string;
  critical: boolean;
  muted: boolean;
  /** mean(experiment) / mean(control) (Kayenta's `resultMetadata.ratio`); NaN when either mean is 0. */
  ratio: number;
  /** The settings that decided, after Kayenta's defaults. */
  settings: {
    direction: 'increase' | 'decrease' | 'either';
    nanStrategy: 'remove' | 'replace';
    outliers: 'remove' | 'keep';
    outlierFactor: number;
    mustHaveData: boolean;
    effectSize: { measure: 'meanRatio' | 'cles'; allowedIncrease: number; allowedDecrease: number; criticalIncrease: number; criticalDecrease: number };
  };
  control: SeriesSummary;
  experiment: SeriesSummary;
  comparison?: KayentaComparison;
}

export interface KayentaJudgeResult {
  judgeName: string;
  score: number;
  classification: KayentaVerdict;
  /** Why the score was forced to 0, or why the verdict is below Pass. */
  reason?: string;
  groups: KayentaGroupScore[];
  metrics: KayentaMetricResult[];
}

export interface KayentaJudgeOptions {
  /** Standard normal draws for Kayenta's noise on two constant series (default Math.random). */
  gaussian?: () => number;
}

/**
 * Kayenta's NetflixACAJudge-v1.0: each metric's series go through NaN handling and (optionally)
 * outlier removal, are classified by the Mann-Whitney classifier (tolerance 0.25, confidence 0.98),
 * and the unmuted results are scored by the weighted-sum scorer and held against `thresholds`.
 * A metric with no series pair is judged with empty series (Nodata), as Kayenta would after a
 * query that returned nothing. `config` must satisfy `kayentaCanaryConfigSchema`.
 */
export function judgeKayenta(
  config: KayentaCanaryConfig,
  thresholds: KayentaScoreThresholds,
  series: Readonly<Record<string, KayentaSeriesPair>>,
  options: KayentaJudgeOptions = {},
): KayentaJudgeResult {
  const metrics = config.metrics.map((metric): KayentaMetricResult => {
    const canary = metric.analysisConfigurations?.canary ?? {};
    const measure = canary.effectSize?.measure ?? 'meanRatio';
    const neutral = measure === 'cles' ? 0.5 : 1;
    const settings: KayentaMetricResult['settings'] = {
      direction: canary.direction ?? 'either',
      nanStrategy: canary.nanStrategy ?? 'remove',
      outliers: canary.outliers?.strategy ?? 'keep',
      outlierFactor: canary.outliers?.outlierFactor ?? KAYENTA_OUTLIER_FACTOR,
      mustHaveData: canary.mustHaveData ?? false,
      effectSize: {
        measure,
        allowedIncrease: canary.effectSize?.allowedIncrease ?? neutral,
        allowedDecrease: canary.effectSize?.allowedDecrease ?? neutral,
        criticalIncrease: canary.effectSize?.criticalIncrease ?? neutral,
        criticalDecrease: canary.effectSize?.criticalDecrease ?? neutral,
      },
    };
    const pair = series[metric.name];
    const prepare = (values: readonly number[]) => prepareSeries(values, settings.nanStrategy, settings.outliers === 'remove', settings.outlierFactor);
    const control = prepare(pair?.control ?? []);
    const experiment = prepare(pair?.experiment ?? []);
    const classifierOptions: MannWhitneyClassifierOptions = {
      tolerance: KAYENTA_TOLERANCE,
      confidence: KAYENTA_CONFIDENCE,
      effectSizeThresholds: [settings.effectSize.allowedDecrease, settings.effectSize.allowedIncrease],
      criticalThresholds: [settings.effectSize.criticalDecrease, settings.effectSize.criticalIncrease],
      effectSizeMeasure: measure,
      ...(options.gaussian ? { gaussian: options.gaussian } : {}),
    };
    const result = classifyKayentaMetric(
      {
        control: control.values,
        experiment: experiment.values,
        direction: settings.direction,
        nanStrategy: settings.nanStrategy,
        critical: canary.critical ?? false,
        mustHaveData: settings.mustHaveData,
      },
      classifierOptions,
    );
    return {
      name: metric.name,
      groups: [...metric.groups],
      classification: result.classification,
      reason: result.reason,
      critical: result.critical,
      muted: canary.muted ?? false,
      ratio: result.deviation,
      settings,
      control: control.summary,
      experiment: experiment.summary,
      ...(result.comparison ? { comparison: result.comparison } : {}),
    };
  });

  const scored = scoreResults(metrics, config.classifier?.groupWeights);
  const classification = classifyScore(scored.score, thresholds);
  const belowReason =
    classification === 'Pass'
      ? undefined
      : `score ${scored.score} is below ${classification === 'Marginal' ? `pass ${thresholds.pass}` : `marginal ${thresholds.marginal}`}`;
  const reason = scored.reason ?? belowReason;
  return { judgeName: KAYENTA_JUDGE_NAME, score: scored.score, classification, ...(reason ? { reason } : {}), groups: scored.groups, metrics };
}
