import { z } from 'zod';
import { MetricSourceError, type MetricSource } from './MetricSource';
import { getJson, type HttpDeps } from './http';

/** The metrics the local provider's proxy records per server group. */
export const LOCAL_PROXY_METRICS = ['errorRate', 'latencyMean', 'latencyP50', 'latencyP95', 'latencyP99', 'requestRate'] as const;

export const localProxySourceSchema = z.strictObject({
  type: z.literal('localProxy'),
  /** The proxy's samples endpoint; when absent the caller's default (the local provider's) is used. */
  url: z.url().optional(),
  timeoutSeconds: z.number().positive().optional(),
});
export type LocalProxySourceConfig = z.infer<typeof localProxySourceSchema>;

const samplesSchema = z.object({ values: z.array(z.number().nullable()) });
const errorBodySchema = z.object({ error: z.object({ message: z.string() }) });

/**
 * The local provider's reverse proxy: `GET <url>?serverGroup=&metric=&start=&end=&stepMs=` (epoch
 * milliseconds) answers one value per step, null for a step with no requests, which is dropped
 * (no traffic is no evidence either way). The metric is the config's `query`, else its name.
 */
export function localProxySource(url: string, deps: HttpDeps, timeoutSeconds = 30): MetricSource {
  return {
    type: 'localProxy',
    async fetch(query) {
      const metric = query.metric.query ?? query.metric.name;
      if (!(LOCAL_PROXY_METRICS as readonly string[]).includes(metric)) {
        throw new MetricSourceError(`localProxy: unknown metric "${metric}" for ${query.metric.name}; the proxy records ${LOCAL_PROXY_METRICS.join(', ')}`);
      }
      const target = new URL(url);
      target.searchParams.set('serverGroup', query.scope);
      target.searchParams.set('metric', metric);
      target.searchParams.set('start', String(query.start.getTime()));
      target.searchParams.set('end', String(query.end.getTime()));
      target.searchParams.set('stepMs', String(Math.round(query.stepSec * 1000)));
      const samples = await getJson(deps, 'localProxy', target, {
        timeoutMs: timeoutSeconds * 1000,
        explain: (error) => {
          const parsed = errorBodySchema.safeParse(error);
          return parsed.success ? parsed.data.error.message : undefined;
        },
        answer: samplesSchema,
        expected: 'want {"values": [number|null, …]}',
      });
      return samples.values.filter((value): value is number => value !== null);
    },
  };
}
