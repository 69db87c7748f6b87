import { z } from 'zod';
import { MetricSourceError, type MetricQuery, type MetricSource } from './MetricSource';
import { getJson, type HttpDeps } from './http';

export const prometheusSourceSchema = z.strictObject({
  type: z.literal('prometheus'),
  /** Prometheus' base URL, e.g. http://prometheus:9090 (a path prefix is kept). */
  url: z.url(),
  headers: z.record(z.string(), z.string()).optional(),
  timeoutSeconds: z.number().positive().optional(),
});
export type PrometheusSourceConfig = z.infer<typeof prometheusSourceSchema>;

const errorBodySchema = z.object({ errorType: z.string().optional(), error: z.string() });
const matrixSchema = z.object({
  status: z.literal('success'),
  data: z.object({
    resultType: z.literal('matrix'),
    result: z.array(z.object({ metric: z.record(z.string(), z.string()), values: z.array(z.tuple([z.number(), z.string()])) })),
  }),
});

/** A value placed inside a double-quoted PromQL string stays one string. */
function quoted(value: string): string {
  return value.replace(/[\\"]/g, (c) => `\\${c}`);
}

/** The metric's PromQL with `${scope}` (the server group name) and `${role}` (canary | baseline) filled in. */
export function renderPromQl(template: string, query: Pick<MetricQuery, 'scope' | 'role'>): string {
  return template.replaceAll('${scope}', quoted(query.scope)).replaceAll('${role}', quoted(query.role));
}

/**
 * Prometheus' range query. The query must yield one series (aggregate it, e.g. with `sum` or
 * `histogram_quantile`): summing several series here would be right for a rate and wrong for a
 * latency, so more than one is an error that says so. No series at all is no data (an empty list,
 * which the judge turns into NodataFail). "NaN" and "±Inf" values arrive as NaN / ±Infinity.
 */
export function prometheusSource(config: PrometheusSourceConfig, deps: HttpDeps): MetricSource {
  const timeoutMs = (config.timeoutSeconds ?? 30) * 1000;
  return {
    type: 'prometheus',
    async fetch(query) {
      const template = query.metric.query;
      if (template === undefined) throw new MetricSourceError(`prometheus: metric ${query.metric.name} has no query (a PromQL template)`);
      const url = new URL(`${config.url.replace(/\/+$/, '')}/api/v1/query_range`);
      url.searchParams.set('query', renderPromQl(template, query));
      url.searchParams.set('start', String(query.start.getTime() / 1000));
      url.searchParams.set('end', String(query.end.getTime() / 1000));
      url.searchParams.set('step', String(query.stepSec));
      const matrix = await getJson(deps, 'prometheus', url, {
        ...(config.headers === undefined ? {} : { headers: config.headers }),
        timeoutMs,
        explain: (error) => {
          const parsed = errorBodySchema.safeParse(error);
          return parsed.success ? `${parsed.data.errorType ?? 'error'}: ${parsed.data.error}` : undefined;
        },
        answer: matrixSchema,
        expected: 'not a success matrix',
      });
      const series = matrix.data.result;
      if (series.length > 1) {
        throw new MetricSourceError(
          `prometheus: the query of metric ${query.metric.name} for ${query.scope} returned ${series.length} series; aggregate it to one (e.g. sum(...) or histogram_quantile(...))`,
        );
      }
      return (series[0]?.values ?? []).map(([, value]) => Number(value));
    },
  };
}
