export { judgeKayenta, KAYENTA_CONFIDENCE, KAYENTA_OUTLIER_FACTOR, KAYENTA_TOLERANCE, type KayentaJudgeOptions, type KayentaJudgeResult, type KayentaMetricResult, type KayentaSeriesPair } from './judge';
export {
  classifyKayentaMetric,
  cles,
  type ClassifyInput,
  type KayentaClassification,
  type KayentaComparison,
  type KayentaDirection,
  type KayentaMetricClassification,
  type KayentaNanStrategy,
  type MannWhitneyClassifierOptions,
} from './classifier';
export { kayentaShiftInterval, type KayentaShiftInterval } from './interval';
export { classifyScore, roundHalfUp, scoreResults, NODATA_THRESHOLD_PERCENT, type KayentaGroupScore, type KayentaScore, type KayentaVerdict, type ScorableResult } from './scorer';
export { detectOutliers, outlierFences, percentileR7, prepareSeries, type PreparedSeries, type SeriesSummary } from './transforms';
export {
  KAYENTA_JUDGE_NAME,
  kayentaCanaryAnalysisSchema,
  kayentaCanaryConfigSchema,
  kayentaMetricConfigSchema,
  kayentaScoreThresholdsSchema,
  storedKayentaCanaryConfigSchema,
  type KayentaCanaryAnalysis,
  type KayentaCanaryConfig,
  type KayentaMetricConfig,
  type KayentaScoreThresholds,
} from './config';
export { KAYENTA_PROMETHEUS_SCOPE_LABEL, kayentaPrometheusQuery } from './prometheusQuery';
export { expandCustomFilter, type KayentaQueryResult, type KayentaScope } from './templates';
export { kayentaDatadogQuery, datadogSeriesValues, type DatadogTimeSeries } from './datadogQuery';
export { kayentaNewRelicQuery, newRelicSeriesValues, type NewRelicScopeKeys, type NewRelicTimeSeries } from './newRelicQuery';
export {
  kayentaFinalOutcome,
  kayentaIntervalOutcome,
  kayentaSchedule,
  parseIsoDurationMs,
  type KayentaInterval,
  type KayentaOutcome,
  type KayentaSchedule,
  type KayentaScheduleInput,
  type KayentaStageThresholds,
} from './schedule';
