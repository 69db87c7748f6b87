import type { KayentaCanaryConfig, KayentaMetricConfig } from './config';
import { expandCustomFilter, stringOf, type KayentaQueryResult, type KayentaScope } from './templates';

/**
 * The query Kayenta's DatadogMetricsService sends to `/api/v1/query` for one metric and one
 * scope: the expanded custom filter template (bound: `scope`, `location`, then the scope's
 * extended params) when the metric names one, else `metricName{scope}` (the scope is Datadog
 * tags, e.g. `version:canary,service:web`).
 */
export function kayentaDatadogQuery(config: Pick<KayentaCanaryConfig, 'templates'>, metric: Pick<KayentaMetricConfig, 'name' | 'query'>, scope: KayentaScope): KayentaQueryResult {
  const query = metric.query as Record<string, unknown>;
  const expanded = expandCustomFilter(config, query, scope, { scope: scope.scope, location: scope.location });
  if (!expanded.ok) return { ok: false, message: `metric ${metric.name}: ${expanded.message}` };
  if (expanded.query !== undefined && expanded.query !== '') return { ok: true, query: expanded.query };
  const metricName = stringOf(query.metricName);
  if (metricName === undefined) return { ok: false, message: `metric ${metric.name}: query.metricName is required unless a custom filter template gives the whole query` };
  return { ok: true, query: `${metricName}{${scope.scope}}` };
}

/** The part of Datadog's `/api/v1/query` answer Kayenta reads. */
export interface DatadogTimeSeries {
  series: { scope?: string; start: number; end: number; interval: number; pointlist: (readonly [number, number | null])[] }[];
}

/**
 * One series' values as Kayenta's DatadogTimeSeries lays them out: a slot every `interval`
 * seconds from `start` to `end` (ms), the point at that instant or NaN for a gap (Datadog's
 * answers are sparse) and for a null value. No series is no data.
 */
export function datadogSeriesValues(answer: DatadogTimeSeries): { ok: true; values: number[] } | { ok: false; message: string } {
  if (answer.series.length === 0) return { ok: true, values: [] };
  if (answer.series.length > 1) return { ok: false, message: `the query returned ${answer.series.length} series (${answer.series.map((s) => s.scope ?? '?').join(', ')}); aggregate it to one` };
  const series = answer.series[0]!;
  if (!(series.interval > 0)) return { ok: false, message: `the series has interval ${series.interval}; it must be a positive number of seconds` };
  const values: number[] = [];
  let index = 0;
  for (let time = series.start; time <= series.end; time += series.interval * 1000) {
    const point = series.pointlist[index];
    if (point !== undefined && point[0] === time) {
      values.push(point[1] === null ? Number.NaN : point[1]);
      index++;
    } else {
      values.push(Number.NaN);
    }
  }
  return { ok: true, values };
}
