export {
  canaryConfigSchema,
  canaryMetricConfigSchema,
  METRIC_DIRECTIONS,
  DEFAULT_CONFIDENCE,
  DEFAULT_MINIMUM_POINTS,
  DEFAULT_GROUP,
  type MetricDirection,
  type MetricClassification,
  type CanaryMetricConfig,
  type CanaryConfig,
  type MetricSamples,
  type MetricReport,
  type GroupScore,
  type JudgeReport,
} from './config';
export { judge } from './judge';
export { classifyMetric, cleanSamples, meanRatio } from './classify';
export { SERIES_POINTS, downsample, summarize, type SampleSummary } from './summary';
export { mannWhitneyU, type MannWhitneyResult } from './mannWhitney';
export { hodgesLehmann, type HodgesLehmannResult } from './hodgesLehmann';
export { erfc, normalCdf, normalSf, normalQuantile } from './normal';
export { failRate, seededRandom, type PowerScenario } from './simulation';
export {
  createMetricSource,
  metricSourceSchema,
  MetricSourceError,
  LOCAL_PROXY_METRICS,
  renderPromQl,
  type MetricSourceConfig,
  type MetricSourceDeps,
  type MetricQuery,
  type MetricSource,
  type PrometheusSourceConfig,
  type LocalProxySourceConfig,
  type StaticSourceConfig,
  fetchKayentaSeries,
  type KayentaFetch,
  type KayentaMetricsAccount,
  type KayentaSeries,
} from './sources';
export * from './kayenta';
