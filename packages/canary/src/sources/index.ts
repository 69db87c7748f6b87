import { z } from 'zod';
import { MetricSourceError, type MetricSource } from './MetricSource';
import type { HttpDeps } from './http';
import { localProxySource, localProxySourceSchema } from './localProxy';
import { prometheusSource, prometheusSourceSchema } from './prometheus';
import { staticSource, staticSourceSchema } from './static';

export const metricSourceSchema = z.discriminatedUnion('type', [prometheusSourceSchema, localProxySourceSchema, staticSourceSchema]);
export type MetricSourceConfig = z.infer<typeof metricSourceSchema>;

export interface MetricSourceDeps extends HttpDeps {
  /** The local provider's samples URL, for a localProxy source whose config has none. */
  localProxyUrl?: string;
}

/** The source a (validated) config describes. */
export function createMetricSource(config: MetricSourceConfig, deps: MetricSourceDeps): MetricSource {
  switch (config.type) {
    case 'prometheus':
      return prometheusSource(config, deps);
    case 'localProxy': {
      const url = config.url ?? deps.localProxyUrl;
      if (url === undefined) throw new MetricSourceError('localProxy: no url in the source config and no local provider samples URL to default to');
      return localProxySource(url, deps, config.timeoutSeconds);
    }
    case 'static':
      return staticSource(config);
  }
}

export { MetricSourceError, type MetricQuery, type MetricSource } from './MetricSource';
export { LOCAL_PROXY_METRICS, type LocalProxySourceConfig } from './localProxy';
export { renderPromQl, type PrometheusSourceConfig } from './prometheus';
export type { StaticSourceConfig } from './static';
export { fetchKayentaSeries, type KayentaFetch, type KayentaMetricsAccount, type KayentaSeries } from './kayenta';
