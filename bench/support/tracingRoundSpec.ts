import { z } from 'zod';

export const TRACING_MODES = ['before', 'off', 'on'] as const;
export type TracingMode = (typeof TRACING_MODES)[number];

/** What the parent hands a tracing-overhead round (`tracingRound.ts`). */
export const tracingRoundSchema = z.object({
  mode: z.enum(TRACING_MODES),
  databaseUrl: z.string(),
  queue: z.object({ kind: z.literal('redis'), url: z.string(), prefix: z.string() }),
  endpoint: z.string(),
  executions: z.number().int().positive(),
  /** Executions run first and not measured, so that the compiler has optimized the code every mode runs. */
  warmUpExecutions: z.number().int().positive(),
  stages: z.number().int().positive(),
  concurrency: z.number().int().positive(),
  timeoutMs: z.number().int().positive(),
});
export type TracingRoundSpec = z.infer<typeof tracingRoundSchema>;

export const tracingRoundResultSchema = z.object({
  transitionsPerSecond: z.number().nullable(),
  /** CPU milliseconds the round's process spent per transition during the run. */
  cpuMsPerTransition: z.number(),
  succeeded: z.number(),
  transitions: z.number(),
});
export type TracingRoundResult = z.infer<typeof tracingRoundResultSchema>;
