import { z } from 'zod';
import type { MetricSource } from './MetricSource';

export const staticSourceSchema = z.strictObject({
  type: z.literal('static'),
  /** Per metric name: values by scope (server group name) or by role (`canary`, `baseline`); the scope wins. */
  series: z.record(z.string(), z.record(z.string(), z.array(z.number()))),
});
export type StaticSourceConfig = z.infer<typeof staticSourceSchema>;

/** Fixed series from the configuration, for tests and demos. A series it does not have is no data. */
export function staticSource(config: StaticSourceConfig): MetricSource {
  return {
    type: 'static',
    async fetch(query) {
      const byKey = config.series[query.metric.name] ?? {};
      return [...(byKey[query.scope] ?? byKey[query.role] ?? [])];
    },
  };
}
