import { z } from 'zod';

/** What the load child is asked to do, and what it answers: JSON over argv / stdout. */
export const loadSpecSchema = z.object({
  url: z.url(),
  method: z.enum(['GET', 'POST']),
  body: z.string().optional(),
  headers: z.record(z.string(), z.string()).default({}),
  /** Requests per second overall. */
  rate: z.number().positive(),
  durationSeconds: z.number().positive(),
  /** autocannon instances, started 1/lanes s apart, each with rate/lanes (see loadChild.ts). */
  lanes: z.number().int().positive(),
  connectionsPerLane: z.number().int().positive(),
});
export type LoadSpec = z.input<typeof loadSpecSchema>;

export const loadReportSchema = z.object({
  requests: z.number().int().nonnegative(),
  responses: z.number().int().nonnegative(),
  status2xx: z.number().int().nonnegative(),
  non2xx: z.number().int().nonnegative(),
  /** Connection errors, timeouts included (autocannon's `errors`). */
  errors: z.number().int().nonnegative(),
  timeouts: z.number().int().nonnegative(),
  statusCodes: z.record(z.string(), z.number()),
  elapsedSeconds: z.number().nonnegative(),
  /** Responses per second over the run (sum of each lane's per-second mean). */
  throughput: z.number().nonnegative(),
  /** Every response's latency, as measured by autocannon, summarised without correction. */
  latencyMs: z
    .object({
      count: z.number(),
      min: z.number(),
      p50: z.number(),
      p90: z.number(),
      p99: z.number(),
      max: z.number(),
      mean: z.number(),
    })
    .nullable(),
});
export type LoadReport = z.infer<typeof loadReportSchema>;
